/**
 * The planner's integer plan: pods onto nodes. Greedy packings (demand-guided, or following an
 * LP solution) and a repair pass: empty the emptiest nodes into the others' room, re-pack the
 * under-used tail from scratch, downsize each node to the cheapest offering that holds its pods.
 */
import { EPS, fits, type Item, type Offering } from './offerings.ts';
import type { SizeClass } from './pod-classes.ts';

export interface OpenNode {
  offering: Offering;
  /** Room left: cores, GiB, slots. */
  cpu: number;
  mem: number;
  pods: number;
  /** Indices of the items on the node. */
  items: number[];
}

function newNode(o: Offering): OpenNode {
  return { offering: o, cpu: o.cpu, mem: o.mem, pods: o.pods, items: [] };
}

function place(node: OpenNode, item: Item, index: number): void {
  node.cpu -= item.cpu;
  node.mem -= item.mem;
  node.pods -= 1;
  node.items.push(index);
}

/** The open node the item aligns with best: largest Σ demand·room, normalised by the node's size. */
function bestNode(nodes: readonly OpenNode[], item: Item, skip?: OpenNode): OpenNode | undefined {
  let best: OpenNode | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const n of nodes) {
    if (n === skip || !n.offering.classes[item.cls] || !fits(n, item)) continue;
    const o = n.offering;
    const score =
      (item.cpu / o.cpu) * (n.cpu / o.cpu) +
      (item.mem / o.mem) * (n.mem / o.mem) +
      (1 / o.pods) * (n.pods / o.pods);
    // Prefer the fuller node on ties (a smaller score means less room left): the dot product
    // favours roomy nodes, so fall back to best fit when the pod is tiny.
    if (score > bestScore + 1e-12) {
      best = n;
      bestScore = score;
    }
  }
  return best;
}

/** The offering with the lowest price per share of `remaining` it can absorb, among those that fit the item. */
function bestNewOffering(
  offerings: readonly Offering[],
  item: Item,
  remaining: { cpu: number; mem: number; pods: number },
): Offering | undefined {
  let best: Offering | undefined;
  let bestEff = Number.POSITIVE_INFINITY;
  for (const o of offerings) {
    if (!o.classes[item.cls] || !fits(o, item)) continue;
    let share = 1;
    if (remaining.cpu > EPS) share = Math.min(share, Math.min(o.cpu, remaining.cpu) / remaining.cpu);
    if (remaining.mem > EPS) share = Math.min(share, Math.min(o.mem, remaining.mem) / remaining.mem);
    if (remaining.pods > EPS) share = Math.min(share, Math.min(o.pods, remaining.pods) / remaining.pods);
    const eff = o.price / Math.max(share, EPS);
    if (eff < bestEff - 1e-12 || (Math.abs(eff - bestEff) <= 1e-12 && best && o.price < best.price)) {
      best = o;
      bestEff = eff;
    }
  }
  return best;
}

export function sizeOrder(items: readonly Item[], indices: number[]): number[] {
  let cpu = 0;
  let mem = 0;
  for (const i of indices) {
    const it = items[i] as Item;
    cpu += it.cpu;
    mem += it.mem;
  }
  const nc = cpu > 0 ? 1 / cpu : 0;
  const nm = mem > 0 ? 1 / mem : 0;
  const key = (it: Item) => Math.max(it.cpu * nc, it.mem * nm);
  return [...indices].sort((a, b) => key(items[b] as Item) - key(items[a] as Item) || a - b);
}

export function pack(
  items: readonly Item[],
  order: readonly number[],
  offerings: readonly Offering[],
  classCount: number,
  quota: Float64Array | undefined,
  start: readonly OpenNode[] = [],
): OpenNode[] {
  const remaining = Array.from({ length: classCount }, () => ({ cpu: 0, mem: 0, pods: 0 }));
  for (const i of order) {
    const it = items[i] as Item;
    const r = remaining[it.cls];
    if (!r) continue;
    r.cpu += it.cpu;
    r.mem += it.mem;
    r.pods += 1;
  }
  const left = quota ? Float64Array.from(quota) : undefined;
  const nodes: OpenNode[] = [...start];
  for (const i of order) {
    const it = items[i] as Item;
    let node = bestNode(nodes, it);
    if (!node) {
      let chosen: Offering | undefined;
      if (left) {
        // The LP's own types while its counts last, the largest count first.
        let most = 1e-6;
        for (const o of offerings) {
          const q = left[o.index] ?? 0;
          if (q > most && o.classes[it.cls] && fits(o, it)) {
            chosen = o;
            most = q;
          }
        }
      }
      chosen ??= bestNewOffering(offerings, it, remaining[it.cls] ?? { cpu: 0, mem: 0, pods: 0 });
      if (!chosen) continue; // unplaceable items were filtered out before
      if (left) left[chosen.index] = (left[chosen.index] ?? 0) - 1;
      node = newNode(chosen);
      nodes.push(node);
    }
    place(node, it, i);
    const r = remaining[it.cls];
    if (r) {
      r.cpu -= it.cpu;
      r.mem -= it.mem;
      r.pods -= 1;
    }
  }
  return nodes;
}

