/**
 * Pod size classes for the coupled LP bound: pods of one constraint class grouped by size —
 * exact sizes while there are few distinct ones, otherwise buckets of a geometric grid.
 *
 * A class's size is the smallest CPU and the smallest memory among its pods, so it never exceeds
 * any member: the LP over classes is a relaxation of the LP over the real pods (smaller pods fit
 * everywhere the real ones do, and at least as many per node), hence still a valid lower bound.
 * The packing always uses the real sizes.
 */
import type { Item } from './offerings.ts';

export interface SizeClass {
  /** Constraint class of every member. */
  cls: number;
  /** Cores and GiB: the minimum over the members. */
  cpu: number;
  mem: number;
  /** Indices of the member items. */
  items: number[];
}

export interface SizeClassing {
  classes: SizeClass[];
  /** Relative grid step used (0: exact sizes). */
  step: number;
}

/** Grid steps tried, finest first, until the classes number at most `maxClasses`. */
const STEPS = [0, 0.02, 0.03, 0.05, 0.08, 0.12, 0.2, 0.3, 0.5, 1];

function bucket(v: number, step: number): number {
  if (v <= 0) return Number.NEGATIVE_INFINITY;
  if (step === 0) return v;
  // A hair of slack so values on a grid point do not fall to the one below through rounding.
  return Math.floor(Math.log(v) / Math.log1p(step) + 1e-9);
}

/**
 * Groups the live items into size classes: exact sizes if that gives at most `maxClasses`,
 * otherwise the finest geometric grid (2%, 3%, 5%… steps) that does.
 */
export function sizeClasses(
  items: readonly Item[],
  live: readonly number[],
  maxClasses: number,
): SizeClassing {
  let last: SizeClassing = { classes: [], step: 0 };
  for (const step of STEPS) {
    const byKey = new Map<string, SizeClass>();
    for (const i of live) {
      const it = items[i] as Item;
      const key = `${it.cls}|${bucket(it.cpu, step)}|${bucket(it.mem, step)}`;
      let c = byKey.get(key);
      if (!c) {
        c = { cls: it.cls, cpu: it.cpu, mem: it.mem, items: [] };
        byKey.set(key, c);
      }
      c.cpu = Math.min(c.cpu, it.cpu);
      c.mem = Math.min(c.mem, it.mem);
      c.items.push(i);
    }
    last = { classes: [...byKey.values()], step };
    if (last.classes.length <= maxClasses) break;
  }
  return last;
}
