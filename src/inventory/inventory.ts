/**
 * The indexed object graph every analysis reads: objects by kind and namespace, lookup by
 * reference, and owner chains (Pod → ReplicaSet → Deployment) resolved to the top controller.
 */

import { flatString } from '../core/kept-values.ts';
import type { Origin } from '../core/origin.ts';
import { pushTo } from '../core/records.ts';
import { type KubeObject, type OwnerReference, type ResourceRef, refKey, refOf } from '../core/resource.ts';
import { podAnnotations } from '../core/workload.ts';

export interface InventoryEntry {
  object: KubeObject;
  ref: ResourceRef;
  origin: Origin;
  /**
   * `refKey(ref)`, one flat string: the inventory's index, the part an object is read as (see
   * Reads) and the engine's tables all keep this one instance (`hindsight serve` keeps 80k).
   */
  readonly key: string;
}

/** The same object (group, kind, namespace, name) defined more than once, where each copy sits. */
export interface DuplicateGroup {
  ref: ResourceRef;
  origins: Origin[];
}

/**
 * How close two origins are: the same file beats the same directory, which beats a shared
 * parent; higher is closer. Used to pick among same-name objects (alternative versions of one
 * app in different files) the one a relation most likely means.
 */
export function proximity(a: Origin, b: Origin): number {
  if (a.source === b.source) return Number.MAX_SAFE_INTEGER;
  const dirs = (source: string) => source.split(/[\\/]/).slice(0, -1);
  const da = dirs(a.source);
  const db = dirs(b.source);
  let shared = 0;
  while (shared < da.length && shared < db.length && da[shared] === db[shared]) shared++;
  return shared;
}

/**
 * What a computation read from an inventory, so that a later change can tell whether the result
 * still holds (`hindsight serve` re-checks only what a change can affect). One string per part:
 * - `*`: everything (the whole list, the namespaces, the kinds present);
 * - `Kind`: every object of the kind, in every namespace;
 * - `Kind@namespace`: the objects of the kind in one namespace (`Kind@` for cluster-scoped);
 * - `<refKey>` (`group/kind/namespace/name`, see isObjectPart): one object by reference, whether
 *   or not it exists; the entry's own `key` when it does, so that what keeps reads keeps no copy;
 * - `kinds`: which kinds have at least one object (hasKind);
 * - `ns:<namespace>`: every object in one namespace but its Events (indexes whose answer for a
 *   namespace depends only on its pods and their owners declare this; see `derived`);
 * - `node:<name>`: the pods bound to one node (indexes whose answer for a node depends only on
 *   its pods declare this);
 * - `annotated:<key>`: the objects carrying one of a few annotations (own or pod template) whose
 *   mere presence somewhere decides an answer for every workload (`prometheus.io/scrape`: whether
 *   the cluster scrapes by annotation at all), so that such an answer is not read as every
 *   object of its kinds.
 */
export type Reads = Set<string>;

/**
 * Whether a part names one object (`group/kind/namespace/name`): the only parts with a slash
 * but `annotated:<key>` (a key's first colon, if any, comes after its first slash, as API groups
 * have none).
 */
export function isObjectPart(part: string): boolean {
  return part.includes('/') && !part.startsWith('annotated:');
}

/** Annotations whose presence anywhere is a part of its own (`annotated:<key>`). */
export const WATCHED_ANNOTATIONS: readonly string[] = ['prometheus.io/scrape'];

/** The parts of the inventory a change to this object touches (see Reads). */
export function changedParts(object: KubeObject): string[] {
  const ref = refOf(object);
  const parts = ['*', object.kind, `${object.kind}@${ref.namespace ?? ''}`, refKey(ref)];
  // Events are read only through the events index (`Event@namespace`), never by what reads a
  // namespace whole (pods, their owners): a busy namespace's stream of events re-checks nothing else.
  if (ref.namespace && object.kind !== 'Event') parts.push(`ns:${ref.namespace}`);
  const node =
    object.kind === 'Pod' ? (object.spec as { nodeName?: unknown } | undefined)?.nodeName : undefined;
  if (typeof node === 'string' && node !== '') parts.push(`node:${node}`);
  const own = object.metadata.annotations;
  const template = podAnnotations(object);
  for (const key of WATCHED_ANNOTATIONS)
    if ((own && key in own) || (template && key in template)) parts.push(`annotated:${key}`);
  return parts;
}

