/**
 * The pods as planner demand under a scenario: today's requests or right-sized ones, on the
 * capacity types they use today or on the ones the spot plan allows. The savings waterfall of
 * `hindsight cost` compares plans of the same pods under successive scenarios, so each step's
 * saving is the effect of that step alone:
 *
 *   now (the nodes running) → node mix (today's pods, repacked) → right-sizing (recommended
 *   requests) → spot (spot-safe workloads free to use spot)
 */

import { isPerNodePod } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { owningWorkload } from '../../inventory/owning-workload.ts';
import { nodeCapacityType } from '../../scheduling/placement.ts';
import { podsByNode } from './allocation.ts';
import { type ClusterDemand, podConstraints } from './current-fleet.ts';
import type { PodDemand } from './planner.ts';
import { podRequests } from './pod-requests.ts';
import type { PricedCapacityType } from './prices.ts';

/** New requests for some containers of a workload (cores, bytes); unset keeps today's. */
export interface ContainerResize {
  cpu?: number;
  memory?: number;
}

/** Resizes by workload key (`Kind/namespace/name`, as `owningWorkload(...).key`) and container. */
export type Resizes = ReadonlyMap<string, ReadonlyMap<string, ContainerResize>>;

/**
 * The capacity type a pod may use in the scenario: a type pins it, `undefined` leaves the
 * choice to the planner, `keep` keeps what the pod's own spec pins (or nothing).
 */
export type CapacityChoice = PricedCapacityType | undefined | 'keep';

export interface ScenarioOptions {
  resizes?: Resizes;
  /** Default: `keep`. */
  capacity?: (pod: InventoryEntry, workloadKey: string, node: InventoryEntry | undefined) => CapacityChoice;
}

/** Pods on the capacity type of the node they run on now (pods on unlabelled nodes stay free). */
export function currentCapacity(
  _pod: InventoryEntry,
  _key: string,
  node: InventoryEntry | undefined,
): CapacityChoice {
  const labels = node?.object.metadata.labels ?? {};
  const type = nodeCapacityType(labels);
  return type === 'spot' || type === 'on-demand' ? type : 'keep';
}

/** Running pods grouped as planner demand; DaemonSet pods become the per-node overhead. */
export function scenarioDemand(inventory: Inventory, options: ScenarioOptions = {}): ClusterDemand {
  const groups = new Map<string, PodDemand>();
  const overhead = { cpu: 0, memory: 0, pods: 0 };
  const nodes = new Map(inventory.ofKind('Node').map((n) => [n.ref.name, n]));
  for (const [nodeName, pods] of podsByNode(inventory)) {
    const node = nodes.get(nodeName);
    const perNode = { cpu: 0, memory: 0, pods: 0 };
    for (const entry of pods) {
      const workload = owningWorkload(inventory, entry);
      const requests = podRequests(entry.object);
      const resize = options.resizes?.get(workload.key);
      let cpu = requests.extra.cpu;
      let memory = requests.extra.memory;
      for (const c of requests.containers) {
        const r = resize?.get(c.name);
        cpu += r?.cpu ?? c.cpu;
        memory += r?.memory ?? c.memory;
      }
      if (isPerNodePod(entry.object)) {
        perNode.cpu += cpu;
        perNode.memory += memory;
        perNode.pods += 1;
        continue;
      }
      const constraints = podConstraints(entry.object);
      const choice = options.capacity ? options.capacity(entry, workload.key, node) : 'keep';
      if (choice !== 'keep') {
        if (choice === undefined) delete constraints.capacityType;
        else constraints.capacityType = choice;
      }
      const key = JSON.stringify([workload.label, cpu, memory, constraints]);
      const group = groups.get(key);
      if (group) group.count = (group.count ?? 1) + 1;
      else groups.set(key, { name: workload.label, cpu, memory, count: 1, constraints });
    }
    if (nodeName !== '') {
      overhead.cpu = Math.max(overhead.cpu, perNode.cpu);
      overhead.memory = Math.max(overhead.memory, perNode.memory);
      overhead.pods = Math.max(overhead.pods, perNode.pods);
    }
  }
  return { pods: [...groups.values()], daemonSetOverhead: overhead };
}
