/**
 * Nodes that could go: their pods (by requests) fit into the free allocatable of the other
 * nodes, so deleting the node saves its price. Like Karpenter's delete-consolidation, without
 * a replacement node.
 *
 * What is honoured: each pod's nodeSelector and required node affinity against the target's
 * labels (so arch, zone, capacity type, node group, NodePool…), NoSchedule/NoExecute taints
 * against its tolerations, CPU, memory and pod slots. Nodes are taken emptiest first and each
 * chosen node's pods use up room on the others, so the candidates can all go together.
 *
 * What blocks a node: a pod with `karpenter.sh/do-not-disrupt`, a pod no controller would
 * recreate (a bare Pod), a pod whose workload the spot analysis marks as holding node-local
 * data (writable hostPath, local PersistentVolume) or whose PDB allows no disruption, and the
 * node's own do-not-disrupt annotation. DaemonSet and static pods are skipped: they go with the
 * node. Not modelled: pod (anti-)affinity and topology spread, volume zones of EBS claims beyond
 * a zone selector, and pods pending elsewhere.
 */

import { compareText } from '../../core/compare-text.ts';
import { parseQuantity } from '../../core/quantity.ts';
import { asRecord, pushTo } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { podSpecAt } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { readTaints } from '../../scheduling/node-pool.ts';
import { type Constraint, nodeConstraintsOf, satisfiable } from '../../scheduling/placement.ts';
import { DO_NOT_DISRUPT_ANNOTATION, spotVerdict } from '../../scheduling/spot-verdict.ts';
import { podsByNode } from './allocation.ts';
import { podRequests } from './pod-requests.ts';
import { HOURS_PER_MONTH, type PriceBook } from './prices.ts';

export interface ConsolidationCandidate {
  node: string;
  instanceType?: string;
  hourlyUSD: number;
  monthlySavingsUSD: number;
  /** Where each moved pod would go: `namespace/pod` → node. */
  moves: { pod: string; to: string }[];
}

export interface ConsolidationResult {
  candidates: ConsolidationCandidate[];
  /** Nodes left alone and why (blocked pods, unpriced, pods that fit nowhere). */
  kept: { node: string; reason: string }[];
  monthlySavingsUSD: number;
}

interface Room {
  name: string;
  labels: Record<string, string>;
  taints: ReturnType<typeof readTaints>;
  cpu: number;
  memory: number;
  pods: number;
}

const BLOCKING_CODES = new Set(['host-path', 'local-volume', 'pdb-blocks']);

function ownerKinds(pod: KubeObject): string[] {
  const owners = Array.isArray(pod.metadata.ownerReferences) ? pod.metadata.ownerReferences : [];
  return owners.map((o) => String(o?.kind ?? ''));
}

function admits(room: Room, pod: KubeObject): boolean {
  const c = nodeConstraintsOf(podSpecAt(pod));
  for (const t of room.taints) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    const ok = c.tolerations.some((tol) => {
      if (tol.effect && tol.effect !== t.effect) return false;
      if (tol.operator === 'Exists') return !tol.key || tol.key === t.key;
      return tol.key === t.key && (tol.value ?? '') === (t.value ?? '');
    });
    if (!ok) return false;
  }
  const domain = (key: string) => {
    const v = room.labels[key];
    return v === undefined ? ({ kind: 'absent' } as const) : ({ kind: 'fixed', value: v } as const);
  };
  for (const [key, value] of Object.entries(c.nodeSelector)) if (room.labels[key] !== value) return false;
  if (!c.requiredTerms) return true;
  return c.requiredTerms.some((term) => {
    const byKey = new Map<string, Constraint[]>();
    for (const e of term) pushTo(byKey, e.key, e);
    for (const [key, cs] of byKey) if (!satisfiable(domain(key), cs)) return false;
    return true;
  });
}

function blocker(inventory: Inventory, entry: InventoryEntry): string | undefined {
  const pod = entry.object;
  const name = `${entry.ref.namespace ?? ''}/${entry.ref.name}`;
  if (asRecord(pod.metadata.annotations)?.[DO_NOT_DISRUPT_ANNOTATION] === 'true')
    return `${name} has ${DO_NOT_DISRUPT_ANNOTATION}`;
  if (ownerKinds(pod).length === 0) return `${name} is a bare Pod: nothing would recreate it`;
  const top = inventory.topController(entry);
  const verdict = spotVerdict(inventory, top);
  const reason = verdict.reasons.find((r) => BLOCKING_CODES.has(r.code));
  return reason ? `${name}: ${reason.summary}` : undefined;
}

/**
 * Nodes whose pods fit elsewhere, emptiest first, with the $/month each saves. Each candidate's
 * pods take room on the remaining nodes, so the list can be acted on as a whole.
 */
