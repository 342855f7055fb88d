/**
 * `cost` as an analysis: from the objects read (a cluster, a snapshot or a repository), prices
 * and optionally a Prometheus client, the whole cost report — allocation by namespace, team and
 * workload, right-sizing with its backtest, spot verdicts, the planned node mix and the savings
 * waterfall. No flags, no files, no terminal: the CLI and the in-cluster server call it alike.
 */
import { describeError } from '../../core/errors.ts';
import { percent } from '../../core/numbers.ts';
import { pushTo } from '../../core/records.ts';
import { buildInventory, type Inventory, type InventoryEntry } from '../../inventory/inventory.ts';
import { owningWorkload, type WorkloadIdentity } from '../../inventory/owning-workload.ts';
import { type SpotVerdict, spotVerdict } from '../../scheduling/spot-verdict.ts';
import type { SourcedObject } from '../../sources/manifests/load-manifests.ts';
import type { PrometheusClient } from '../../sources/prometheus/client.ts';
import type { UnitPrices } from '../rightsizing/backtest.ts';
import { type RightsizingRun, runRightsizing } from '../rightsizing/rightsizing-run.ts';
import { allocateCosts, type CostAllocation } from './allocation.ts';
import { consolidationCandidates } from './consolidation.ts';
import type { CostLine, CostReport, WaterfallStep } from './cost-report.ts';
import { type NodeMixPlan, planNodeMix, plannerInstanceTypes } from './planner.ts';
import { podRequests } from './pod-requests.ts';
import { HOURS_PER_MONTH, type PriceBook } from './prices.ts';
import { currentCapacity, type Resizes, scenarioDemand } from './scenarios.ts';
import { podsFromTemplates } from './template-pods.ts';

export interface CostAnalysisOptions {
  objects: readonly SourcedObject[];
  /** The input's read errors, described: the report is then partial. */
  readErrors: readonly string[];
  /** Read from a live cluster (else a snapshot or a repository). */
  live: boolean;
  /** What was analysed, for the report: the context, or the paths. */
  target: string;
  book: PriceBook;
  now: Date;
  /** The usage history window. */
  window: { start: Date; end: Date };
  teamLabels?: readonly string[];
  prometheus?: { client: PrometheusClient; url: string };
  namespaces?: string[];
  variant: 'burstable' | 'guaranteed';
  /** Run the node-mix planner. */
  plan: boolean;
  /** How spot prices were set, for the report. */
  spotDiscountText: string;
  toolVersion: string;
  /** Notes, warnings and errors as lines (`warning: …`), for a terminal or a log. */
  onMessage?: (line: string) => void;
  onNamespace?: (namespace: string, done: number) => void;
}

export interface CostAnalysis {
  report: CostReport;
  inventory: Inventory;
  rightsizing?: RightsizingRun;
  plans?: { repacked: NodeMixPlan; rightsized: NodeMixPlan; spot: NodeMixPlan };
  verdicts: Map<string, SpotVerdict>;
  workloads: Map<string, InventoryEntry>;
  /** No nodes, pods or workloads in a repository: nothing could be priced (nothing else is set). */
  nothingToPrice?: true;
}

/** Unit prices when no node could be priced: OpenCost's defaults. */
const DEFAULT_UNIT_PRICES: UnitPrices = { cpuCoreHour: 0.031611, memoryGiBHour: 0.004237 };

/** Cluster-wide average unit prices from the priced nodes (capacity-weighted). */
function averageUnitPrices(allocation: CostAllocation): UnitPrices {
  let cpu = 0;
  let cores = 0;
  let mem = 0;
  let gib = 0;
  for (const n of allocation.nodes) {
    if (!n.unitPrices) continue;
    cpu += n.unitPrices.cpuPerCoreHour * n.capacity.cpu;
    cores += n.capacity.cpu;
    mem += n.unitPrices.ramPerGiBHour * (n.capacity.memory / 2 ** 30);
    gib += n.capacity.memory / 2 ** 30;
  }
  return cores > 0 && gib > 0 ? { cpuCoreHour: cpu / cores, memoryGiBHour: mem / gib } : DEFAULT_UNIT_PRICES;
}

/**
 * The top-level workloads of the running pods, once each (the controller when the input has it,
 * else the first of its pods: a snapshot of pods alone still groups them by workload).
 */
