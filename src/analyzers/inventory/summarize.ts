/**
 * What is in an inventory, as a platform engineer first wants to know it: objects by kind,
 * workloads and the resources they ask for per namespace, and the nodes that must hold them.
 */

import { compareText } from '../../core/compare-text.ts';
import { containersOf, desiredReplicas, effectiveRequests, WORKLOAD_KINDS } from '../../core/pod-spec.ts';
import { parseQuantity } from '../../core/quantity.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';

export interface NamespaceSummary {
  namespace: string;
  workloads: number;
  replicas: number;
  containers: number;
  /** Sum over workloads of per-replica requests × desired replicas (cores / bytes). */
  cpuRequests: number;
  memoryRequests: number;
  containersWithoutRequests: number;
  containersWithoutMemoryLimit: number;
}

export interface NodeGroupSummary {
  instanceType: string;
  capacityType: string;
  nodes: number;
  cpuAllocatable: number;
  memoryAllocatable: number;
}

export interface InventorySummary {
  objects: number;
  byKind: { kind: string; count: number }[];
  namespaces: NamespaceSummary[];
  nodes: NodeGroupSummary[];
  totals: {
    workloads: number;
    replicas: number;
    containers: number;
    cpuRequests: number;
    memoryRequests: number;
    cpuAllocatable: number;
    memoryAllocatable: number;
    nodes: number;
    pods: number;
  };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * A top-level workload has no controlling owner: a ReplicaSet of a Deployment or a pod of a
 * ReplicaSet is counted through its owner, even when a snapshot lacks the owner object.
 */
function isTopLevel(entry: InventoryEntry): boolean {
  // Input may be malformed: ownerReferences that is not a list, or entries that are not mappings.
  const owners: unknown = entry.object.metadata.ownerReferences;
  return !(Array.isArray(owners) && owners.some((r) => (r as { controller?: unknown } | null)?.controller));
}

export function summarizeInventory(inventory: Inventory): InventorySummary {
  const byKind = inventory
    .kinds()
    .map((kind) => ({ kind, count: inventory.ofKind(kind).length }))
    .sort((a, b) => b.count - a.count || compareText(a.kind, b.kind));

  const namespaces = new Map<string, NamespaceSummary>();
  const ns = (name: string): NamespaceSummary => {
    let s = namespaces.get(name);
    if (!s) {
      s = {
        namespace: name,
        workloads: 0,
        replicas: 0,
        containers: 0,
        cpuRequests: 0,
        memoryRequests: 0,
        containersWithoutRequests: 0,
        containersWithoutMemoryLimit: 0,
      };
      namespaces.set(name, s);
    }
    return s;
  };
  for (const name of inventory.namespaces()) ns(name);

  const nodeCount = inventory.ofKind('Node').length;
  for (const kind of WORKLOAD_KINDS) {
    for (const entry of inventory.ofKind(kind)) {
      if (!isTopLevel(entry)) continue;
      const s = ns(entry.ref.namespace ?? 'default');
      const replicas = kind === 'DaemonSet' ? nodeCount : (desiredReplicas(entry.object) ?? 1);
      s.workloads++;
      s.replicas += replicas;
      for (const c of containersOf(entry.object)) {
        s.containers++;
        const requests = effectiveRequests(c);
        const limits = record(c.resources?.limits);
        const cpu = parseQuantity(String(requests.cpu ?? ''));
        const memory = parseQuantity(String(requests.memory ?? ''));
        if (requests.cpu === undefined && requests.memory === undefined) s.containersWithoutRequests++;
        if (limits.memory === undefined) s.containersWithoutMemoryLimit++;
        s.cpuRequests += (cpu ?? 0) * replicas;
        s.memoryRequests += (memory ?? 0) * replicas;
      }
    }
  }

  const groups = new Map<string, NodeGroupSummary>();
  for (const entry of inventory.ofKind('Node')) {
    const labels = entry.object.metadata.labels ?? {};
    const instanceType =
      labels['node.kubernetes.io/instance-type'] ?? labels['beta.kubernetes.io/instance-type'] ?? 'unknown';
    const capacityType =
      labels['karpenter.sh/capacity-type'] ??
      labels['eks.amazonaws.com/capacityType']?.toLowerCase().replace('_', '-') ??
      'unknown';
    const key = `${instanceType}/${capacityType}`;
    let g = groups.get(key);
    if (!g) {
      g = { instanceType, capacityType, nodes: 0, cpuAllocatable: 0, memoryAllocatable: 0 };
      groups.set(key, g);
    }
    const allocatable = record(record(entry.object.status).allocatable);
    g.nodes++;
    g.cpuAllocatable += parseQuantity(String(allocatable.cpu ?? '0')) ?? 0;
    g.memoryAllocatable += parseQuantity(String(allocatable.memory ?? '0')) ?? 0;
  }

  const nsList = [...namespaces.values()].sort((a, b) => compareText(a.namespace, b.namespace));
  const nodes = [...groups.values()].sort(
    (a, b) => b.nodes - a.nodes || compareText(a.instanceType, b.instanceType),
  );
  const sum = <T>(items: T[], f: (t: T) => number): number => items.reduce((acc, t) => acc + f(t), 0);
  return {
    objects: inventory.size,
    byKind,
    namespaces: nsList,
    nodes,
    totals: {
      workloads: sum(nsList, (s) => s.workloads),
      replicas: sum(nsList, (s) => s.replicas),
      containers: sum(nsList, (s) => s.containers),
      cpuRequests: sum(nsList, (s) => s.cpuRequests),
      memoryRequests: sum(nsList, (s) => s.memoryRequests),
      cpuAllocatable: sum(nodes, (g) => g.cpuAllocatable),
      memoryAllocatable: sum(nodes, (g) => g.memoryAllocatable),
      nodes: nodeCount,
      pods: inventory.ofKind('Pod').length,
    },
  };
}
