/**
 * What the planner can buy: offerings (instance type × capacity type × zone) with their capacity
 * net of DaemonSet overhead, the constraint classes of the pods, and which offering serves which
 * class. Shared by the bounds (planner-lp.ts) and the packing (packing.ts).
 */
import type { PlannerInstanceType, PodConstraints } from './planner.ts';
import type { PricedCapacityType } from './prices.ts';

export const GIB = 2 ** 30;
export const EPS = 1e-9;

/** Pods with the same constraints: they may use the same offerings. */
export interface ConstraintClass {
  key: string;
  constraints: PodConstraints;
}

export interface Offering {
  index: number;
  type: PlannerInstanceType;
  capacityType: PricedCapacityType;
  zone: string;
  price: number;
  /** Net of DaemonSet overhead: cores, GiB, slots. */
  cpu: number;
  mem: number;
  pods: number;
  /** classes[k]: whether constraint class k may use this offering. */
  classes: boolean[];
}

/** One pod to place. */
export interface Item {
  /** Index of its PodDemand. */
  group: number;
  /** Its constraint class. */
  cls: number;
  cpu: number;
  /** GiB. */
  mem: number;
}

export function constraintKey(c: PodConstraints | undefined): string {
  return JSON.stringify([
    c?.arch ?? '',
    c?.zone ?? '',
    c?.capacityType ?? '',
    c?.families ? [...c.families].sort() : [],
  ]);
}

export function compatible(
  cls: ConstraintClass,
  type: PlannerInstanceType,
  capacityType: PricedCapacityType,
  zone: string,
): boolean {
  const c = cls.constraints;
  if (c.arch !== undefined && c.arch !== type.arch) return false;
  if (c.capacityType !== undefined && c.capacityType !== capacityType) return false;
  if (c.families !== undefined && !c.families.includes(type.family)) return false;
  // A pinned zone needs a node of that zone; an unpinned pod can use any node.
  if (c.zone !== undefined && c.zone !== zone) return false;
  return true;
}

export function fits(
  o: { cpu: number; mem: number; pods: number },
  item: { cpu: number; mem: number },
): boolean {
  return o.cpu + EPS >= item.cpu && o.mem + EPS >= item.mem && o.pods >= 1 - EPS;
}

/** How many pods of this size one node of the offering holds (0 when none fits). */
export function podsPerNode(
  o: { cpu: number; mem: number; pods: number },
  size: { cpu: number; mem: number },
): number {
  let k = Math.floor(o.pods + EPS);
  if (size.cpu > 0) k = Math.min(k, Math.floor(o.cpu / size.cpu + EPS));
  if (size.mem > 0) k = Math.min(k, Math.floor(o.mem / size.mem + EPS));
  return Math.max(0, k);
}

/** Offerings: type × capacity type × zone ('' = any zone; one per zone some class pins). */
export function buildOfferings(
  types: readonly PlannerInstanceType[],
  classes: readonly ConstraintClass[],
  allowed: readonly PricedCapacityType[],
  ds: { cpu: number; memory: number; pods: number },
): Offering[] {
  const zones = [
    ...new Set(classes.map((c) => c.constraints.zone).filter((z): z is string => z !== undefined)),
  ];
  const offerings: Offering[] = [];
  for (const type of types) {
    const cpu = type.allocatable.cpu - ds.cpu;
    const mem = (type.allocatable.memory - ds.memory) / GIB;
    const pods = type.allocatable.pods - ds.pods;
    if (cpu <= 0 || mem <= 0 || pods < 1) continue;
    for (const capacityType of allowed) {
      const price = type.prices[capacityType];
      if (price === undefined || !Number.isFinite(price) || price < 0) continue;
      for (const zone of ['', ...zones]) {
        const compat = classes.map((c) => compatible(c, type, capacityType, zone));
        // A zone offering only for the classes pinned to that zone.
        if (zone !== '' && !classes.some((c, k) => compat[k] && c.constraints.zone === zone)) continue;
        if (zone === '' && !classes.some((c, k) => compat[k] && c.constraints.zone === undefined)) continue;
        offerings.push({
          index: offerings.length,
          type,
          capacityType,
          zone,
          price,
          cpu,
          mem,
          pods,
          classes: compat,
        });
      }
    }
  }
  return offerings;
}

/** Drops offerings another one beats: no dearer, at least as much of every resource, for the same pods. */
export function undominated(offerings: readonly Offering[]): Offering[] {
  const bySignature = new Map<string, Offering[]>();
  for (const o of offerings) {
    const sig = o.classes.map((b) => (b ? 1 : 0)).join('');
    let list = bySignature.get(sig);
    if (!list) {
      list = [];
      bySignature.set(sig, list);
    }
    list.push(o);
  }
  const keep: Offering[] = [];
  for (const list of bySignature.values()) {
    // Cheapest first: a dominating offering always comes before the ones it dominates.
    list.sort(
      (a, b) => a.price - b.price || b.cpu - a.cpu || b.mem - a.mem || b.pods - a.pods || a.index - b.index,
    );
    const kept: Offering[] = [];
    for (const o of list) {
      const beaten = kept.some(
        (k) => k.price <= o.price && k.cpu >= o.cpu && k.mem >= o.mem && k.pods >= o.pods,
      );
      if (!beaten) kept.push(o);
    }
    keep.push(...kept);
  }
  // A dominating offering must also serve a superset of classes; same-signature groups ensure it.
  return keep.sort((a, b) => a.index - b.index);
}