export function costOf(nodes: readonly OpenNode[]): number {
  return nodes.reduce((s, n) => s + n.offering.price, 0);
}

function fillOf(n: OpenNode): number {
  const o = n.offering;
  return Math.max((o.cpu - n.cpu) / o.cpu, (o.mem - n.mem) / o.mem, (o.pods - n.pods) / o.pods);
}

/** Moves every pod of the emptiest nodes into the others' room where they all fit, dropping the node. */
function dropNodes(items: readonly Item[], nodes: OpenNode[], attempts: number): OpenNode[] {
  const order = [...nodes].sort((a, b) => fillOf(a) - fillOf(b)).slice(0, attempts);
  const dropped = new Set<OpenNode>();
  for (const victim of order) {
    const moves: [OpenNode, number][] = [];
    let ok = true;
    const others = nodes.filter((n) => n !== victim && !dropped.has(n));
    for (const i of sizeOrder(items, victim.items)) {
      const it = items[i] as Item;
      const target = bestNode(others, it);
      if (!target) {
        ok = false;
        break;
      }
      place(target, it, i);
      moves.push([target, i]);
    }
    if (ok) {
      dropped.add(victim);
      continue;
    }
    for (const [target, i] of moves) {
      const it = items[i] as Item;
      target.cpu += it.cpu;
      target.mem += it.mem;
      target.pods += 1;
      target.items.splice(target.items.lastIndexOf(i), 1);
    }
  }
  return nodes.filter((n) => !dropped.has(n));
}

/** Each node becomes the cheapest offering that holds its pods and serves all their classes. */
function downsize(items: readonly Item[], nodes: OpenNode[], offerings: readonly Offering[]): void {
  for (const n of nodes) {
    const used = { cpu: 0, mem: 0, pods: n.items.length };
    const cls = new Set<number>();
    for (const i of n.items) {
      const it = items[i] as Item;
      used.cpu += it.cpu;
      used.mem += it.mem;
      cls.add(it.cls);
    }
    let best = n.offering;
    for (const o of offerings) {
      if (o.price >= best.price) continue;
      if (o.cpu + EPS < used.cpu || o.mem + EPS < used.mem || o.pods < used.pods) continue;
      if (![...cls].every((k) => o.classes[k])) continue;
      best = o;
    }
    if (best !== n.offering) {
      n.cpu = best.cpu - used.cpu;
      n.mem = best.mem - used.mem;
      n.pods = best.pods - used.pods;
      n.offering = best;
    }
  }
}

/** Re-packs the pods of the under-used nodes onto fresh nodes, kept when cheaper. */
function repackTail(
  items: readonly Item[],
  nodes: OpenNode[],
  offerings: readonly Offering[],
  classCount: number,
  threshold: number,
): OpenNode[] {
  const tail = nodes.filter((n) => fillOf(n) < threshold);
  if (tail.length < 1) return nodes;
  const indices = tail.flatMap((n) => n.items);
  let best = tail;
  for (const fresh of [
    pack(items, sizeOrder(items, indices), offerings, classCount, undefined),
    packTail(items, indices, offerings),
  ]) {
    downsize(items, fresh, offerings);
    if (costOf(fresh) + 1e-12 < costOf(best)) best = fresh;
  }
  if (best === tail) return nodes;
  return [...nodes.filter((n) => fillOf(n) >= threshold), ...best];
}

export function improve(
  items: readonly Item[],
  start: OpenNode[],
  offerings: readonly Offering[],
  classCount: number,
): OpenNode[] {
  let nodes = start;
  downsize(items, nodes, offerings);
  for (let round = 0; round < 3; round++) {
    const before = costOf(nodes);
    nodes = dropNodes(items, nodes, 64);
    downsize(items, nodes, offerings);
    for (const threshold of [0.5, 0.8, 0.95])
      nodes = repackTail(items, nodes, offerings, classCount, threshold);
    if (costOf(nodes) >= before - 1e-12) break;
  }
  return nodes;
}

/**
 * Packs along the coupled LP's solution: for every offering o, ⌊y_{c,o}⌋ real pods of each size
 * class c go first-fit-decreasing onto nodes of o; the pods left over (fractional parts) go
 * together into the room left on those nodes, else onto new nodes chosen by the demand rule.
 */
