/**
 * Objects kept from a watch repeat one another: the 30 pods of a ReplicaSet carry the same
 * containers, resources, probes, tolerations and labels, and a Node's heartbeat changes one
 * timestamp of an object otherwise equal to the version it replaces. Parsed JSON holds every
 * copy apart (about 4 KiB of heap per pod). `StructureSharer` merges each object as it arrives
 * with the one it most likely repeats — the version it replaces, else the last object of the
 * same kind under the same controller (or in the same namespace) — so that every subtree and
 * string equal at the same place is the one already kept, and only what differs is new. Strings
 * with no counterpart there go through a bounded pool, so that values repeated across unrelated
 * objects (kinds, API versions, namespaces, label values) are kept once too. The first object of
 * a group that carries a pod spec (the first ReplicaSet of a Deployment, the first pod of a
 * ReplicaSet, the first Job of a CronJob) merges that spec with its controller's pod template,
 * which it repeats.
 *
 * One pass over the new object, in place (it was just parsed and belongs to nobody yet); the
 * object merged against is never written. What is kept is then shared between objects, so
 * nothing may write to an object after it is kept: `freeze` makes that an error where it is
 * asked (the test suite asks, through `HINDSIGHT_FREEZE_OBJECTS`).
 */
import type { KubeObject } from '../../core/resource.ts';

/** Deeper than this is merged as is (hostile nesting must not exhaust the stack). */
const MAX_DEPTH = 48;

/** Strings longer than this are kept as they came (long values rarely repeat elsewhere). */
const MAX_POOLED_LENGTH = 64;
/** Strings remembered per generation of the pool. */
const POOL_GENERATION = 32_768;
/**
 * Fields whose values are one object's own (identities, versions, times, addresses): never
 * pooled, so that they do not push the values that do repeat out of the pool.
 */
const OWN_VALUE_KEYS = new Set([
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'deletionTimestamp',
  'lastTransitionTime',
  'lastProbeTime',
  'lastHeartbeatTime',
  'lastUpdateTime',
  'startedAt',
  'finishedAt',
  'startTime',
  'containerID',
  'imageID',
  'ip',
  'podIP',
  'hostIP',
  'clusterIP',
  'generateName',
]);

/**
 * Values repeated across objects that are not siblings: kinds, API versions, namespaces, label
 * values, image pull policies, scheduler names. One kept instance of each, in two generations
 * (a value seen in the older one moves to the newer; the older is dropped when the newer is
 * full), so that values seen once are forgotten and the pool stays bounded.
 */
class StringPool {
  private young = new Map<string, string>();
  private old = new Map<string, string>();

  intern(value: string): string {
    if (value.length > MAX_POOLED_LENGTH) return value;
    const young = this.young.get(value);
    if (young !== undefined) return young;
    const kept = this.old.get(value) ?? value;
    if (this.young.size >= POOL_GENERATION) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(kept, kept);
    return kept;
  }
}

export class StructureSharer {
  /** `kind` + controller uid (or namespace) → the last object kept in that group. */
  private readonly last = new Map<string, WeakRef<KubeObject>>();
  /** uid → a kept object with a pod template (Deployment, ReplicaSet, Job, CronJob, …), for its children. */
  private readonly templates = new Map<string, WeakRef<KubeObject>>();
  private readonly freeze: boolean;
  private readonly pool = new StringPool();
  private shared = 0;

  constructor(options: { freeze?: boolean } = {}) {
    this.freeze = options.freeze ?? false;
  }

