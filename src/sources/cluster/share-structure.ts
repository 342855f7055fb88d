/**
 * Objects kept from a watch repeat one another: the 30 pods of a ReplicaSet carry the same
 * containers, resources, probes, tolerations and labels, and a Node's heartbeat changes one
 * timestamp of an object otherwise equal to the version it replaces. Parsed JSON holds every
 * copy apart (about 4 KiB of heap per pod). `StructureSharer` merges each object as it arrives
 * with the one it most likely repeats — the version it replaces, else the last object of the
 * same kind under the same controller (or in the same namespace) — so that every subtree and
 * string equal at the same place is the one already kept, and only what differs is new.
 *
 * One pass over the new object, in place (it was just parsed and belongs to nobody yet); the
 * object merged against is never written. What is kept is then shared between objects, so
 * nothing may write to an object after it is kept: `freeze` makes that an error where it is
 * asked (the test suite asks, through `HINDSIGHT_FREEZE_OBJECTS`).
 */
import type { KubeObject } from '../../core/resource.ts';

/** Deeper than this is merged as is (hostile nesting must not exhaust the stack). */
const MAX_DEPTH = 48;

export class StructureSharer {
  /** `kind` + controller uid (or namespace) → the last object kept in that group. */
  private readonly last = new Map<string, WeakRef<KubeObject>>();
  private readonly freeze: boolean;
  private shared = 0;

  constructor(options: { freeze?: boolean } = {}) {
    this.freeze = options.freeze ?? false;
  }

  /**
   * `object` with every part equal to `before`'s (the version it replaces) — or, without one, to
   * the last object of its group — replaced by that part. Returns `object` itself.
   */
  share(object: KubeObject, before?: KubeObject): KubeObject {
    const group = groupOf(object);
    const like = before ?? this.last.get(group)?.deref();
    if (like && like !== object) mergeChildren(object, like, 0);
    if (this.freeze) deepFreeze(object, 0);
    this.last.set(group, new WeakRef(object));
    // Groups come and go (each Job a CronJob starts is one): forget those whose object is gone.
    if (++this.shared % SWEEP_EVERY === 0) this.sweep();
    return object;
  }

  /** Groups remembered, after forgetting those whose last object was collected. */
  get size(): number {
    this.sweep();
    return this.last.size;
  }

  private sweep(): void {
    for (const [group, ref] of this.last) if (!ref.deref()) this.last.delete(group);
  }
}

/** Objects shared between two sweeps of the groups (a sweep costs one look at each group). */
const SWEEP_EVERY = 10_000;

function groupOf(object: KubeObject): string {
  const owners = object.metadata.ownerReferences;
  if (Array.isArray(owners)) {
    for (const owner of owners) {
      if (owner && typeof owner === 'object' && owner.controller === true && typeof owner.uid === 'string')
        return `${object.kind}\u0000${owner.uid}`;
    }
  }
  return `${object.kind}\u0000\u0000${object.metadata.namespace ?? ''}`;
}

/**
 * `fresh` if it differs from `kept`, else `kept`; either way every child of `fresh` equal to
 * the child of `kept` at the same place has been replaced by that child.
 */
function merge(fresh: unknown, kept: unknown, depth: number): unknown {
  if (fresh === kept) return kept;
  if (typeof fresh !== 'object' || fresh === null || typeof kept !== 'object' || kept === null) return fresh;
  if (Array.isArray(fresh) !== Array.isArray(kept)) return fresh;
  return mergeChildren(fresh as Record<string, unknown>, kept as Record<string, unknown>, depth + 1)
    ? kept
    : fresh;
}

/** Merges `fresh`'s children with `kept`'s in place; true when every one was equal (same keys too). */
function mergeChildren(fresh: object, kept: object, depth: number): boolean {
  if (depth > MAX_DEPTH || Object.isFrozen(fresh)) return false;
  if (Array.isArray(fresh)) {
    const k = kept as unknown[];
    let same = fresh.length === k.length;
    for (let i = 0; i < fresh.length; i++) {
      const value = merge(fresh[i], k[i], depth);
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
    if (key === '__proto__' || !Object.hasOwn(k, key)) {
      same = false;
      continue;
    }
    const was = k[key];
    const value = merge(f[key], was, depth);
    f[key] = value; // equal strings compare equal by content: assigned to share the kept one
    if (value !== was) same = false;
  }
  if (!same) return false;
  for (const _ in k) if (--count < 0) return false;
  return count === 0;
}

/** Freezes as deep as anything is shared (deeper parts are never merged, so never shared). */
function deepFreeze(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || depth > MAX_DEPTH + 1) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child, depth + 1);
}