export function packByLp(
  items: readonly Item[],
  sizes: readonly SizeClass[],
  y: readonly (readonly { offering: Offering; pods: number }[])[],
  offerings: readonly Offering[],
): OpenNode[] {
  const byOffering = new Map<Offering, number[]>();
  const leftover: number[] = [];
  sizes.forEach((s, c) => {
    const pool = sizeOrder(items, s.items);
    let at = 0;
    for (const { offering, pods } of [...(y[c] ?? [])].sort((a, b) => b.pods - a.pods)) {
      const take = Math.min(Math.floor(pods + 1e-6), pool.length - at);
      if (take <= 0) continue;
      let list = byOffering.get(offering);
      if (!list) {
        list = [];
        byOffering.set(offering, list);
      }
      for (let t = 0; t < take; t++) list.push(pool[at + t] as number);
      at += take;
    }
    for (; at < pool.length; at++) leftover.push(pool[at] as number);
  });
  const nodes: OpenNode[] = [];
  for (const [o, list] of byOffering) nodes.push(...fillNodes(items, o, list, leftover));
  // Left-over pods into the room of the nodes opened, the rest onto nodes bought for them.
  const homeless: number[] = [];
  for (const i of sizeOrder(items, leftover)) {
    const it = items[i] as Item;
    const node = bestNode(nodes, it);
    if (node) place(node, it, i);
    else homeless.push(i);
  }
  return [...nodes, ...packTail(items, homeless, offerings)];
}

/**
 * Nodes of one offering, filled one at a time from its pods: each time the pod that best aligns
 * with the room left (dot product of its size and the free room, both relative to the node), so
 * large pods go first and small ones fill the gaps. Pods the offering cannot hold go to `spill`.
 */
function fillNodes(
  items: readonly Item[],
  o: Offering,
  pool: readonly number[],
  spill: number[],
  keepLast = false,
): OpenNode[] {
  const bySize = new Map<string, { cpu: number; mem: number; stack: number[] }>();
  for (const i of pool) {
    const it = items[i] as Item;
    if (!fits(o, it)) {
      spill.push(i);
      continue;
    }
    const key = `${it.cpu}/${it.mem}`;
    let g = bySize.get(key);
    if (!g) {
      g = { cpu: it.cpu, mem: it.mem, stack: [] };
      bySize.set(key, g);
    }
    g.stack.push(i);
  }
  const sizes = [...bySize.values()];
  let left = sizes.reduce((n, g) => n + g.stack.length, 0);
  const nodes: OpenNode[] = [];
  while (left > 0) {
    const node = newNode(o);
    let swaps = 0;
    // Each node takes its share of what is waiting in every resource: with N nodes' worth left
    // (in the scarcest resource), a target of 1/N of the pods' CPU, memory and count, so the
    // last nodes are not left with only the pods that fill one resource (slots by tiny pods).
    let poolCpu = 0;
    let poolMem = 0;
    for (const g of sizes) {
      poolCpu += g.cpu * g.stack.length;
      poolMem += g.mem * g.stack.length;
    }
    const share = Math.max(1, poolCpu / o.cpu, poolMem / o.mem, left / o.pods);
    const target = { cpu: poolCpu / share, mem: poolMem / share, pods: left / share };
    for (;;) {
      let best: { cpu: number; mem: number; stack: number[] } | undefined;
      let bestScore = Number.NEGATIVE_INFINITY;
      const want = {
        cpu: Math.max(0, target.cpu - (o.cpu - node.cpu)) / o.cpu,
        mem: Math.max(0, target.mem - (o.mem - node.mem)) / o.mem,
        pods: Math.max(0, target.pods - (o.pods - node.pods)) / o.pods,
      };
      // A resource already at its target weighs against a pod that would take more of it; once
      // every target is met, plain alignment with the room left fills the node up.
      const toTarget = want.cpu + want.mem + want.pods > 1e-9;
      const over = (w: number) => (w > 1e-12 ? w : -OVERSHOOT_WEIGHT);
      const room = toTarget
        ? { cpu: over(want.cpu), mem: over(want.mem), pods: over(want.pods) }
        : { cpu: node.cpu / o.cpu, mem: node.mem / o.mem, pods: node.pods / o.pods };
      for (const g of sizes) {
        if (g.stack.length === 0 || !fits(node, g)) continue;
        const c = g.cpu / o.cpu;
        const m = g.mem / o.mem;
        const p = 1 / o.pods;
        const dot = c * room.cpu + m * room.mem + p * room.pods;
        // Towards the targets: the pod whose mix of resources is most wanted, whatever its size
        // (a tie goes to the larger); filling up: the largest aligned with the room.
        const score = toTarget ? dot / (c + m + p) + 1e-3 * (c + m + p) : dot;
        if (score > bestScore) {
          best = g;
          bestScore = score;
        }
      }
      if (!best) {
        // One-for-one swaps that fill the node more, then try adding again.
        if (swaps++ < SWAPS_PER_NODE && swapUp(items, node, sizes)) continue;
        break;
      }
      const i = best.stack.pop() as number;
      place(node, items[i] as Item, i);
      left--;
    }
    if (node.items.length === 0) break;
    nodes.push(node);
  }
  // A part-filled last node (the LP's fractional node): its pods join the others left over,
  // which go into room elsewhere or onto the offering that suits what is left (measured: a
  // little cheaper than keeping it, on the benchmark).
  const last = nodes[nodes.length - 1];
  if (last && !keepLast && fillOf(last) < 1 - 1e-6) {
    nodes.pop();
    spill.push(...last.items);
  }
  return nodes;
}

