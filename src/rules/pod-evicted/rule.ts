import { formatBytes, parseQuantity } from '../../core/quantity.ts';
import { asRecord } from '../../core/records.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { owningWorkload } from '../../inventory/owning-workload.ts';
import { groupsLedBy, isGroupMember, podGroups } from '../../inventory/pod-groups.ts';
import { defineRule, NOT_APPLICABLE } from '../define-rule.ts';

/** What the kubelet's eviction message says about why. */
export interface EvictionCause {
  /** `node` (node pressure), `limit` (the pod's own ephemeral-storage limit), `unknown`. */
  kind: 'node' | 'limit' | 'unknown';
  /** memory, ephemeral-storage, disk, pid… */
  resource: string;
  /** `search-api used 3Gi against a 1Gi request` for each container the kubelet names. */
  usage: string[];
}

const CONDITION_RESOURCE: Record<string, string> = {
  MemoryPressure: 'memory',
  DiskPressure: 'disk',
  PIDPressure: 'pid',
};

function bytes(quantity: string): string {
  const parsed = parseQuantity(quantity);
  return parsed === undefined ? quantity : formatBytes(parsed);
}

/**
 * Reads the kubelet's eviction messages: "The node was low on resource: memory. … Container
 * search-api was using 3188040Ki, request is 1Gi, …", "The node had condition: [DiskPressure].",
 * "Pod ephemeral local storage usage exceeds the total limit of containers 2Gi." and "Container
 * x exceeded its local ephemeral storage limit" / "Usage of EmptyDir volume … exceeds the limit".
 */
export function evictionCause(message: string): EvictionCause {
  const usage = [
    ...message.matchAll(
      /Container (\S+) was using (\S+?), (?:request is|which exceeds its request of) (\S+?)(?:,|\.?\s|\.?$)/g,
    ),
  ].map(
    ([, container, used, request]) =>
      `${container} used ${bytes(used ?? '')} against a ${bytes(request ?? '')} request`,
  );
  const low = /low on resource: ([\w.-]+?)\.?(?:\s|$)/.exec(message);
  if (low?.[1]) return { kind: 'node', resource: low[1], usage };
  const condition = /had condition: \[(\w+)\]/.exec(message);
  if (condition?.[1])
    return { kind: 'node', resource: CONDITION_RESOURCE[condition[1]] ?? condition[1], usage };
  if (/ephemeral (local )?storage|EmptyDir volume/i.test(message) && /exceed/i.test(message))
    return { kind: 'limit', resource: 'ephemeral-storage', usage };
  return { kind: 'unknown', resource: 'unknown', usage };
}

interface EvictionHit {
  node: string;
  cause: EvictionCause;
  /** The owning workload, when the pod is not its own. */
  workload?: string;
}

function evictions(inventory: Inventory) {
  return podGroups<EvictionHit>(inventory, 'pod-evicted', (pod) => evictionOf(inventory, pod));
}

function evictionOf(inventory: Inventory, pod: InventoryEntry): [string, EvictionHit][] {
  const status = asRecord(pod.object.status);
  if (status?.phase !== 'Failed' || status.reason !== 'Evicted') return [];
  const nodeName = asRecord(pod.object.spec)?.nodeName;
  const node = typeof nodeName === 'string' && nodeName !== '' ? nodeName : 'an unknown node';
  const cause = evictionCause(typeof status.message === 'string' ? status.message : '');
  const workload = owningWorkload(inventory, pod);
  return [
    [
      `${node}/${cause.kind}/${cause.resource}`,
      { node, cause, ...(workload.kind === 'Pod' ? {} : { workload: workload.label }) },
    ],
  ];
}

function podName(pod: InventoryEntry): string {
  return pod.ref.namespace ? `${pod.ref.namespace}/${pod.ref.name}` : pod.ref.name;
}

export default defineRule({
  id: 'pod-evicted',
  category: 'operations',
  severity: 'medium',
  lesson: 'resource-limits',
  title: 'Pods are being evicted',
  appliesTo: ['Pod'],
  messages: {
    nodePressure:
      '{count} pod(s) evicted from node {node} when it ran low on {resource}: {pods}{usage}. Pods that use more than they request are evicted first',
    storageLimit:
      '{count} pod(s) evicted from node {node} for exceeding their own ephemeral-storage limit (container writable layers, logs, emptyDir): {pods}',
    evicted: '{count} pod(s) evicted from node {node}: {pods}; the eviction message does not say why',
  },
  check(entry, ctx) {
    if (!asRecord(entry.object.status)) return NOT_APPLICABLE;
    // A pod not evicted neither leads nor joins a group: judged without the every-pod index,
    // so another pod's change does not check it again.
    if (evictionOf(ctx.inventory, entry).length === 0) return undefined;
    const all = evictions(ctx.inventory);
    const groups = groupsLedBy(all, entry);
    if (groups.length === 0) return isGroupMember(all, entry) ? NOT_APPLICABLE : undefined;
    for (const group of groups) {
      const first = group.hits[0];
      if (!first) continue;
      const { node, cause } = first.hit;
      const named = group.hits
        .slice(0, 5)
        .map((h) => (h.hit.workload ? `${podName(h.pod)} (${h.hit.workload})` : podName(h.pod)));
      const pods = named.join(', ') + (group.hits.length > 5 ? `, and ${group.hits.length - 5} more` : '');
      const usage = [...new Set(group.hits.flatMap((h) => h.hit.cause.usage))].slice(0, 3);
      const data = {
        count: group.hits.length,
        node,
        pods,
        resource: cause.resource,
        usage: usage.length > 0 ? `; ${usage.join('; ')}` : '',
      };
      const messageId =
        cause.kind === 'node' ? 'nodePressure' : cause.kind === 'limit' ? 'storageLimit' : 'evicted';
      ctx.report({ messageId, data, path: ['status', 'reason'] });
    }
  },
});