/**
 * The parts a change from `before` to `after` touches (`before` absent: added; `after` absent:
 * deleted): both sides' parts, except an `annotated:` part when the annotation is there on both
 * sides with the same value (a scraped Pod's status changing does not switch scraping on).
 */
export function partsOfChange(before: KubeObject | undefined, after: KubeObject | undefined): Set<string> {
  const parts = new Set<string>();
  for (const object of [before, after]) if (object) for (const p of changedParts(object)) parts.add(p);
  if (before && after)
    for (const key of WATCHED_ANNOTATIONS) {
      const same =
        before.metadata.annotations?.[key] === after.metadata.annotations?.[key] &&
        podAnnotations(before)?.[key] === podAnnotations(after)?.[key];
      if (same) parts.delete(`annotated:${key}`);
    }
  return parts;
}

/** Objects of one kind in one namespace read one by one, past which that kind there stands for them. */
const OBJECTS_PER_KIND = 16;

/**
 * The same reads, without parts a broader one already covers (an object of a kind read whole,
 * a kind in a namespace read whole), and with many objects of one kind in one namespace read as
 * that kind there: a shared index built from a namespace's pods and their owners reads a few
 * parts, not thousands of objects.
 * Coarser reads only ever re-run a check more often, never less.
 */
export function compactReads(reads: Reads): Reads {
  if (reads.has('*')) return new Set(['*']);
  const kinds = new Set<string>();
  const namespaces = new Set<string>();
  for (const r of reads) {
    if (r.startsWith('ns:')) namespaces.add(r.slice(3));
    else if (r !== 'kinds' && !isObjectPart(r) && !r.includes(':') && !r.includes('@')) kinds.add(r);
  }
  const out: Reads = new Set();
  const objects = new Map<string, string[]>();
  for (const r of reads) {
    if (isObjectPart(r)) {
      // <group>/<kind>/<namespace>/<name>
      const [, kind = '', namespace = ''] = r.split('/');
      if (kinds.has(kind) || (namespace !== '' && kind !== 'Event' && namespaces.has(namespace))) continue;
      pushTo(objects, `${kind}@${namespace}`, r);
      continue;
    }
    const at = r.indexOf('@');
    const kindOf = r.slice(0, at);
    if (at > 0 && (kinds.has(kindOf) || (kindOf !== 'Event' && namespaces.has(r.slice(at + 1))))) continue;
    out.add(r);
  }
  // Many objects of one kind in one namespace stand as that kind there (`Kind@namespace`, a part
  // every change of such an object carries), not as the kind everywhere: a namespace's owners
  // read one by one must not make a Deployment changed elsewhere re-run what read them.
  for (const [kindIn, parts] of objects) {
    if (parts.length > OBJECTS_PER_KIND) out.add(kindIn);
    else for (const p of parts) out.add(p);
  }
  return out;
}

/** The reads of a shared value built while reads were not recorded. */
const UNRECORDED: readonly string[] = Object.freeze(['*']);

/**
 * A shared value and what it read, as a list: kept for every workload's spot verdict, where a
 * Set of two parts costs about three times the array.
 */
interface Derivation {
  value: unknown;
  reads: readonly string[];
}

export class Inventory {
  private readonly entries: InventoryEntry[] = [];
  /** Set while a computation's reads are recorded (see readsOf). */
  private reads: Reads | undefined;
  private readonly derivations = new Map<string, Derivation>();
  private entryDerivations = new Map<InventoryEntry, Map<string, Derivation>>();
  /** Set when a kind appeared or went since the last `forget` (the `kinds` part changed). */
  private kindsChanged = false;
  /** Every entry of a key, in the order added: file scans keep same-name objects from different files. */
  private readonly byKey = new Map<string, InventoryEntry | InventoryEntry[]>();

  /**
   * The entries of a key: the entry itself where there is one (every key of a cluster; a list of
   * one would cost 56 bytes more for each of `hindsight serve`'s 80k objects), else the copies.
   */
  private copiesAt(key: string): readonly InventoryEntry[] | undefined {
    const found = this.byKey.get(key);
    return found === undefined || Array.isArray(found) ? found : [found];
  }
  private readonly byKind = new Map<string, InventoryEntry[]>();
  private duplicateCount = 0;

