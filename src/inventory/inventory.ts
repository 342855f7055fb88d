/**
 * The indexed object graph every analysis reads: objects by kind and namespace, lookup by
 * reference, and owner chains (Pod → ReplicaSet → Deployment) resolved to the top controller.
 */
import { type KubeObject, type OwnerReference, type ResourceRef, refKey, refOf } from '../core/resource.ts';
import type { Origin } from '../sources/origin.ts';

export interface InventoryEntry {
  object: KubeObject;
  ref: ResourceRef;
  origin: Origin;
}

export class Inventory {
  private readonly entries: InventoryEntry[] = [];
  private readonly byKey = new Map<string, InventoryEntry>();
  private readonly byKind = new Map<string, InventoryEntry[]>();
  /** Objects that appeared more than once (same group, kind, namespace and name): the later one wins. */
  readonly duplicates: { ref: ResourceRef; first: Origin; second: Origin }[] = [];

  add(object: KubeObject, origin: Origin): void {
    this.byNamespace = undefined;
    const ref = refOf(object);
    const key = refKey(ref);
    const entry: InventoryEntry = { object, ref, origin };
    const previous = this.byKey.get(key);
    if (previous) {
      this.duplicates.push({ ref, first: previous.origin, second: origin });
      const list = this.byKind.get(object.kind) as InventoryEntry[];
      list[list.indexOf(previous)] = entry;
      this.entries[this.entries.indexOf(previous)] = entry;
    } else {
      this.entries.push(entry);
      let list = this.byKind.get(object.kind);
      if (!list) {
        list = [];
        this.byKind.set(object.kind, list);
      }
      list.push(entry);
    }
    this.byKey.set(key, entry);
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
  inNamespace(kind: string, namespace: string | undefined): readonly InventoryEntry[] {
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

  get(ref: ResourceRef): InventoryEntry | undefined {
    return this.byKey.get(refKey(ref));
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
    return this.get(ref);
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

export function buildInventory(objects: Iterable<{ object: KubeObject; origin: Origin }>): Inventory {
  const inventory = new Inventory();
  for (const { object, origin } of objects) inventory.add(object, origin);
  return inventory;
}