  /**
   * `object` with every part equal to `before`'s (the version it replaces) — or, without one, to
   * the last object of its group — replaced by that part. Returns `object` itself.
   */
  share(object: KubeObject, before?: KubeObject): KubeObject {
    if (object.kind === 'Pod') this.sameAddresses(object.status);
    const group = groupOf(object);
    const like = before ?? this.last.get(group)?.deref();
    if (like && like !== object) mergeChildren(object, like, 0, this.pool);
    else if (!like) poolChildren(object, 0, this.pool, this.shareWithTemplate(object));
    if (this.freeze) deepFreeze(object, 0);
    const ref = new WeakRef(object);
    this.last.set(group, ref);
    const uid = object.metadata.uid;
    if (object.kind !== 'Pod' && typeof uid === 'string' && podTemplateOf(object))
      this.templates.set(uid, ref);
    // Groups come and go (each Job a CronJob starts is one): forget those whose object is gone.
    if (++this.shared % SWEEP_EVERY === 0) this.sweep();
    return object;
  }

  /** Groups remembered, after forgetting those whose last object was collected. */
  get size(): number {
    this.sweep();
    return this.last.size;
  }

  /**
   * A pod's `podIPs` and `hostIPs` lists repeat `podIP` and `hostIP` (their first entry): one
   * string for both, before the pod is merged (while all of it is still its own). The node's
   * address repeats across its pods: pooled.
   */
  private sameAddresses(status: unknown): void {
    if (!isRecord(status) || Object.isFrozen(status)) return;
    if (typeof status.hostIP === 'string') status.hostIP = this.pool.intern(status.hostIP);
    for (const [one, list] of ADDRESS_FIELDS) {
      const ip = status[one];
      const entries = status[list];
      const first = Array.isArray(entries) ? entries[0] : undefined;
      if (typeof ip === 'string' && isRecord(first) && first.ip === ip && !Object.isFrozen(first))
        first.ip = ip;
    }
  }

  private sweep(): void {
    for (const [group, ref] of this.last) if (!ref.deref()) this.last.delete(group);
    for (const [uid, ref] of this.templates) if (!ref.deref()) this.templates.delete(uid);
  }

  /**
   * Merges the pod spec of an object first of its group with its controller's pod template
   * (kept before it): a ReplicaSet's template is its Deployment's, a pod's spec repeats its
   * ReplicaSet's template but for what admission added. Returns the spec merged (already
   * pooled, so not to be walked again), if any.
   */
  private shareWithTemplate(object: KubeObject): object | undefined {
    const holder =
      object.kind === 'Pod' ? (object as unknown as Record<string, unknown>) : podTemplateOf(object);
    if (!holder || !isRecord(holder.spec)) return undefined;
    const owner = controllerUid(object);
    const template = owner === undefined ? undefined : this.templates.get(owner)?.deref();
    const kept = template && podTemplateOf(template)?.spec;
    if (!isRecord(kept)) return undefined;
    const spec = merge(holder.spec, kept, TEMPLATE_DEPTH, this.pool);
    holder.spec = spec;
    return spec as object;
  }
}

/** Objects shared between two sweeps of the groups (a sweep costs one look at each group). */
const SWEEP_EVERY = 10_000;

/** A pod status's single address and the list that repeats it. */
const ADDRESS_FIELDS = [
  ['podIP', 'podIPs'],
  ['hostIP', 'hostIPs'],
] as const;

/** How deep a pod template's spec may sit (a CronJob's: spec.jobTemplate.spec.template.spec). */
const TEMPLATE_DEPTH = 6;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The uid of the object's controller (its owner reference marked `controller`), if any. */
function controllerUid(object: KubeObject): string | undefined {
  const owners = object.metadata.ownerReferences;
  if (Array.isArray(owners)) {
    for (const owner of owners) {
      if (owner && typeof owner === 'object' && owner.controller === true && typeof owner.uid === 'string')
        return owner.uid;
    }
  }
  return undefined;
}

/** The pod template (`{metadata, spec}`) an object carries: a CronJob's in its job template. */
function podTemplateOf(object: KubeObject): Record<string, unknown> | undefined {
  const spec = object.spec;
  if (!isRecord(spec)) return undefined;
  const jobSpec = object.kind === 'CronJob' && isRecord(spec.jobTemplate) ? spec.jobTemplate.spec : spec;
  const template = isRecord(jobSpec) ? jobSpec.template : undefined;
  return isRecord(template) ? template : undefined;
}