function runningWorkloads(inventory: Inventory): {
  entries: Map<string, InventoryEntry>;
  pods: Map<string, InventoryEntry[]>;
  identities: Map<string, WorkloadIdentity>;
} {
  const entries = new Map<string, InventoryEntry>();
  const pods = new Map<string, InventoryEntry[]>();
  const identities = new Map<string, WorkloadIdentity>();
  for (const pod of inventory.ofKind('Pod')) {
    const phase = (pod.object.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const identity = owningWorkload(inventory, pod);
    if (!entries.has(identity.key)) {
      entries.set(identity.key, inventory.topController(pod));
      identities.set(identity.key, identity);
    }
    pushTo(pods, identity.key, pod);
  }
  return { entries, pods, identities };
}

function groupLines(
  allocation: CostAllocation,
  keyOf: (c: CostAllocation['containers'][number]) => string,
): CostLine[] {
  const lines = new Map<string, CostLine>();
  for (const c of allocation.containers) {
    const key = keyOf(c);
    let line = lines.get(key);
    if (!line) {
      line = { name: key, monthly: 0, cpuRequested: 0, memoryRequested: 0 };
      lines.set(key, line);
    }
    line.monthly += c.hourlyUSD * HOURS_PER_MONTH;
    line.cpuRequested += c.request.cpu;
    line.memoryRequested += c.request.memory;
    if (c.usage?.cpu !== undefined) line.cpuUsed = (line.cpuUsed ?? 0) + c.usage.cpu;
    if (c.usage?.memory !== undefined) line.memoryUsed = (line.memoryUsed ?? 0) + c.usage.memory;
  }
  return [...lines.values()].sort((a, b) => b.monthly - a.monthly);
}

type RunningWorkloads = ReturnType<typeof runningWorkloads>;
type Plans = NonNullable<CostAnalysis['plans']>;

/** Each running pod's hourly cost and node, and the nodes' costs by name. */
interface PodCosts {
  byPod: Map<string, { hourly: number; node: string }>;
  nodes: Map<string, CostAllocation['nodes'][number]>;
}

/**
 * The inventory to price. A repository, not a cluster, has no nodes to price and no pods to
 * charge: say so, and price what can be, the workloads' requests (templates × replicas) on the
 * node mix Karpenter would launch. Undefined when a repository holds no workload at all.
 */
function priceableInventory(
  options: CostAnalysisOptions,
  partial: string[],
): { inventory: Inventory; templates: CostReport['templates']; hasNodes: boolean } | undefined {
  const inventory = buildInventory(options.objects);
  const hasNodes = inventory.ofKind('Node').length > 0;
  if (!options.live && !hasNodes) {
    partial.push(
      'no Node objects in the input: the cost of the cluster as it runs, its idle capacity and the dollars per namespace and team cannot be priced (give a snapshot with nodes: kubectl get nodes,pods,… -A -o json)',
    );
  }
  if (options.live || inventory.ofKind('Pod').length > 0)
    return { inventory, templates: undefined, hasNodes };
  const expanded = podsFromTemplates(inventory);
  if (expanded.workloads === 0) return undefined;
  const leftOut = [...expanded.leftOut].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`);
  partial.push(
    `no Pods in the input: requests are those of ${expanded.workloads} workload templates × their replicas (the autoscaler's minimum where one targets them)${leftOut.length > 0 ? `; ${leftOut.join(' and ')} left out (they run to completion)` : ''}`,
  );
  const total = { cpu: 0, memory: 0 };
  for (const { object } of expanded.pods) {
    const r = podRequests(object).total;
    total.cpu += r.cpu;
    total.memory += r.memory;
  }
  return {
    inventory: buildInventory([...options.objects, ...expanded.pods]),
    templates: { workloads: expanded.workloads, pods: expanded.pods.length, ...total },
    hasNodes,
  };
}

/** Right-sizing from Prometheus; its failures and gaps make the report partial, not fail. */
async function rightsizeFromPrometheus(
  prometheus: NonNullable<CostAnalysisOptions['prometheus']>,
  inventory: Inventory,
  unitPrices: UnitPrices,
  options: CostAnalysisOptions,
  partial: string[],
): Promise<{ rightsizing: RightsizingRun | undefined; prometheusInfo: CostReport['prometheus'] }> {
  const say = options.onMessage ?? (() => {});
  const { client, url } = prometheus;
  let rightsizing: RightsizingRun | undefined;
  try {
    rightsizing = await runRightsizing(client, inventory, {
      start: options.window.start,
      end: options.window.end,
      unitPrices,
      ...(options.namespaces ? { namespaces: options.namespaces } : {}),
      ...(options.onNamespace ? { onNamespace: options.onNamespace } : {}),
    });
    if (options.onNamespace) say('');
  } catch (error) {
    // Prometheus unreachable: the cost by requests, the spot plan and the node mix still stand.
    say(`error: ${describeError(error)}`);
    partial.push(`right-sizing skipped: ${describeError(error)}`);
  }
  for (const gap of rightsizing?.gaps ?? []) {
    say(`warning: Prometheus ${gap.scope}: ${gap.message}`);
    partial.push(`${gap.scope}: ${gap.message}`);
  }
  for (const w of client.warnings) say(`warning: Prometheus: ${w}`);
  const prometheusInfo = {
    url,
    window: {
      start: options.window.start.toISOString(),
      end: options.window.end.toISOString(),
      stepSeconds: rightsizing?.grid?.step ?? 0,
    },
    queries: client.stats.queries,
    samplesTouched: client.stats.samplesTouched,
    seconds: rightsizing?.seconds ?? 0,
    serverSeconds: client.stats.serverSeconds,
    bytesReceived: client.stats.bytesReceived,
  };
  return { rightsizing, prometheusInfo };
}

/** Spot verdicts per running workload (DaemonSet pods follow their nodes: none). */
function runningVerdicts(
  inventory: Inventory,
  running: RunningWorkloads,
  now: Date,
): Map<string, SpotVerdict> {
  const verdicts = new Map<string, SpotVerdict>();
  for (const [key, entry] of running.entries) {
    if (entry.object.kind === 'Pod' && owningWorkload(inventory, entry).kind === 'DaemonSet') continue;
    verdicts.set(key, spotVerdict(inventory, entry, { now }));
  }
  return verdicts;
}

/** Resizes from the chosen variant, by workload and container. */
function resizesOf(
  rightsizing: RightsizingRun | undefined,
  variant: CostAnalysisOptions['variant'],
): Resizes {
  const resizes = new Map<string, Map<string, { cpu?: number; memory?: number }>>();
  for (const { rec, workloadKey } of rightsizing?.recommendations ?? []) {
    if (rec.confidence === 'none') continue;
    const settings = rec.strategies.hindsight[variant];
    const byContainer = resizes.get(workloadKey) ?? new Map();
    byContainer.set(rec.container, {
      ...(settings.requests.cpu !== undefined ? { cpu: settings.requests.cpu } : {}),
      ...(settings.requests.memory !== undefined ? { memory: settings.requests.memory } : {}),
    });
    resizes.set(workloadKey, byContainer);
  }
  return resizes;
}

/** The node mix under each scenario: repacked as is, right-sized, and with spot-safe workloads on spot. */
async function planScenarios(
  inventory: Inventory,
  book: PriceBook,
  verdicts: ReadonlyMap<string, SpotVerdict>,
  rightsizing: RightsizingRun | undefined,
  resizes: Resizes,
  hasCurrentCapacity: boolean,
): Promise<Plans> {
  const types = plannerInstanceTypes(book);
  const plan = async (resize: Resizes | undefined, spot: boolean) => {
    const demand = scenarioDemand(inventory, {
      ...(resize ? { resizes: resize } : {}),
      capacity: spot
        ? (_pod, key, node) => {
            const v = verdicts.get(key);
            if (!v) return currentCapacity(_pod, key, node);
            return v.verdict === 'spot-safe' ? undefined : 'on-demand';
          }
        : hasCurrentCapacity
          ? currentCapacity
          : // A repository has no current capacity type: the baseline is all on-demand.
            () => 'on-demand' as const,
    });
    return planNodeMix({
      pods: demand.pods,
      daemonSetOverhead: demand.daemonSetOverhead,
      instanceTypes: types,
    });
  };
  const repacked = await plan(undefined, false);
  const rightsized = rightsizing ? await plan(resizes, false) : repacked;
  return { repacked, rightsized, spot: await plan(rightsizing ? resizes : undefined, true) };
}

function podCostsOf(allocation: CostAllocation): PodCosts {
  const byPod = new Map<string, { hourly: number; node: string }>();
  for (const c of allocation.containers) {
    const key = `${c.namespace}/${c.pod}`;
    const prev = byPod.get(key);
    byPod.set(key, { hourly: (prev?.hourly ?? 0) + c.hourlyUSD, node: c.node });
  }
  return { byPod, nodes: new Map(allocation.nodes.map((n) => [n.name, n])) };
}

/** Spot-safe workloads running on on-demand nodes, priced at the spot discount of their node's type. */
function movableToSpot(
  verdicts: ReadonlyMap<string, SpotVerdict>,
  running: RunningWorkloads,
  costs: PodCosts,
  book: PriceBook,
): CostReport['spot']['movable'] {
  const movable: CostReport['spot']['movable'] = [];
  for (const [key, verdict] of verdicts) {
    if (verdict.verdict !== 'spot-safe') continue;
    const identity = running.identities.get(key);
    if (!identity) continue;
    let monthly = 0;
    let saving = 0;
    for (const pod of running.pods.get(key) ?? []) {
      const cost = costs.byPod.get(`${pod.ref.namespace}/${pod.ref.name}`);
      const node = cost ? costs.nodes.get(cost.node) : undefined;
      if (!cost || !node?.price.priced || node.price.capacityType !== 'on-demand') continue;
      const od = book.hourly(node.price.instanceType, 'on-demand')?.hourlyUSD;
      const spot = book.hourly(node.price.instanceType, 'spot')?.hourlyUSD;
      monthly += cost.hourly * HOURS_PER_MONTH;
      if (od && spot !== undefined) saving += cost.hourly * (1 - spot / od) * HOURS_PER_MONTH;
    }
    if (monthly > 0)
      movable.push({
        namespace: identity.namespace ?? '',
        kind: identity.kind,
        name: identity.name,
        monthly,
        saving,
      });
  }
  return movable.sort((a, b) => b.saving - a.saving);
}

/** From the cost now (when there are nodes) through the node mix, right-sizing and spot. */
function waterfallOf(
  allocation: CostAllocation,
  plans: Plans | undefined,
  rightsizing: RightsizingRun | undefined,
  verdicts: ReadonlyMap<string, SpotVerdict>,
  running: RunningWorkloads,
  costs: PodCosts,
  context: { variant: CostAnalysisOptions['variant']; hasCurrentCapacity: boolean },
): WaterfallStep[] {
  // Without nodes there is no "now": the waterfall starts at the planned node mix.
  const waterfall: WaterfallStep[] =
    allocation.nodes.length > 0 || allocation.unpricedNodes.length > 0
      ? [
          {
            label: 'now',
            monthly: allocation.totals.nodesMonthlyUSD,
            saving: 0,
            safety: `${allocation.nodes.length} nodes as running`,
          },
        ]
      : [];
  if (!plans) return waterfall;
  const hsRow = rightsizing?.backtest.rows.find(
    (r) => r.strategy === (context.variant === 'guaranteed' ? 'hindsight-guaranteed' : 'hindsight'),
  );
  const step = (label: string, plan: NodeMixPlan, safety: string) => {
    const previous = waterfall.at(-1)?.monthly ?? plan.monthlyUSD;
    waterfall.push({ label, monthly: plan.monthlyUSD, saving: previous - plan.monthlyUSD, safety });
  };
  step(
    context.hasCurrentCapacity ? 'node mix' : 'on-demand',
    plans.repacked,
    `${plans.repacked.nodeCount} nodes; plan within ${percent(plans.repacked.gap - 1)} of the proven lower bound`,
  );
  if (rightsizing)
    step(
      'right-sizing',
      plans.rightsized,
      hsRow
        ? `backtest: ${percent(hsRow.oomRisk, 3)} OOM risk, ${percent(hsRow.throttleRisk, 2)} of CPU samples over request`
        : 'no backtest (history too short)',
    );
  const safe = [...verdicts.values()].filter((v) => v.verdict === 'spot-safe').length;
  // On-demand-only workloads running on spot today move to on-demand: safer, and it costs.
  let offSpot = 0;
  for (const [key, v] of verdicts) {
    if (v.verdict !== 'on-demand-only') continue;
    const onSpot = (running.pods.get(key) ?? []).some((p) => {
      const node = costs.nodes.get(costs.byPod.get(`${p.ref.namespace}/${p.ref.name}`)?.node ?? '');
      return node?.price.priced === true && node.price.capacityType === 'spot';
    });
    if (onSpot) offSpot++;
  }
  step(
    'spot',
    plans.spot,
    `${safe} spot-safe workloads may use spot; ${verdicts.size - safe} on on-demand${offSpot > 0 ? ` (${offSpot} of them run on spot today and move off it)` : ''}`,
  );
  return waterfall;
}

/** The chosen variant's recommendation per container, as report lines. */
function rightsizingLines(
  rightsizing: RightsizingRun | undefined,
  variant: CostAnalysisOptions['variant'],
): NonNullable<CostReport['rightsizing']>['containers'] {
  return (rightsizing?.recommendations ?? []).map(({ rec, replicas }) => {
    const s = rec.strategies.hindsight[variant];
    return {
      namespace: rec.workload.namespace,
      kind: rec.workload.kind,
      workload: rec.workload.name,
      container: rec.container,
      replicas,
      current: {
        ...(rec.current.requests.cpu !== undefined ? { cpuRequest: rec.current.requests.cpu } : {}),
        ...(rec.current.requests.memory !== undefined ? { memoryRequest: rec.current.requests.memory } : {}),
        ...(rec.current.limits.memory !== undefined ? { memoryLimit: rec.current.limits.memory } : {}),
        ...(rec.current.limits.cpu !== undefined ? { cpuLimit: rec.current.limits.cpu } : {}),
      },
      recommended: {
        ...(s.requests.cpu !== undefined ? { cpuRequest: s.requests.cpu } : {}),
        ...(s.requests.memory !== undefined ? { memoryRequest: s.requests.memory } : {}),
        ...(s.limits.memory !== undefined ? { memoryLimit: s.limits.memory } : {}),
        ...(s.limits.cpu !== undefined ? { cpuLimit: s.limits.cpu } : {}),
      },
      monthlyDelta: s.monthlyDelta.total,
      confidence: rec.confidence === 'none' ? 'low' : rec.confidence,
      reasons: rec.reasons.map((r) => r.message),
    };
  });
}

/** Cost per workload, with its team, pods and spot verdict. */
function workloadLines(
  allocation: CostAllocation,
  verdicts: ReadonlyMap<string, SpotVerdict>,
): CostReport['byWorkload'] {
  return groupLines(allocation, (c) => c.workloadIdentity.key).map((l) => {
    const mine = allocation.containers.filter((c) => c.workloadIdentity.key === l.name);
    const identity = (mine[0] as (typeof mine)[number]).workloadIdentity;
    const v = verdicts.get(identity.key);
    return {
      ...l,
      name: identity.label,
      namespace: identity.namespace ?? '',
      kind: identity.kind,
      team: mine[0]?.team ?? '(none)',
      replicas: new Set(mine.map((c) => c.pod)).size,
      spot: v ? v.verdict : 'n/a',
    };
  });
}

/** The planned node mix with spot against the nodes now, and the nodes consolidation could remove. */
function nodeMixSection(
  plans: Plans,
  allocation: CostAllocation,
  inventory: Inventory,
  book: PriceBook,
): NonNullable<CostReport['nodeMix']> {
  return {
    currentMonthly: allocation.totals.nodesMonthlyUSD,
    currentNodes: allocation.nodes.length,
    planMonthly: plans.spot.monthlyUSD,
    lowerBoundMonthly: plans.spot.lowerBound.monthlyUSD,
    ratio: plans.spot.gap,
    nodes: plans.spot.nodeGroups.map((g) => ({
      instanceType: g.instanceType,
      capacityType: g.capacityType,
      count: g.count,
      monthlyEach: g.hourlyUSDEach * HOURS_PER_MONTH,
    })),
    unplaced: plans.spot.unplaceable.map((u) => `${u.count}× ${u.name} (${u.reason})`),
    consolidation: consolidationCandidates(inventory, book).candidates.map((c) => ({
      node: c.node,
      instanceType: c.instanceType ?? '?',
      monthly: c.monthlySavingsUSD,
      reason: `its ${c.moves.length} pods fit on other nodes`,
    })),
  };
}

export async function analyzeCost(options: CostAnalysisOptions): Promise<CostAnalysis> {
  const { book, now } = options;
  const say = options.onMessage ?? (() => {});
  const partial: string[] = [...options.readErrors];
  const priceable = priceableInventory(options, partial);
  if (!priceable) return { nothingToPrice: true } as CostAnalysis;
  const { inventory, templates, hasNodes } = priceable;
  const hasCurrentCapacity = hasNodes || options.live;

  // Cost now, by requests; right-sizing (with usage) refines the allocation below.
  const teamLabels = options.teamLabels ? { teamLabels: options.teamLabels } : {};
  let allocation = allocateCosts(inventory, book, teamLabels);
  const unitPrices = averageUnitPrices(allocation);

  let rightsizing: RightsizingRun | undefined;
  let prometheusInfo: CostReport['prometheus'];
  if (!options.prometheus)
    say(
      'note: no --prometheus: usage is unknown, so containers are charged their requests and nothing is right-sized',
    );
  if (options.prometheus) {
    ({ rightsizing, prometheusInfo } = await rightsizeFromPrometheus(
      options.prometheus,
      inventory,
      unitPrices,
      options,
      partial,
    ));
    if (rightsizing) allocation = allocateCosts(inventory, book, { ...teamLabels, usage: rightsizing.usage });
  }

  const running = runningWorkloads(inventory);
  const workloads = running.entries;
  const verdicts = runningVerdicts(inventory, running, now);
  const resizes = resizesOf(rightsizing, options.variant);
  const plans =
    options.plan && inventory.ofKind('Pod').length > 0
      ? await planScenarios(inventory, book, verdicts, rightsizing, resizes, hasCurrentCapacity)
      : undefined;
  const costs = podCostsOf(allocation);
  const movable = movableToSpot(verdicts, running, costs, book);
  const nowMonthly = allocation.totals.nodesMonthlyUSD;
  const waterfall = waterfallOf(allocation, plans, rightsizing, verdicts, running, costs, {
    variant: options.variant,
    hasCurrentCapacity,
  });
  const recLines = rightsizingLines(rightsizing, options.variant);

  const report: CostReport = {
    tool: { name: 'hindsight', version: options.toolVersion },
    generatedAt: options.now.toISOString(),
    target: options.target,
    currency: 'USD',
    partial,
    ...(templates ? { templates } : {}),
    ...(prometheusInfo ? { prometheus: prometheusInfo } : {}),
    now: {
      monthly: nowMonthly,
      nodes: allocation.nodes.length,
      unpricedNodes: allocation.unpricedNodes.map((n) => `${n.name} (${n.reason})`),
      idleMonthly: allocation.totals.idleMonthlyUSD,
      cpu: allocation.utilisation.cpu,
      memory: allocation.utilisation.memory,
    },
    byNamespace: groupLines(allocation, (c) => c.namespace),
    byTeam: groupLines(allocation, (c) => c.team),
    byWorkload: workloadLines(allocation, verdicts),
    ...(rightsizing
      ? {
          rightsizing: {
            strategy: `hindsight ${options.variant}`,
            containers: recLines,
            monthlySavings: -recLines.reduce((sum, c) => sum + c.monthlyDelta, 0),
            backtest: rightsizing.backtest.rows.map((r) => ({
              strategy: r.strategy,
              oomRisk: r.oomRisk,
              memoryOverRequest: r.memoryOverRequestShare,
              cpuOverRequest: r.throttleRisk,
              requestedMonthly: r.monthlyRequestedCost,
              slack: r.cpuSlack,
              containers: r.containers,
            })),
          },
        }
      : {}),
    spot: {
      safe: [...verdicts.values()].filter((v) => v.verdict === 'spot-safe').length,
      onDemandOnly: [...verdicts.values()].filter((v) => v.verdict === 'on-demand-only').length,
      movable,
      monthlySavings: movable.reduce((s, m) => s + m.saving, 0),
      discount: options.spotDiscountText,
    },
    ...(plans ? { nodeMix: nodeMixSection(plans, allocation, inventory, book) } : {}),
    waterfall,
    generated: [],
  };

  return {
    report,
    inventory,
    ...(rightsizing ? { rightsizing } : {}),
    ...(plans ? { plans } : {}),
    verdicts,
    workloads,
  };
}