  /**
   * Whether shared values (`derived`) keep what they read: on for inventories an incremental
   * evaluation uses (it calls `readsOf` on every check), off for a one-shot scan, which never
   * asks and would pay for recording every object an index is built from.
   */
  recordReads = false;

  /** Runs `compute`, recording every part of the inventory it reads (nested calls record too). */
  readsOf<T>(compute: () => T): { value: T; reads: Reads } {
    this.recordReads = true;
    const outer = this.reads;
    let reads: Reads = new Set();
    this.reads = reads;
    try {
      const value = compute();
      reads = compactReads(reads);
      return { value, reads };
    } finally {
      this.reads = outer;
      if (outer) for (const r of reads) outer.add(r);
    }
  }

  /** Records a read of one object: its entries' own key, or (absent) the key flat. */
  private readObject(entry: InventoryEntry | undefined, key: string): void {
    if (this.reads) this.reads.add(entry ? entry.key : flatString(key));
  }

  /** Records that the running computation depends on a part (for indexes that narrow their reads). */
  depend(part: string): void {
    this.reads?.add(part);
  }

  /**
   * A value computed from this inventory once and shared (an index of pods by workload, the
   * node pools): `build` runs once, and every use records what the build read — or, when
   * `narrowed` is given, only those parts: the index knows that this use's answer depends on
   * less than the whole build read (the pods of one namespace, not of all).
   */
  derived<T>(name: string, build: () => T, narrowed?: readonly string[]): T {
    return this.derive(this.derivations, name, build, narrowed);
  }

  /** `derived`, for a value about one entry (the spot verdict of a workload). */
  derivedFor<T>(entry: InventoryEntry, name: string, build: () => T): T {
    let own = this.entryDerivations.get(entry);
    if (!own) {
      own = new Map();
      this.entryDerivations.set(entry, own);
    }
    return this.derive(own, name, build);
  }

  private derive<T>(
    cache: Map<string, Derivation>,
    name: string,
    build: () => T,
    narrowed?: readonly string[],
  ): T {
    let d = cache.get(name);
    // Built while nothing recorded: its reads are unknown, so a recording use builds it again.
    if (d?.reads === UNRECORDED && this.recordReads) d = undefined;
    if (!d && !this.recordReads) {
      d = { value: build(), reads: UNRECORDED };
      cache.set(name, d);
    }
    if (!d) {
      const outer = this.reads;
      this.reads = undefined;
      try {
        const built = this.readsOf(build);
        d = { value: built.value, reads: [...built.reads] };
      } finally {
        this.reads = outer;
      }
      cache.set(name, d);
    }
    if (this.reads) for (const r of narrowed ?? d.reads) this.reads.add(r);
    return d.value as T;
  }

  add(object: KubeObject, origin: Origin): void {
    this.derivations.clear();
    this.entryDerivations.clear();
    this.insert(object, origin);
  }

  /**
   * A live inventory kept current in place (`hindsight serve`; a cluster has one object per
   * key): the object replaces the one with its key, or joins. Shared values are not dropped
   * here: `forget` drops those whose reads meet the changed parts, once per batch of changes.
   */
  upsert(object: KubeObject, origin: Origin): void {
    const ref = refOf(object);
    const same = this.byKey.get(refKey(ref));
    const entry = same !== undefined && !Array.isArray(same) ? same : undefined;
    if (entry && entry.object.kind === object.kind) {
      entry.object = object;
      entry.ref = ref;
      entry.origin = origin;
      this.entryDerivations.delete(entry);
      return;
    }
    if (same) this.remove(ref);
    this.insert(object, origin);
  }

  /** Entries removed but still in `entries` (see `current`). */
  private readonly removed = new Set<InventoryEntry>();

  /** Every entry, removed ones taken out first. */
  private current(): InventoryEntry[] {
    if (this.removed.size > 0) {
      const kept = this.entries.filter((e) => !this.removed.has(e));
      this.entries.length = 0;
      for (const e of kept) this.entries.push(e);
      this.removed.clear();
    }
    return this.entries;
  }

  /** Removes every copy of the object `ref` names (see `upsert`). */
  remove(ref: ResourceRef): void {
    const key = refKey(ref);
    const copies = this.copiesAt(key);
    if (!copies) return;
    this.byKey.delete(key);
    this.duplicateCount -= copies.length - 1;
    this.byNamespace = undefined;
    // Taken out of the list of all entries at its next use: a burst of deletions costs one pass.
    for (const entry of copies) this.removed.add(entry);
    for (const entry of copies) {
      this.entryDerivations.delete(entry);
      const list = this.byKind.get(entry.object.kind);
      const at = list ? list.indexOf(entry) : -1;
      if (list && at !== -1) list.splice(at, 1);
      if (list?.length === 0) {
        this.byKind.delete(entry.object.kind);
        this.kindsChanged = true;
      }
    }
  }