export function consolidationCandidates(inventory: Inventory, book: PriceBook): ConsolidationResult {
  const byNode = podsByNode(inventory);
  const rooms = new Map<string, Room>();
  const nodes: { entry: InventoryEntry; pods: InventoryEntry[]; fill: number }[] = [];
  for (const entry of inventory.ofKind('Node')) {
    const status = asRecord(entry.object.status);
    const alloc = asRecord(status?.allocatable) ?? {};
    const q = (k: string) => parseQuantity(String(alloc[k] ?? '0')) ?? 0;
    const pods = byNode.get(entry.ref.name) ?? [];
    const room: Room = {
      name: entry.ref.name,
      labels: Object.fromEntries(
        Object.entries(asRecord(entry.object.metadata.labels) ?? {}).map(([k, v]) => [k, String(v)]),
      ),
      taints: readTaints(asRecord(entry.object.spec)?.taints),
      cpu: q('cpu'),
      memory: q('memory'),
      pods: q('pods'),
    };
    let cpu = 0;
    for (const p of pods) {
      const r = podRequests(p.object).total;
      room.cpu -= r.cpu;
      room.memory -= r.memory;
      room.pods -= 1;
      cpu += r.cpu;
    }
    const unschedulable = asRecord(entry.object.spec)?.unschedulable === true;
    if (!unschedulable) rooms.set(room.name, room);
    nodes.push({ entry, pods, fill: q('cpu') > 0 ? cpu / q('cpu') : 1 });
  }
  nodes.sort((a, b) => a.fill - b.fill || compareText(a.entry.ref.name, b.entry.ref.name));

  const candidates: ConsolidationCandidate[] = [];
  const kept: ConsolidationResult['kept'] = [];
  // A node that takes another candidate's pods stays (its own pod list no longer tells all).
  const receiving = new Set<string>();
  for (const { entry, pods } of nodes) {
    const name = entry.ref.name;
    if (receiving.has(name)) {
      kept.push({ node: name, reason: 'takes pods of another candidate' });
      continue;
    }
    const price = book.priceOfNode(
      entry.object,
      pods.map((p) => p.object),
    );
    if (!price.priced) {
      kept.push({ node: name, reason: `unpriced: ${price.reason}` });
      continue;
    }
    if (asRecord(entry.object.metadata.annotations)?.[DO_NOT_DISRUPT_ANNOTATION] === 'true') {
      kept.push({ node: name, reason: `node has ${DO_NOT_DISRUPT_ANNOTATION}` });
      continue;
    }
    const movable = pods.filter((p) => !ownerKinds(p.object).some((k) => k === 'DaemonSet' || k === 'Node'));
    const blocked = movable.map((p) => blocker(inventory, p)).find((b) => b !== undefined);
    if (blocked) {
      kept.push({ node: name, reason: blocked });
      continue;
    }
    // Tentative first-fit-decreasing into the other nodes' room; rolled back if a pod fits nowhere.
    const targets = [...rooms.values()].filter((r) => r.name !== name);
    const sized = movable
      .map((p) => ({ p, r: podRequests(p.object).total }))
      .sort((a, b) => b.r.cpu - a.r.cpu || b.r.memory - a.r.memory);
    const moves: { pod: string; to: string; room: Room; cpu: number; memory: number }[] = [];
    let stuck: string | undefined;
    for (const { p, r } of sized) {
      const to = targets.find(
        (t) => t.cpu >= r.cpu - 1e-9 && t.memory >= r.memory && t.pods >= 1 && admits(t, p.object),
      );
      const podName = `${p.ref.namespace ?? ''}/${p.ref.name}`;
      if (!to) {
        stuck = podName;
        break;
      }
      to.cpu -= r.cpu;
      to.memory -= r.memory;
      to.pods -= 1;
      moves.push({ pod: podName, to: to.name, room: to, cpu: r.cpu, memory: r.memory });
    }
    if (stuck) {
      for (const m of moves) {
        m.room.cpu += m.cpu;
        m.room.memory += m.memory;
        m.room.pods += 1;
      }
      kept.push({ node: name, reason: `${stuck} fits on no other node` });
      continue;
    }
    rooms.delete(name);
    for (const m of moves) receiving.add(m.to);
    candidates.push({
      node: name,
      ...(price.instanceType ? { instanceType: price.instanceType } : {}),
      hourlyUSD: price.hourlyUSD,
      monthlySavingsUSD: price.hourlyUSD * HOURS_PER_MONTH,
      moves: moves.map((m) => ({ pod: m.pod, to: m.to })),
    });
  }
  return {
    candidates,
    kept,
    monthlySavingsUSD: candidates.reduce((s, c) => s + c.monthlySavingsUSD, 0),
  };
}
