/**
 * Snapshots and live scans hold Pods whose controller (a ReplicaSet, a Job) may not be in the
 * inventory. Spec rules then see every replica of the same template; reporting once per
 * controller, on the first live pod by name, keeps one problem one finding.
 */
import type { KubeObject } from '../core/resource.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';

/** Pods that have finished (Succeeded, Failed — e.g. Evicted) no longer run their spec. */
export function isTerminalPod(object: KubeObject): boolean {
  if (object.kind !== 'Pod') return false;
  const status = object.status;
  const phase =
    status !== null && typeof status === 'object' ? (status as Record<string, unknown>).phase : undefined;
  return phase === 'Succeeded' || phase === 'Failed';
}

function controllerKey(object: KubeObject): string | undefined {
  const owners = Array.isArray(object.metadata.ownerReferences) ? object.metadata.ownerReferences : [];
  const owner = owners.find((o) => o?.controller) ?? owners[0];
  if (!owner) return undefined;
  return `${object.metadata.namespace ?? ''}/${String(owner.kind)}/${String(owner.name)}`;
}

const representatives = new WeakMap<Inventory, Map<string, string>>();

function representativeNames(inventory: Inventory): Map<string, string> {
  let names = representatives.get(inventory);
  if (names) return names;
  names = new Map();
  for (const pod of inventory.ofKind('Pod')) {
    if (isTerminalPod(pod.object)) continue;
    const key = controllerKey(pod.object);
    if (key === undefined) continue;
    const current = names.get(key);
    if (current === undefined || pod.ref.name < current) names.set(key, pod.ref.name);
  }
  representatives.set(inventory, names);
  return names;
}

/**
 * Whether a spec rule should report on this entry: always for non-Pods and for naked Pods;
 * never for finished Pods; for Pods of a controller missing from the inventory, only for the
 * first live one of that controller.
 */
export function speaksForSiblings(inventory: Inventory, entry: InventoryEntry): boolean {
  if (entry.object.kind !== 'Pod') return true;
  if (isTerminalPod(entry.object)) return false;
  const key = controllerKey(entry.object);
  if (key === undefined) return true;
  return representativeNames(inventory).get(key) === entry.ref.name;
}