function groupOf(object: KubeObject): string {
  const owner = controllerUid(object);
  if (owner !== undefined) return `${object.kind}\u0000${owner}`;
  return `${object.kind}\u0000\u0000${object.metadata.namespace ?? ''}`;
}

/**
 * `fresh` if it differs from `kept`, else `kept`; either way every child of `fresh` equal to
 * the child of `kept` at the same place has been replaced by that child, and every string new
 * here by the pool's.
 */
function merge(fresh: unknown, kept: unknown, depth: number, pool: StringPool, key?: string): unknown {
  if (fresh === kept) return kept;
  if (typeof fresh === 'string')
    return key !== undefined && OWN_VALUE_KEYS.has(key) ? fresh : pool.intern(fresh);
  if (typeof fresh !== 'object' || fresh === null) return fresh;
  if (typeof kept !== 'object' || kept === null || Array.isArray(fresh) !== Array.isArray(kept)) {
    poolChildren(fresh, depth + 1, pool);
    return fresh;
  }
  return mergeChildren(fresh as Record<string, unknown>, kept as Record<string, unknown>, depth + 1, pool)
    ? kept
    : fresh;
}

/** Merges `fresh`'s children with `kept`'s in place; true when every one was equal (same keys too). */
function mergeChildren(fresh: object, kept: object, depth: number, pool: StringPool): boolean {
  if (depth > MAX_DEPTH || Object.isFrozen(fresh)) return false;
  if (Array.isArray(fresh)) {
    const k = kept as unknown[];
    let same = fresh.length === k.length;
    for (let i = 0; i < fresh.length; i++) {
      const value = merge(fresh[i], k[i], depth, pool);
      fresh[i] = value;
      if (value !== k[i]) same = false;
    }
    return same;
  }
  const f = fresh as Record<string, unknown>;
  const k = kept as Record<string, unknown>;
  let same = true;
  let count = 0;
  // for-in: both are plain objects from JSON (nothing enumerable on their prototype).
  for (const key in f) {
    count++;
    // An own `__proto__` from JSON is data; assigning to it would change the prototype.
    if (key === '__proto__') {
      same = false;
      continue;
    }
    if (!Object.hasOwn(k, key)) {
      same = false;
      f[key] = pooled(f[key], key, depth, pool);
      continue;
    }
    const was = k[key];
    const value = merge(f[key], was, depth, pool, key);
    f[key] = value; // equal strings compare equal by content: assigned to share the kept one
    if (value !== was) same = false;
  }
  if (!same) return false;
  for (const _ in k) if (--count < 0) return false;
  return count === 0;
}

/** `value` with its strings (at any depth) replaced by the pool's. */
function pooled(
  value: unknown,
  key: string | undefined,
  depth: number,
  pool: StringPool,
  done?: object,
): unknown {
  if (typeof value === 'string')
    return key !== undefined && OWN_VALUE_KEYS.has(key) ? value : pool.intern(value);
  if (typeof value === 'object' && value !== null && value !== done)
    poolChildren(value, depth + 1, pool, done);
  return value;
}

/** Replaces the strings under `value`, in place, by the pool's; `done` is not walked (it already was). */
function poolChildren(value: object, depth: number, pool: StringPool, done?: object): void {
  if (depth > MAX_DEPTH || Object.isFrozen(value)) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = pooled(value[i], undefined, depth, pool, done);
    return;
  }
  const v = value as Record<string, unknown>;
  for (const key in v) if (key !== '__proto__') v[key] = pooled(v[key], key, depth, pool, done);
}

/** Freezes as deep as anything is shared (deeper parts are never merged, so never shared). */
function deepFreeze(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || depth > MAX_DEPTH + 1) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child, depth + 1);
}