  /**
   * Drops the shared values (`derived`, `derivedFor`) whose reads meet one of `parts` (the
   * `changedParts` of what `upsert` and `remove` changed): the rest are still right.
   */
  forget(parts: ReadonlySet<string>): void {
    const changed = this.kindsChanged ? new Set([...parts, 'kinds']) : parts;
    this.kindsChanged = false;
    const stale = (d: Derivation): boolean => {
      for (const r of d.reads) if (changed.has(r)) return true;
      return false;
    };
    for (const [name, d] of this.derivations) if (stale(d)) this.derivations.delete(name);
    for (const [entry, own] of this.entryDerivations) {
      for (const [name, d] of own) if (stale(d)) own.delete(name);
      if (own.size === 0) this.entryDerivations.delete(entry);
    }
  }

  /**
   * Drops every value about one entry (`derivedFor`): they are built again on their next use.
   * `hindsight serve` keeps none between evaluations (9k spot verdicts at 1,000 Nodes, 14 MiB).
   */
  forgetPerEntry(): void {
    this.entryDerivations.clear();
  }

  private insert(object: KubeObject, origin: Origin): void {
    this.byNamespace = undefined;
    const ref = refOf(object);
    const same = this.byKey.get(refKey(ref));
    const first = Array.isArray(same) ? same[0] : same;
    const key = first ? first.key : flatString(refKey(ref));
    const entry: InventoryEntry = { object, ref, origin, key };
    this.entries.push(entry);
    let list = this.byKind.get(object.kind);
    if (!list) {
      list = [];
      this.byKind.set(object.kind, list);
      this.kindsChanged = true;
    }
    list.push(entry);
    if (Array.isArray(same)) same.push(entry);
    else if (same) this.byKey.set(key, [same, entry]);
    else this.byKey.set(key, entry);
    if (same) this.duplicateCount++;
  }

  /** Objects defined more than once, each group with every place it is defined. */
  get duplicates(): DuplicateGroup[] {
    this.reads?.add('*');
    if (this.duplicateCount === 0) return [];
    const groups: DuplicateGroup[] = [];
    for (const list of this.byKey.values()) {
      if (Array.isArray(list))
        groups.push({ ref: (list[0] as InventoryEntry).ref, origins: list.map((e) => e.origin) });
    }
    return groups;
  }

  /** Every entry with the same group, kind, namespace and name as `ref` (usually one). */
  copiesOf(ref: ResourceRef): readonly InventoryEntry[] {
    const key = refKey(ref);
    const copies = this.copiesAt(key);
    this.readObject(copies?.[0], key);
    return copies ?? [];
  }

  get size(): number {
    this.reads?.add('*');
    return this.current().length;
  }

  all(): readonly InventoryEntry[] {
    this.reads?.add('*');
    return this.current();
  }

  /**
   * Whether the inventory holds any object of the kind ("were PDBs collected at all?"): reads
   * only which kinds are present, not the objects.
   */
  hasKind(kind: string): boolean {
    this.reads?.add('kinds');
    return (this.byKind.get(kind)?.length ?? 0) > 0;
  }

  ofKind(kind: string): readonly InventoryEntry[] {
    this.reads?.add(kind);
    return this.byKind.get(kind) ?? [];
  }

  private byNamespace: Map<string, Map<string, InventoryEntry[]>> | undefined;

  /**
   * Objects of a kind in one namespace, from an index built on first use: rules that relate
   * objects (a workload's PDBs, Services, autoscalers) stay linear on 100k-object clusters.
   */
  inNamespace(kind: string, namespace: string | undefined, near?: InventoryEntry): readonly InventoryEntry[] {
    this.reads?.add(`${kind}@${namespace ?? ''}`);
    const all = this.namespaceIndex(kind, namespace);
    if (!near || this.duplicateCount === 0) return all;
    return all.filter((candidate) => this.related(candidate, near));
  }

