/**
 * The node-mix planner: which instance types, how many nodes of each, and which pods go where,
 * for the least $/hour — with a proven lower bound so the report can say how far from the
 * physical limit the plan is (docs/adr/0006-node-mix-planner.md).
 *
 * 1. Offerings (offerings.ts): instance type × capacity type (× zone when pods pin one),
 *    capacity net of the DaemonSet overhead every node carries; offerings another offering beats
 *    on price and on every resource (for the same pods) are dropped.
 * 2. Lower bound (planner-lp.ts): the coupled LP — node counts per offering and pods of each size
 *    class (pod-classes.ts) per offering, every pod's CPU and memory on the same offering, plus
 *    the integrality-of-fit cut `y ≤ k·x` where few pods fit a node — on top of the fluid rows
 *    (Hall's condition per resource, big-pod and threshold cuts). Solved with HiGHS by column
 *    generation; the bound is recomputed from the row duals (a dual-feasible point), so solver
 *    tolerances cannot make it exceed the true LP optimum.
 * 3. Integer plan (packing.ts): the coupled LP's pods per offering packed first-fit-decreasing on
 *    that offering's nodes, the fractional rest greedily; then repair (empty the emptiest nodes,
 *    re-pack the under-used tail, downsize each node). Greedy packings guided by the fluid LP and
 *    by demand are made too, and the cheapest plan kept.
 */
import {
  buildOfferings,
  type ConstraintClass,
  constraintKey,
  fits,
  GIB,
  type Item,
  type Offering,
  undominated,
} from './offerings.ts';
import { costOf, improve, type OpenNode, pack, packByLp, sizeOrder } from './packing.ts';
import { type BoundResult, fluidRows, lpOfferings, solveBound } from './planner-lp.ts';

export { highs } from './planner-lp.ts';

import { compareText } from '../../core/compare-text.ts';
import { type SizeClass, sizeClasses } from './pod-classes.ts';
import { HOURS_PER_MONTH, type PriceBook, type PricedCapacityType } from './prices.ts';

/** Which nodes a group of pods may use. Unset fields do not constrain. */
export interface PodConstraints {
  arch?: string;
  zone?: string;
  capacityType?: PricedCapacityType;
  /** Instance families allowed (`m7g`, `c6i`…). */
  families?: readonly string[];
}

/** A group of identical pods. */
export interface PodDemand {
  /** How the plan names the group (a workload, `shop/api`). */
  name: string;
  /** Cores per pod. */
  cpu: number;
  /** Bytes per pod. */
  memory: number;
  /** Pods in the group; default 1. */
  count?: number;
  constraints?: PodConstraints;
}

export interface PlannerInstanceType {
  name: string;
  family: string;
  arch: string;
  /** Allocatable cores, bytes and pod slots of one node. */
  allocatable: { cpu: number; memory: number; pods: number };
  /** Hourly price per capacity type; a missing one is not offered. */
  prices: Partial<Record<PricedCapacityType, number>>;
}

export interface PlanOptions {
  /** Capacity types the plan may use (pods' own constraints narrow further); default both. */
  capacityTypes?: readonly PricedCapacityType[];
  /** Seconds HiGHS may spend on the LP; default 20. */
  lpTimeLimitSeconds?: number;
  /** Big-pod sizes to cut on, per class; default 24. */
  maxBigPodCuts?: number;
  /**
   * Size classes at most in the coupled LP; past it pod sizes are bucketed on a coarser
   * geometric grid (rounded down, so the bound stays valid but looser). Default 2,000.
   */
  maxSizeClasses?: number;
  /** The integrality-of-fit cut is added where at most this many pods fit a node; default 16. */
  maxCutPodsPerNode?: number;
  /** Milliseconds after which column generation stops (the bound stays valid); default 3,000. */
  lpBudgetMillis?: number;
}

