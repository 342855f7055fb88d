/**
 * Status rules report one problem once: a Deployment whose ten pods were all OOMKilled is one
 * finding, not ten. This groups the inventory's Pods by a key a rule computes (workload and
 * container, node and reason…), once per inventory, and elects the first pod by name to speak
 * for the group.
 */

import { compareText } from '../core/compare-text.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';

export interface PodGroup<Hit> {
  key: string;
  /** Hits ordered by pod name; the first one's pod reports. */
  hits: { pod: InventoryEntry; hit: Hit }[];
}

/**
 * Groups the hits `collect` finds in every Pod of the inventory. `name` identifies the
 * grouping (one cache per rule); `collect` returns `[key, hit]` pairs for one Pod.
 */
export function podGroups<Hit>(
  inventory: Inventory,
  name: string,
  collect: (pod: InventoryEntry) => [string, Hit][],
): Map<string, PodGroup<Hit>> {
  // Groups may span namespaces (a node's pods): a use depends on every Pod.
  return inventory.derived(`pod-groups/${name}`, () => groupPods(inventory, collect));
}

function groupPods<Hit>(
  inventory: Inventory,
  collect: (pod: InventoryEntry) => [string, Hit][],
): Map<string, PodGroup<Hit>> {
  const groups = new Map<string, PodGroup<Hit>>();
  for (const pod of inventory.ofKind('Pod')) {
    for (const [key, hit] of collect(pod)) {
      let group = groups.get(key);
      if (!group) {
        group = { key, hits: [] };
        groups.set(key, group);
      }
      group.hits.push({ pod, hit });
    }
  }
  for (const group of groups.values())
    group.hits.sort(
      (a, b) =>
        compareText(a.pod.ref.namespace ?? '', b.pod.ref.namespace ?? '') ||
        compareText(a.pod.ref.name, b.pod.ref.name),
    );
  return groups;
}

/** The groups this pod speaks for: those whose first hit is this pod. */
export function groupsLedBy<Hit>(groups: Map<string, PodGroup<Hit>>, pod: InventoryEntry): PodGroup<Hit>[] {
  const out: PodGroup<Hit>[] = [];
  for (const group of groups.values()) if (group.hits[0]?.pod === pod) out.push(group);
  return out;
}

/** Whether the pod has a hit in some group (led by it or by another pod). */
export function isGroupMember<Hit>(groups: Map<string, PodGroup<Hit>>, pod: InventoryEntry): boolean {
  for (const group of groups.values()) if (group.hits.some((h) => h.pod === pod)) return true;
  return false;
}
