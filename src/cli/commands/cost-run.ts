/** `hindsight cost`, the run: what the command does once its flags are parsed (loaded on demand). */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDuration } from '../../analyzers/certs/duration.ts';
import { allocateCosts, type CostAllocation } from '../../analyzers/cost/allocation.ts';
import { consolidationCandidates } from '../../analyzers/cost/consolidation.ts';
import { type NodeMixPlan, planNodeMix, plannerInstanceTypes } from '../../analyzers/cost/planner.ts';
import { podRequests } from '../../analyzers/cost/pod-requests.ts';
import {
  DEFAULT_SPOT_DISCOUNTS,
  HOURS_PER_MONTH,
  loadPriceBook,
  type PriceBook,
} from '../../analyzers/cost/prices.ts';
import { currentCapacity, type Resizes, scenarioDemand } from '../../analyzers/cost/scenarios.ts';
import { podsFromTemplates } from '../../analyzers/cost/template-pods.ts';
import type { UnitPrices } from '../../analyzers/rightsizing/backtest.ts';
import { type SpotVerdict, spotVerdict } from '../../analyzers/spot/verdict.ts';
import { describeError, SourceError, UsageError } from '../../core/errors.ts';
import { parseQuantity } from '../../core/quantity.ts';
import { buildInventory, type Inventory, type InventoryEntry } from '../../inventory/inventory.ts';
import { owningWorkload, type WorkloadIdentity } from '../../inventory/owning-workload.ts';
import { renderCostHtml } from '../../reporters/cost/cost-html.ts';
import type { CostLine, CostReport, WaterfallStep } from '../../reporters/cost/cost-report.ts';
import { renderCostMarkdown, renderCostTable } from '../../reporters/cost/cost-text.ts';
import { percent, usd } from '../../reporters/cost/format.ts';
import { loadManifests } from '../../sources/manifests/load-manifests.ts';
import { createPrometheusClient } from '../../sources/prometheus/client.ts';
import { runClock } from '../clock.ts';
import { clusterConnection } from '../cluster-flags.ts';
import { applyRequestPatches } from '../cost/apply-requests.ts';
import { writeGenerated } from '../cost/generate.ts';
import { type RightsizingRun, runRightsizing } from '../cost/rightsizing-run.ts';
import { type CliIo, EXIT, type ExitCode } from '../io.ts';
import { parseReportSpecs } from '../report-specs.ts';
import { packageVersion } from '../version.ts';
import { writeFileAtomic } from '../write-file.ts';
import { COST_FORMATS, type CostFormat, type CostOptions } from './cost.ts';

/** Unit prices when no node could be priced: OpenCost's defaults. */
const DEFAULT_UNIT_PRICES: UnitPrices = { cpuCoreHour: 0.031611, memoryGiBHour: 0.004237 };

function renderAs(format: CostFormat, report: CostReport): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'markdown') return renderCostMarkdown(report);
  if (format === 'html') return renderCostHtml(report);
  return renderCostTable(report);
}

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
    pods.set(identity.key, [...(pods.get(identity.key) ?? []), pod]);
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