export interface PlanInput {
  pods: readonly PodDemand[];
  /** What the DaemonSets take on every node: cores, bytes, pod slots. */
  daemonSetOverhead: { cpu: number; memory: number; pods: number };
  instanceTypes: readonly PlannerInstanceType[];
  options?: PlanOptions;
}

export interface PlannedNodeGroup {
  instanceType: string;
  capacityType: PricedCapacityType;
  /** Set when the nodes must be in one zone (pods pinned to it). */
  zone?: string;
  count: number;
  hourlyUSDEach: number;
  hourlyUSD: number;
  /** Pod groups on these nodes, by PodDemand name. */
  pods: { name: string; count: number }[];
  /** Requested share of the nodes' net allocatable. */
  utilisation: { cpu: number; memory: number; pods: number };
}

export interface UnplaceablePods {
  name: string;
  count: number;
  cpu: number;
  memory: number;
  reason: string;
}

export interface NodeMixPlan {
  nodeGroups: PlannedNodeGroup[];
  nodeCount: number;
  hourlyUSD: number;
  monthlyUSD: number;
  lowerBound: {
    hourlyUSD: number;
    monthlyUSD: number;
    /** HiGHS status of the LP. */
    status: string;
    /** Rows in the LP: fluid rows, size-class and capacity rows, cuts. */
    rows: number;
    cuts: number;
    /** The fluid LP's bound alone (resources split across offerings), $/hour. */
    fluidHourlyUSD: number;
    /** The coupled LP's bound, $/hour (the reported bound is the larger of the two). */
    coupledHourlyUSD: number;
    /** Columns of the coupled LP when it stopped, and its column-generation rounds. */
    columns: number;
    rounds: number;
  };
  /** plan cost ÷ lower bound (1 is optimal); 1 when both are 0. */
  gap: number;
  /** Pods no allowed offering can hold, left out of the plan and of the bound. */
  unplaceable: UnplaceablePods[];
  stats: {
    pods: number;
    instanceTypes: number;
    offerings: number;
    /** Offerings left after dropping dominated ones. */
    candidateOfferings: number;
    classes: number;
    /** Size classes in the coupled LP, and the grid step that made them (0: exact sizes). */
    sizeClasses: number;
    sizeStep: number;
    /** Which packing won: `coupled-lp`, `lp-guided` or `demand-guided`. */
    packing: string;
    /** Both LPs, and the coupled one alone. */
    lpMillis: number;
    coupledLpMillis: number;
    packMillis: number;
  };
}

/** The instance types of a price book as planner input, with their on-demand and spot prices. */
export function plannerInstanceTypes(
  book: PriceBook,
  capacityTypes: readonly PricedCapacityType[] = ['on-demand', 'spot'],
): PlannerInstanceType[] {
  const out: PlannerInstanceType[] = [];
  for (const type of book.instanceTypes.values()) {
    const prices: Partial<Record<PricedCapacityType, number>> = {};
    for (const c of capacityTypes) {
      const p = book.hourly(type.name, c);
      if (p) prices[c] = p.hourlyUSD;
    }
    if (Object.keys(prices).length === 0) continue;
    out.push({
      name: type.name,
      family: type.family,
      arch: type.arch,
      allocatable: type.allocatable,
      prices,
    });
  }
  return out;
}

/** The pods' constraint classes, and one item per pod. */
function constraintClasses(pods: readonly PodDemand[]) {
  const classes: ConstraintClass[] = [];
  const classIndex = new Map<string, number>();
  const items: Item[] = [];
  pods.forEach((p, g) => {
    const key = constraintKey(p.constraints);
    let k = classIndex.get(key);
    if (k === undefined) {
      k = classes.length;
      classIndex.set(key, k);
      classes.push({ key, constraints: p.constraints ?? {} });
    }
    const count = p.count ?? 1;
    for (let c = 0; c < count; c++) items.push({ group: g, cls: k, cpu: p.cpu, mem: p.memory / GIB });
  });
  return { classes, classIndex, items };
}