const SWAPS_PER_NODE = 8;
const OVERSHOOT_WEIGHT = 0.05;

/** Replaces one pod of the node by a larger waiting one that still fits; true if it did. */
function swapUp(
  items: readonly Item[],
  node: OpenNode,
  sizes: readonly { cpu: number; mem: number; stack: number[] }[],
): boolean {
  const o = node.offering;
  const weight = (cpu: number, mem: number) => cpu / o.cpu + mem / o.mem;
  let best: { at: number; g: { cpu: number; mem: number; stack: number[] }; gain: number } | undefined;
  node.items.forEach((i, at) => {
    const it = items[i] as Item;
    const room = { cpu: node.cpu + it.cpu, mem: node.mem + it.mem, pods: node.pods + 1 };
    const w = weight(it.cpu, it.mem);
    for (const g of sizes) {
      if (g.stack.length === 0 || !fits(room, g)) continue;
      const gain = weight(g.cpu, g.mem) - w;
      if (gain > 1e-9 && (!best || gain > best.gain)) best = { at, g, gain };
    }
  });
  if (!best) return false;
  const out = node.items[best.at] as number;
  const outItem = items[out] as Item;
  const inIndex = best.g.stack.pop() as number;
  const inItem = items[inIndex] as Item;
  node.items[best.at] = inIndex;
  node.cpu += outItem.cpu - inItem.cpu;
  node.mem += outItem.mem - inItem.mem;
  // The pod taken out waits with its own size group.
  const home = sizes.find((g) => g.cpu === outItem.cpu && g.mem === outItem.mem);
  home?.stack.push(out);
  return true;
}

/**
 * Nodes for a set of pods (a tail or a left-over), bought with their whole-node cost in mind:
 * per constraint class, the offering for which ⌈nodes needed⌉ × price is least, where the nodes
 * needed are the pods' CPU, memory or count over the node's (the fluid count) — so a tail worth
 * 0.3 of a large node goes to a small one. That offering is filled; what it cannot take (pods
 * too large for it) goes round again.
 */
export function packTail(
  items: readonly Item[],
  indices: readonly number[],
  offerings: readonly Offering[],
): OpenNode[] {
  const nodes: OpenNode[] = [];
  const byClass = new Map<number, number[]>();
  for (const i of indices) {
    const cls = (items[i] as Item).cls;
    let list = byClass.get(cls);
    if (!list) {
      list = [];
      byClass.set(cls, list);
    }
    list.push(i);
  }
  for (const [cls, start] of byClass) {
    let pool = start;
    while (pool.length > 0) {
      let cpu = 0;
      let mem = 0;
      for (const i of pool) {
        const it = items[i] as Item;
        cpu += it.cpu;
        mem += it.mem;
      }
      let chosen: Offering | undefined;
      let chosenCost = Number.POSITIVE_INFINITY;
      for (const o of offerings) {
        if (!o.classes[cls]) continue;
        // Only offerings that hold at least one of the pods.
        if (!pool.some((i) => fits(o, items[i] as Item))) continue;
        const need = Math.max(cpu / o.cpu, mem / o.mem, pool.length / o.pods);
        const cost = Math.ceil(need - 1e-9) * o.price;
        if (
          cost < chosenCost - 1e-12 ||
          (Math.abs(cost - chosenCost) <= 1e-12 && chosen && o.price < chosen.price)
        ) {
          chosen = o;
          chosenCost = cost;
        }
      }
      if (!chosen) break;
      const spill: number[] = [];
      nodes.push(...fillNodes(items, chosen, pool, spill, true));
      if (spill.length === pool.length) break;
      pool = spill;
    }
  }
  return nodes;
}
