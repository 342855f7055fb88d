/**
 * Which workload a Pod belongs to, even when its controller is not in the inventory. A
 * `kubectl get pods -o json` snapshot holds Pods whose ReplicaSet and Deployment were left out;
 * status rules still want to say "Deployment workers/order-worker", not name one of its pods,
 * and report one problem once rather than once per replica.
 */
import type { KubeObject } from '../core/resource.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';

export interface WorkloadIdentity {
  kind: string;
  name: string;
  namespace?: string;
  /** Stable grouping key: kind, namespace and name. */
  key: string;
  /** How kubectl users name it: `Deployment workers/order-worker`. */
  label: string;
}

function identity(kind: string, name: string, namespace: string | undefined): WorkloadIdentity {
  const label = namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
  return {
    kind,
    name,
    ...(namespace ? { namespace } : {}),
    key: `${kind}/${namespace ?? ''}/${name}`,
    label,
  };
}

function controllerOwner(object: KubeObject): { kind: string; name: string } | undefined {
  const owners = Array.isArray(object.metadata.ownerReferences) ? object.metadata.ownerReferences : [];
  const owner = owners.find((o) => o?.controller === true) ?? owners[0];
  if (!owner || typeof owner.kind !== 'string' || typeof owner.name !== 'string') return undefined;
  return { kind: owner.kind, name: owner.name };
}

/**
 * The workload a Pod runs for: its top controller when the inventory has it; otherwise derived
 * from the owner reference. A ReplicaSet named `<name>-<pod-template-hash>` is a Deployment's
 * (the Deployment controller names them so); a Job's CronJob is not guessed, because a manual
 * `kubectl create job --from=cronjob/…` is named just like a scheduled one.
 */
export function owningWorkload(inventory: Inventory, entry: InventoryEntry): WorkloadIdentity {
  const top = inventory.topController(entry);
  const namespace = entry.ref.namespace;
  if (top !== entry) return identity(top.object.kind, top.ref.name, top.ref.namespace);
  const owner = controllerOwner(entry.object);
  if (!owner) return identity(entry.object.kind, entry.ref.name, namespace);
  if (owner.kind === 'ReplicaSet') {
    const hash = entry.object.metadata.labels?.['pod-template-hash'];
    if (typeof hash === 'string' && hash !== '' && owner.name.endsWith(`-${hash}`))
      return identity('Deployment', owner.name.slice(0, -(hash.length + 1)), namespace);
  }
  return identity(owner.kind, owner.name, namespace);
}

/** Pods that have finished (Succeeded, Failed — e.g. Evicted) no longer run their spec. */
export function hasFinished(object: KubeObject): boolean {
  const status = object.status;
  if (status === null || typeof status !== 'object') return false;
  const phase = (status as Record<string, unknown>).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Whether a spec rule should speak for this entry: always for objects other than Pods and for
 * Pods that are their own workload; never for finished Pods; for Pods of a workload that is not
 * in the inventory, only for the first running one by name, so N replicas give one finding.
 */
export function speaksForWorkload(inventory: Inventory, entry: InventoryEntry): boolean {
  if (entry.object.kind !== 'Pod') return true;
  if (hasFinished(entry.object)) return false;
  const own = owningWorkload(inventory, entry);
  if (own.kind === 'Pod') return true;
  // A pod's workload is in its namespace: who speaks for it depends on that namespace only.
  const names = inventory.derived('workload-representatives', () => {
    const first = new Map<string, string>();
    for (const pod of inventory.ofKind('Pod')) {
      if (hasFinished(pod.object)) continue;
      const key = owningWorkload(inventory, pod).key;
      const current = first.get(key);
      if (current === undefined || pod.ref.name < current) first.set(key, pod.ref.name);
    }
    return first;
  }, [`ns:${entry.ref.namespace ?? ''}`]);
  return names.get(own.key) === entry.ref.name;
}

/** Whether the Pod is managed by a controller (its spec comes from a template elsewhere). */
export function isControlledPod(object: KubeObject): boolean {
  return object.kind === 'Pod' && controllerOwner(object) !== undefined;
}