/** Pods nothing can hold, by pod group with the reason, and the indices of the items that fit somewhere. */
function splitPlaceable(
  pods: readonly PodDemand[],
  items: readonly Item[],
  offerings: readonly Offering[],
  classIndex: ReadonlyMap<string, number>,
): { unplaceable: UnplaceablePods[]; live: number[] } {
  const placeable: boolean[] = items.map((it) => offerings.some((o) => o.classes[it.cls] && fits(o, it)));
  const unplaceableByGroup = new Map<number, number>();
  items.forEach((it, i) => {
    if (!placeable[i]) unplaceableByGroup.set(it.group, (unplaceableByGroup.get(it.group) ?? 0) + 1);
  });
  const unplaceable: UnplaceablePods[] = [...unplaceableByGroup].map(([g, count]) => {
    const p = pods[g] as PodDemand;
    const anyOffering = offerings.some((o) => o.classes[classIndex.get(constraintKey(p.constraints)) ?? -1]);
    return {
      name: p.name,
      count,
      cpu: p.cpu,
      memory: p.memory,
      reason: anyOffering
        ? 'larger than every allowed instance type once DaemonSets are counted'
        : 'no priced instance type meets its constraints',
    };
  });
  const live = items.map((_, i) => i).filter((i) => placeable[i]);
  return { unplaceable, live };
}

/** The cheapest of the packings: guided by the coupled LP, by the fluid LP, and by demand alone. */
function cheapestPacking(
  items: readonly Item[],
  live: number[],
  candidates: readonly Offering[],
  K: number,
  sizing: { classes: SizeClass[] },
  fluid: BoundResult,
  coupled: BoundResult,
): { name: string; nodes: OpenNode[] } {
  const order = sizeOrder(items, live);
  const variants: { name: string; nodes: OpenNode[] }[] = [];
  if (coupled.status === 'Optimal' || coupled.status === 'Time limit reached')
    variants.push({
      name: 'coupled-lp',
      nodes: improve(items, packByLp(items, sizing.classes, coupled.y, candidates), candidates, K),
    });
  if (fluid.status === 'Optimal')
    variants.push({
      name: 'lp-guided',
      nodes: improve(items, pack(items, order, candidates, K, fluid.x), candidates, K),
    });
  variants.push({
    name: 'demand-guided',
    nodes: improve(items, pack(items, order, candidates, K, undefined), candidates, K),
  });
  variants.sort((a, b) => costOf(a.nodes) - costOf(b.nodes));
  return variants[0] as { name: string; nodes: OpenNode[] };
}

/** The packed nodes grouped by offering for the report, most expensive group first. */
function nodeGroupsOf(
  nodes: readonly OpenNode[],
  items: readonly Item[],
  pods: readonly PodDemand[],
): PlannedNodeGroup[] {
  const groups = new Map<
    Offering,
    { count: number; pods: Map<number, number>; used: { cpu: number; mem: number; pods: number } }
  >();
  for (const n of nodes) {
    let g = groups.get(n.offering);
    if (!g) {
      g = { count: 0, pods: new Map(), used: { cpu: 0, mem: 0, pods: 0 } };
      groups.set(n.offering, g);
    }
    g.count++;
    for (const i of n.items) {
      const it = items[i] as Item;
      g.pods.set(it.group, (g.pods.get(it.group) ?? 0) + 1);
      g.used.cpu += it.cpu;
      g.used.mem += it.mem;
      g.used.pods += 1;
    }
  }
  return [...groups]
    .map(([o, g]) => ({
      instanceType: o.type.name,
      capacityType: o.capacityType,
      ...(o.zone !== '' ? { zone: o.zone } : {}),
      count: g.count,
      hourlyUSDEach: o.price,
      hourlyUSD: o.price * g.count,
      pods: [...g.pods]
        .map(([group, count]) => ({ name: (pods[group] as PodDemand).name, count }))
        .sort((a, b) => b.count - a.count || compareText(a.name, b.name)),
      utilisation: {
        cpu: g.used.cpu / (o.cpu * g.count),
        memory: g.used.mem / (o.mem * g.count),
        pods: g.used.pods / (o.pods * g.count),
      },
    }))
    .sort((a, b) => b.hourlyUSD - a.hourlyUSD || compareText(a.instanceType, b.instanceType));
}

