/**
 * The indexed object graph every analysis reads: objects by kind and namespace, lookup by
 * reference, and owner chains (Pod → ReplicaSet → Deployment) resolved to the top controller.
 */

import type { Origin } from '../core/origin.ts';
import { type KubeObject, type OwnerReference, type ResourceRef, refKey, refOf } from '../core/resource.ts';

export interface InventoryEntry {
  object: KubeObject;
  ref: ResourceRef;
  origin: Origin;
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

export class Inventory {
  private readonly entries: InventoryEntry[] = [];
  /** Every entry of a key, in the order added: file scans keep same-name objects from different files. */
  private readonly byKey = new Map<string, InventoryEntry[]>();
  private readonly byKind = new Map<string, InventoryEntry[]>();
  private duplicateCount = 0;

  add(object: KubeObject, origin: Origin): void {
    this.byNamespace = undefined;
    const ref = refOf(object);
    const key = refKey(ref);
    const entry: InventoryEntry = { object, ref, origin };
    this.entries.push(entry);
    let list = this.byKind.get(object.kind);
    if (!list) {
      list = [];
      this.byKind.set(object.kind, list);
    }
    list.push(entry);
    const same = this.byKey.get(key);
    if (same) {
      same.push(entry);
      this.duplicateCount++;
    } else {
      this.byKey.set(key, [entry]);
    }
  }

  /** Objects defined more than once, each group with every place it is defined. */
  get duplicates(): DuplicateGroup[] {
    if (this.duplicateCount === 0) return [];
    const groups: DuplicateGroup[] = [];
    for (const list of this.byKey.values()) {
      if (list.length > 1)
        groups.push({ ref: (list[0] as InventoryEntry).ref, origins: list.map((e) => e.origin) });
    }
    return groups;
  }

  /** Every entry with the same group, kind, namespace and name as `ref` (usually one). */
  copiesOf(ref: ResourceRef): readonly InventoryEntry[] {
    return this.byKey.get(refKey(ref)) ?? [];
  }

  get size(): number {
    return this.entries.length;
  }

  all(): readonly InventoryEntry[] {
    return this.entries;
  }

  ofKind(kind: string): readonly InventoryEntry[] {
    return this.byKind.get(kind) ?? [];
  }

  private byNamespace: Map<string, Map<string, InventoryEntry[]>> | undefined;

  /**
   * Objects of a kind in one namespace, from an index built on first use: rules that relate
   * objects (a workload's PDBs, Services, autoscalers) stay linear on 100k-object clusters.
   */
  inNamespace(kind: string, namespace: string | undefined, near?: InventoryEntry): readonly InventoryEntry[] {
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
    const candidateCopies = this.byKey.get(refKey(candidate.ref)) as InventoryEntry[];
    if (candidateCopies.length > 1 && closest(candidateCopies, near.origin) !== candidate) return false;
    const nearCopies = this.byKey.get(refKey(near.ref)) as InventoryEntry[];
    if (nearCopies.length === 1) return true;
    const mine = proximity(candidate.origin, near.origin);
    return nearCopies.every((copy) => copy === near || proximity(candidate.origin, copy.origin) <= mine);
  }

  private namespaceIndex(kind: string, namespace: string | undefined): readonly InventoryEntry[] {
    if (!this.byNamespace) {
      this.byNamespace = new Map();
      for (const e of this.entries) {
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
    return [...this.byKind.keys()].sort();
  }

  /**
   * The object `ref` names. When it is defined more than once (same-name objects in different
   * files), the copy closest to `near` (same file, then same directory), else the first.
   */
  get(ref: ResourceRef, near?: InventoryEntry): InventoryEntry | undefined {
    const copies = this.byKey.get(refKey(ref));
    if (!copies) return undefined;
    if (copies.length === 1 || !near) return copies[0];
    return closest(copies, near.origin);
  }

  /** Namespaces named by objects or declared as Namespace objects. */
  namespaces(): string[] {
    const names = new Set<string>();
    for (const e of this.entries) {
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