  /**
   * Whether `candidate` may relate to `near` when same-name copies exist. Copies in other files
   * are alternatives, not neighbours: of a candidate's copies only the one closest to `near`
   * counts, and when `near` itself has copies, a candidate belongs to the copy it is closest to
   * (a PDB next to v1 of an app does not protect v2 in another directory).
   */
  related(candidate: InventoryEntry, near: InventoryEntry): boolean {
    if (this.duplicateCount === 0) return true;
    this.reads?.add('*');
    const candidateCopies = this.copiesAt(candidate.key) as InventoryEntry[];
    if (candidateCopies.length > 1 && closest(candidateCopies, near.origin) !== candidate) return false;
    const nearCopies = this.copiesAt(near.key) as InventoryEntry[];
    if (nearCopies.length === 1) return true;
    const mine = proximity(candidate.origin, near.origin);
    return nearCopies.every((copy) => copy === near || proximity(candidate.origin, copy.origin) <= mine);
  }

  private namespaceIndex(kind: string, namespace: string | undefined): readonly InventoryEntry[] {
    if (!this.byNamespace) {
      this.byNamespace = new Map();
      for (const e of this.current()) {
        let kinds = this.byNamespace.get(e.ref.namespace ?? '');
        if (!kinds) {
          kinds = new Map();
          this.byNamespace.set(e.ref.namespace ?? '', kinds);
        }
        let list = kinds.get(e.object.kind);
        if (!list) {
          list = [];
          kinds.set(e.object.kind, list);
        }
        list.push(e);
      }
    }
    return this.byNamespace.get(namespace ?? '')?.get(kind) ?? [];
  }

  kinds(): string[] {
    this.reads?.add('*');
    return [...this.byKind.keys()].sort();
  }

  /**
   * The object `ref` names. When it is defined more than once (same-name objects in different
   * files), the copy closest to `near` (same file, then same directory), else the first.
   */
  get(ref: ResourceRef, near?: InventoryEntry): InventoryEntry | undefined {
    const key = refKey(ref);
    const found = this.byKey.get(key);
    const one = Array.isArray(found) ? found[0] : found;
    this.readObject(one, key);
    if (!Array.isArray(found) || !near) return one;
    return closest(found, near.origin);
  }

  /** Namespaces named by objects or declared as Namespace objects. */
  namespaces(): string[] {
    this.reads?.add('*');
    const names = new Set<string>();
    for (const e of this.current()) {
      if (e.ref.namespace) names.add(e.ref.namespace);
      if (e.object.kind === 'Namespace' && e.ref.name) names.add(e.ref.name);
    }
    return [...names].sort();
  }

  /** The controlling owner of an object, if it is in the inventory. */
  controllerOf(entry: InventoryEntry): InventoryEntry | undefined {
    // Input may be malformed: ownerReferences that is not a list, or entries without strings.
    const refs: unknown = entry.object.metadata.ownerReferences;
    if (!Array.isArray(refs)) return undefined;
    const valid = (refs as unknown[]).filter(
      (r): r is OwnerReference =>
        r !== null &&
        typeof r === 'object' &&
        typeof (r as OwnerReference).kind === 'string' &&
        typeof (r as OwnerReference).name === 'string' &&
        typeof (r as OwnerReference).apiVersion === 'string',
    );
    const owner = valid.find((r) => r.controller === true) ?? valid[0];
    if (!owner) return undefined;
    const ref: ResourceRef = { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name };
    if (entry.ref.namespace) ref.namespace = entry.ref.namespace;
    return this.get(ref, entry);
  }

  /** Follows controllers up to the top: a Pod's Deployment, a Job's CronJob. */
  topController(entry: InventoryEntry): InventoryEntry {
    let current = entry;
    for (let depth = 0; depth < 8; depth++) {
      const owner = this.controllerOf(current);
      if (!owner) return current;
      current = owner;
    }
    return current;
  }
}

function closest(copies: readonly InventoryEntry[], origin: Origin): InventoryEntry {
  let best = copies[0] as InventoryEntry;
  let bestScore = proximity(best.origin, origin);
  for (const copy of copies) {
    const score = proximity(copy.origin, origin);
    if (score > bestScore) {
      best = copy;
      bestScore = score;
    }
  }
  return best;
}

export function buildInventory(objects: Iterable<{ object: KubeObject; origin: Origin }>): Inventory {
  const inventory = new Inventory();
  for (const { object, origin } of objects) inventory.add(object, origin);
  return inventory;
}
