/**
 * The cluster as the planner sees it — the pods' requests and the constraints that pick node
 * types, and the DaemonSet overhead every node carries — and the cost of the nodes running now,
 * to set a plan against.
 *
 * Only single-valued constraints on the well-known labels become planner constraints (arch,
 * zone, capacity type, instance family); other selectors (a node group, a NodePool, custom
 * labels) are not modelled: the plan treats the cluster as one fleet.
 */
import type { KubeObject } from '../../core/resource.ts';
import { isPerNodePod, podSpecAt } from '../../core/workload.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import { owningWorkload } from '../../inventory/owning-workload.ts';
import { CAPACITY_TYPE_LABEL, INSTANCE_FAMILY_LABEL, ZONE_LABEL } from '../../scheduling/node-pool.ts';
import { EKS_CAPACITY_TYPE_LABEL, nodeConstraintsOf } from '../../scheduling/placement.ts';
import { podsByNode } from './allocation.ts';
import type { NodeMixPlan, PodConstraints, PodDemand } from './planner.ts';
import { podRequests } from './pod-requests.ts';
import { HOURS_PER_MONTH, type PriceBook } from './prices.ts';

const ARCH_LABEL = 'kubernetes.io/arch';

/** The single value a selector or every required term pins a key to, if any. */
function pinned(spec: ReturnType<typeof podSpecAt>, keys: readonly string[]): string | undefined {
  const c = nodeConstraintsOf(spec);
  for (const key of keys) {
    const v = c.nodeSelector[key];
    if (v !== undefined) return v;
  }
  const terms = c.requiredTerms;
  if (!terms || terms.length === 0) return undefined;
  let value: string | undefined;
  for (const term of terms) {
    const e = term.find((x) => keys.includes(x.key) && x.operator === 'In' && x.values.length === 1);
    if (!e) return undefined; // some term leaves the key open
    if (value !== undefined && value !== e.values[0]) return undefined;
    value = e.values[0];
  }
  return value;
}

function familiesOf(spec: ReturnType<typeof podSpecAt>): string[] | undefined {
  const c = nodeConstraintsOf(spec);
  const v = c.nodeSelector[INSTANCE_FAMILY_LABEL];
  if (v !== undefined) return [v];
  const terms = c.requiredTerms;
  if (terms?.length !== 1) return undefined;
  const e = terms[0]?.find((x) => x.key === INSTANCE_FAMILY_LABEL && x.operator === 'In');
  return e ? [...e.values] : undefined;
}

/** Planner constraints of a pod spec (see the module comment for what is modelled). */
export function podConstraints(pod: KubeObject): PodConstraints {
  const spec = podSpecAt(pod);
  const out: PodConstraints = {};
  const arch = pinned(spec, [ARCH_LABEL]);
  if (arch) out.arch = arch;
  const zone = pinned(spec, [ZONE_LABEL]);
  if (zone) out.zone = zone;
  const capacity = pinned(spec, [CAPACITY_TYPE_LABEL, EKS_CAPACITY_TYPE_LABEL]);
  if (capacity === 'spot' || capacity === 'SPOT') out.capacityType = 'spot';
  if (capacity === 'on-demand' || capacity === 'ON_DEMAND') out.capacityType = 'on-demand';
  const families = familiesOf(spec);
  if (families) out.families = families;
  return out;
}

export interface ClusterDemand {
  /** One group per workload, pod size and constraints. */
  pods: PodDemand[];
  /** The largest DaemonSet footprint any node carries now (requests of its DaemonSet pods). */
  daemonSetOverhead: { cpu: number; memory: number; pods: number };
}

/** The running pods of the inventory as planner demand (DaemonSet and static pods as overhead). */
export function clusterDemand(inventory: Inventory): ClusterDemand {
  const groups = new Map<string, PodDemand>();
  const overhead = { cpu: 0, memory: 0, pods: 0 };
  for (const [node, pods] of podsByNode(inventory)) {
    const perNode = { cpu: 0, memory: 0, pods: 0 };
    for (const entry of pods) {
      const total = podRequests(entry.object).total;
      if (isPerNodePod(entry.object)) {
        perNode.cpu += total.cpu;
        perNode.memory += total.memory;
        perNode.pods += 1;
        continue;
      }
      const constraints = podConstraints(entry.object);
      const name = owningWorkload(inventory, entry).label;
      const key = JSON.stringify([name, total.cpu, total.memory, constraints]);
      const g = groups.get(key);
      if (g) g.count = (g.count ?? 1) + 1;
      else groups.set(key, { name, cpu: total.cpu, memory: total.memory, count: 1, constraints });
    }
    if (node !== '') {
      overhead.cpu = Math.max(overhead.cpu, perNode.cpu);
      overhead.memory = Math.max(overhead.memory, perNode.memory);
      overhead.pods = Math.max(overhead.pods, perNode.pods);
    }
  }
  return { pods: [...groups.values()], daemonSetOverhead: overhead };
}

export interface FleetComparison {
  currentHourlyUSD: number;
  currentMonthlyUSD: number;
  currentNodes: number;
  /** Nodes that could not be priced: the current cost leaves them out. */
  unpricedNodes: { name: string; reason: string }[];
  planHourlyUSD: number;
  planMonthlyUSD: number;
  planNodes: number;
  /** current − plan; positive means the plan saves. */
  savingsHourlyUSD: number;
  savingsMonthlyUSD: number;
  /** savings ÷ current cost. */
  savingsRatio: number;
}

/** The cost of the nodes running now against the plan's. */
export function compareWithCurrent(
  inventory: Inventory,
  plan: NodeMixPlan,
  book: PriceBook,
): FleetComparison {
  const byNode = podsByNode(inventory);
  let current = 0;
  const unpricedNodes: FleetComparison['unpricedNodes'] = [];
  const nodes = inventory.ofKind('Node');
  for (const n of nodes) {
    const price = book.priceOfNode(
      n.object,
      (byNode.get(n.ref.name) ?? []).map((p) => p.object),
    );
    if (price.priced) current += price.hourlyUSD;
    else unpricedNodes.push({ name: n.ref.name, reason: price.reason });
  }
  const savings = current - plan.hourlyUSD;
  return {
    currentHourlyUSD: current,
    currentMonthlyUSD: current * HOURS_PER_MONTH,
    currentNodes: nodes.length,
    unpricedNodes,
    planHourlyUSD: plan.hourlyUSD,
    planMonthlyUSD: plan.monthlyUSD,
    planNodes: plan.nodeCount,
    savingsHourlyUSD: savings,
    savingsMonthlyUSD: savings * HOURS_PER_MONTH,
    savingsRatio: current > 0 ? savings / current : 0,
  };
}