export async function runCost(paths: string[], opts: CostOptions, io: CliIo): Promise<ExitCode> {
  const live = paths.length === 0;
  if (!live && (opts.context || opts.namespace))
    throw new UsageError(
      '--context and --namespace apply to live clusters; give either paths or a context, not both',
    );
  const reports = parseReportSpecs(opts.report, COST_FORMATS);
  const windowMs = parseDuration(opts.window);
  if (!windowMs || windowMs < 3600_000)
    throw new UsageError(`--window ${opts.window}: expected a duration of at least 1h, like 14d`);
  const timeoutMs = parseDuration(opts.prometheusTimeout);
  if (!timeoutMs)
    throw new UsageError(`--prometheus-timeout ${opts.prometheusTimeout}: expected a duration like 60s`);
  const maxResponseBytes = parseQuantity(opts.prometheusMaxResponseSize);
  if (maxResponseBytes === undefined || maxResponseBytes < 1024)
    throw new UsageError(
      `--prometheus-max-response-size ${opts.prometheusMaxResponseSize}: expected a size such as 128Mi or 1Gi`,
    );
  const connection = clusterConnection(opts);
  const now = runClock(io.env);
  const end = opts.end ? new Date(opts.end) : now;
  if (Number.isNaN(end.getTime()))
    throw new UsageError(`--end ${opts.end}: expected an RFC 3339 time like 2026-11-01T00:00:00Z`);
  const start = new Date(end.getTime() - windowMs);
  let spotDiscounts: Record<string, number> | undefined;
  if (opts.spotDiscount !== undefined) {
    const d = Number(opts.spotDiscount);
    if (!(d >= 0 && d < 1))
      throw new UsageError(`--spot-discount ${opts.spotDiscount}: expected a fraction in [0, 1), e.g. 0.65`);
    // Every category the price table knows (the catalogue's categories all are).
    spotDiscounts = Object.fromEntries(Object.keys(DEFAULT_SPOT_DISCOUNTS).map((k) => [k, d]));
  }

  let book: PriceBook;
  try {
    book = loadPriceBook({
      ...(opts.prices ? { priceFile: resolve(io.cwd, opts.prices) } : {}),
      ...(spotDiscounts ? { spotDiscounts } : {}),
    });
  } catch (error) {
    if (error instanceof SourceError) throw new UsageError(describeError(error), { cause: error });
    throw error;
  }

  const loaded = live
    ? await (await import('../../sources/cluster/load-cluster.ts')).loadCluster({
        env: io.env,
        ...connection,
        onWarning: (line) => io.stderr(`warning: ${line}\n`),
      })
    : await loadManifests(paths, { stdin: io.stdin });
  for (const error of loaded.errors) io.stderr(`error: ${describeError(error)}\n`);
  const partial: string[] = loaded.errors.map((e) => describeError(e));
  let inventory = buildInventory(loaded.objects);
  let templates: CostReport['templates'];
  // A repository, not a cluster: no nodes to price, no pods to charge. Say so, and price what
  // can be: the workloads' requests (templates × replicas) on the node mix Karpenter would launch.
  const hasNodes = inventory.ofKind('Node').length > 0;
  if (!live && !hasNodes) {
    partial.push(
      'no Node objects in the input: the cost of the cluster as it runs, its idle capacity and the dollars per namespace and team cannot be priced (give a snapshot with nodes: kubectl get nodes,pods,… -A -o json)',
    );
  }
  if (!live && inventory.ofKind('Pod').length === 0) {
    const expanded = podsFromTemplates(inventory);
    if (expanded.workloads === 0) {
      throw new UsageError(
        `nothing to price: no nodes, pods or workloads in ${paths.join(' ')}${loaded.errors.length > 0 ? ' (unreadable inputs above)' : ''}`,
      );
    }
    const leftOut = [...expanded.leftOut].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`);
    partial.push(
      `no Pods in the input: requests are those of ${expanded.workloads} workload templates × their replicas (the autoscaler's minimum where one targets them)${leftOut.length > 0 ? `; ${leftOut.join(' and ')} left out (they run to completion)` : ''}`,
    );
    inventory = buildInventory([...loaded.objects, ...expanded.pods]);
    const total = { cpu: 0, memory: 0 };
    for (const { object } of expanded.pods) {
      const r = podRequests(object).total;
      total.cpu += r.cpu;
      total.memory += r.memory;
    }
    templates = { workloads: expanded.workloads, pods: expanded.pods.length, ...total };
  }

  // Cost now, by requests; right-sizing (with usage) refines the allocation below.
  const teamLabels = opts.teamLabel.length > 0 ? { teamLabels: opts.teamLabel } : {};
  let allocation = allocateCosts(inventory, book, teamLabels);
  const unitPrices = averageUnitPrices(allocation);

  let rightsizing: RightsizingRun | undefined;
  let prometheusInfo: CostReport['prometheus'];
  const promUrl = opts.prometheus ?? io.env.HINDSIGHT_PROMETHEUS_URL;
  if (!promUrl)
    io.stderr(
      'note: no --prometheus: usage is unknown, so containers are charged their requests and nothing is right-sized\n',
    );
  if (promUrl) {
    const token = opts.prometheusToken ?? io.env.HINDSIGHT_PROMETHEUS_TOKEN;
    const client = createPrometheusClient({
      url: promUrl,
      timeoutMs,
      totalTimeoutMs: timeoutMs,
      maxResponseBytes,
      ...(token ? { bearerToken: token } : {}),
      ...(opts.prometheusTokenFile ? { bearerTokenFile: resolve(io.cwd, opts.prometheusTokenFile) } : {}),
      ...(opts.prometheusCa ? { caFile: resolve(io.cwd, opts.prometheusCa) } : {}),
      ...(opts.prometheusInsecure ? { insecureSkipVerify: true } : {}),
    });
    try {
      rightsizing = await runRightsizing(client, inventory, {
        start,
        end,
        unitPrices,
        ...(opts.namespace ? { namespaces: [opts.namespace] } : {}),
        ...(io.isTty
          ? { onNamespace: (ns: string, n: number) => io.stderr(`\rread ${n} namespaces (${ns})\x1b[K`) }
          : {}),
      });
      if (io.isTty) io.stderr('\n');
    } catch (error) {
      // Prometheus unreachable: the cost by requests, the spot plan and the node mix still stand.
      io.stderr(`error: ${describeError(error)}\n`);
      partial.push(`right-sizing skipped: ${describeError(error)}`);
    } finally {
      client.close();
    }
    for (const gap of rightsizing?.gaps ?? []) {
      io.stderr(`warning: Prometheus ${gap.scope}: ${gap.message}\n`);
      partial.push(`${gap.scope}: ${gap.message}`);
    }
    for (const w of client.warnings) io.stderr(`warning: Prometheus: ${w}\n`);
    prometheusInfo = {
      url: promUrl,
      window: {
        start: start.toISOString(),
        end: end.toISOString(),
        stepSeconds: rightsizing?.grid?.step ?? 0,
      },
      queries: client.stats.queries,
      samplesTouched: client.stats.samplesTouched,
      seconds: rightsizing?.seconds ?? 0,
    };
    if (rightsizing) allocation = allocateCosts(inventory, book, { ...teamLabels, usage: rightsizing.usage });
  }

  // Spot verdicts per running workload.
  const running = runningWorkloads(inventory);
  const workloads = running.entries;
  const verdicts = new Map<string, SpotVerdict>();
  for (const [key, entry] of workloads) {
    if (entry.object.kind === 'Pod' && owningWorkload(inventory, entry).kind === 'DaemonSet') continue;
    verdicts.set(key, spotVerdict(inventory, entry, { now }));
  }

  // Resizes from the chosen variant.
  const resizes = new Map<string, Map<string, { cpu?: number; memory?: number }>>();
  for (const { rec, workloadKey } of rightsizing?.recommendations ?? []) {
    if (rec.confidence === 'none') continue;
    const settings = rec.strategies.hindsight[opts.variant];
    const byContainer = resizes.get(workloadKey) ?? new Map();
    byContainer.set(rec.container, {
      ...(settings.requests.cpu !== undefined ? { cpu: settings.requests.cpu } : {}),
      ...(settings.requests.memory !== undefined ? { memory: settings.requests.memory } : {}),
    });
    resizes.set(workloadKey, byContainer);
  }

  // Node mix under each scenario.
  let plans: { repacked: NodeMixPlan; rightsized: NodeMixPlan; spot: NodeMixPlan } | undefined;
  if (opts.plan && inventory.ofKind('Pod').length > 0) {
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
          : hasNodes || live
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
    plans = { repacked, rightsized, spot: await plan(rightsizing ? resizes : undefined, true) };
  }

  // Spot: spot-safe workloads running on on-demand nodes, priced at the spot discount of their node's type.
  const movable: CostReport['spot']['movable'] = [];
  const costByPod = new Map<string, { hourly: number; node: string }>();
  for (const c of allocation.containers) {
    const key = `${c.namespace}/${c.pod}`;
    const prev = costByPod.get(key);
    costByPod.set(key, { hourly: (prev?.hourly ?? 0) + c.hourlyUSD, node: c.node });
  }
  const nodeCosts = new Map(allocation.nodes.map((n) => [n.name, n]));
  for (const [key, verdict] of verdicts) {
    if (verdict.verdict !== 'spot-safe') continue;
    const identity = running.identities.get(key);
    if (!identity) continue;
    let monthly = 0;
    let saving = 0;
    for (const pod of running.pods.get(key) ?? []) {
      const cost = costByPod.get(`${pod.ref.namespace}/${pod.ref.name}`);
      const node = cost ? nodeCosts.get(cost.node) : undefined;
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
  movable.sort((a, b) => b.saving - a.saving);

  const nowMonthly = allocation.totals.nodesMonthlyUSD;
  // Without nodes there is no "now": the waterfall starts at the planned node mix.
  const waterfall: WaterfallStep[] =
    allocation.nodes.length > 0 || allocation.unpricedNodes.length > 0
      ? [
          {
            label: 'now',
            monthly: nowMonthly,
            saving: 0,
            safety: `${allocation.nodes.length} nodes as running`,
          },
        ]
      : [];
  const hsRow = rightsizing?.backtest.rows.find(
    (r) => r.strategy === (opts.variant === 'guaranteed' ? 'hindsight-guaranteed' : 'hindsight'),
  );
  if (plans) {
    const step = (label: string, plan: NodeMixPlan, safety: string) => {
      const previous = waterfall.at(-1)?.monthly ?? plan.monthlyUSD;
      waterfall.push({ label, monthly: plan.monthlyUSD, saving: previous - plan.monthlyUSD, safety });
    };
    step(
      hasNodes || live ? 'node mix' : 'on-demand',
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
        const node = nodeCosts.get(costByPod.get(`${p.ref.namespace}/${p.ref.name}`)?.node ?? '');
        return node?.price.priced === true && node.price.capacityType === 'spot';
      });
      if (onSpot) offSpot++;
    }
    step(
      'spot',
      plans.spot,
      `${safe} spot-safe workloads may use spot; ${verdicts.size - safe} on on-demand${offSpot > 0 ? ` (${offSpot} of them run on spot today and move off it)` : ''}`,
    );
  }

  const recLines: NonNullable<CostReport['rightsizing']>['containers'] = (
    rightsizing?.recommendations ?? []
  ).map(({ rec, replicas }) => {
    const s = rec.strategies.hindsight[opts.variant];
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

  const report: CostReport = {
    tool: { name: 'hindsight', version: packageVersion() },
    generatedAt: now.toISOString(),
    target: live ? (opts.context ?? 'current context') : paths.join(' '),
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
    byWorkload: groupLines(allocation, (c) => c.workload).map((l) => {
      const [kind = '', rest = ''] = l.name.split(' ');
      const [namespace = '', name = rest] = rest.split('/');
      const key = `${kind}/${namespace}/${name}`;
      const v = verdicts.get(key);
      return {
        ...l,
        namespace,
        kind,
        team: allocation.containers.find((c) => c.workload === l.name)?.team ?? '(none)',
        replicas: new Set(allocation.containers.filter((c) => c.workload === l.name).map((c) => c.pod)).size,
        spot: v ? v.verdict : 'n/a',
      };
    }),
    ...(rightsizing
      ? {
          rightsizing: {
            strategy: `hindsight ${opts.variant}`,
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
      discount: spotDiscounts
        ? `spot at ${percent(Number(opts.spotDiscount), 0)} off on-demand`
        : 'spot discount per instance category (estimate; --prices or --spot-discount to set)',
    },
    ...(plans
      ? {
          nodeMix: {
            currentMonthly: nowMonthly,
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
          },
        }
      : {}),
    waterfall,
    generated: [],
  };

  report.generated = await writeGenerated(
    {
      ...(opts.writeVpa ? { vpaDir: resolve(io.cwd, opts.writeVpa) } : {}),
      ...(opts.writeKarpenter ? { karpenterDir: resolve(io.cwd, opts.writeKarpenter) } : {}),
      ...(opts.writeKeda ? { kedaDir: resolve(io.cwd, opts.writeKeda) } : {}),
      clusterName: opts.clusterName,
      variant: opts.variant,
    },
    { inventory, rightsizing, plan: plans?.spot, book, workloads, verdicts },
    (line) => io.stderr(`${line}\n`),
  );

  let exit: ExitCode = partial.length > 0 ? EXIT.partial : EXIT.ok;
  if (opts.applyRequests.length > 0) {
    if (!rightsizing)
      throw new UsageError(
        '--apply-requests needs --prometheus: there is nothing to apply without usage history',
      );
    const result = await applyRequestPatches(
      opts.applyRequests.map((p) => resolve(io.cwd, p)),
      rightsizing.recommendations.map((r) => r.rec),
      { variant: opts.variant, dryRun: opts.dryRun === true, stdin: io.stdin },
    );
    for (const line of result.messages) io.stderr(`${line}\n`);
    if (opts.dryRun) io.stdout(result.diff);
    if (result.refused > 0) exit = EXIT.partial;
  }

  for (const { format, file } of reports) {
    const target = resolve(io.cwd, file);
    await mkdir(join(target, '..'), { recursive: true });
    await writeFileAtomic(target, renderAs(format, report));
    io.stderr(`wrote ${format} report to ${file}\n`);
  }
  if (!(opts.dryRun && opts.applyRequests.length > 0)) io.stdout(renderAs(opts.output, report));
  if (report.now.unpricedNodes.length > 0)
    io.stderr(
      `note: ${report.now.unpricedNodes.length} nodes could not be priced and are left out of ${usd(nowMonthly)}\n`,
    );
  return exit;
}