/**
 * Plans the cheapest node mix for the pods. Pods no allowed offering can hold are reported in
 * `unplaceable`; the rest are all placed.
 */
export async function planNodeMix(input: PlanInput): Promise<NodeMixPlan> {
  const options = input.options ?? {};
  const allowed = options.capacityTypes ?? ['on-demand', 'spot'];
  const { classes, classIndex, items } = constraintClasses(input.pods);
  const offerings = buildOfferings(input.instanceTypes, classes, allowed, input.daemonSetOverhead);
  const { unplaceable, live } = splitPlaceable(input.pods, items, offerings, classIndex);
  const liveItems = live.map((i) => items[i] as Item);

  const candidates = undominated(offerings);
  const { rows, cuts } = fluidRows(candidates, classes, liveItems, options.maxBigPodCuts ?? 24);
  const sizing = sizeClasses(items, live, options.maxSizeClasses ?? 2000);
  const timeLimitSeconds = options.lpTimeLimitSeconds ?? 20;
  const lpStart = performance.now();
  const fluid = await solveBound(candidates, rows, cuts, [], {
    timeLimitSeconds,
    maxCutPodsPerNode: 0,
    maxRounds: 1,
    budgetMillis: Number.POSITIVE_INFINITY,
  });
  const maxCutPodsPerNode = options.maxCutPodsPerNode ?? 16;
  const lpCandidates = lpOfferings(candidates, sizing.classes, maxCutPodsPerNode, rows);
  const coupled = await solveBound(lpCandidates, rows, cuts, sizing.classes, {
    timeLimitSeconds,
    maxCutPodsPerNode,
    maxRounds: 200,
    budgetMillis: options.lpBudgetMillis ?? 3000,
  });
  const lpMillis = performance.now() - lpStart;

  const packStart = performance.now();
  const winner = cheapestPacking(items, live, candidates, classes.length, sizing, fluid, coupled);
  const packMillis = performance.now() - packStart;

  const nodeGroups = nodeGroupsOf(winner.nodes, items, input.pods);
  const hourlyUSD = costOf(winner.nodes);
  // Both are valid bounds; the coupled LP contains the fluid rows, so it is the larger up to
  // solver tolerance (or, when its column generation stopped early, possibly not).
  const lp = coupled.bound >= fluid.bound ? coupled : fluid;
  const bound = lp.bound;
  return {
    nodeGroups,
    nodeCount: winner.nodes.length,
    hourlyUSD,
    monthlyUSD: hourlyUSD * HOURS_PER_MONTH,
    lowerBound: {
      hourlyUSD: bound,
      monthlyUSD: bound * HOURS_PER_MONTH,
      status: lp.status,
      rows: lp.rows,
      cuts: lp.cuts,
      fluidHourlyUSD: fluid.bound,
      coupledHourlyUSD: coupled.bound,
      columns: coupled.columns,
      rounds: coupled.rounds,
    },
    gap: hourlyUSD === 0 ? 1 : bound > 0 ? hourlyUSD / bound : Number.POSITIVE_INFINITY,
    unplaceable,
    stats: {
      pods: items.length,
      instanceTypes: input.instanceTypes.length,
      offerings: offerings.length,
      candidateOfferings: candidates.length,
      classes: classes.length,
      sizeClasses: sizing.classes.length,
      sizeStep: sizing.step,
      packing: winner.name,
      lpMillis,
      coupledLpMillis: coupled.millis,
      packMillis,
    },
  };
}
