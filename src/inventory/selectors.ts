/**
 * Label selectors and the cross-object links rules need: which PDBs cover a workload, which
 * autoscalers target it, which pods it owns.
 */

import { asRecord } from '../core/records.ts';
import { type ServingVerdict, servingVerdict } from '../core/serving.ts';
import { getAt, podMetadataPath } from '../core/workload.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * Kubernetes selector semantics: all matchLabels and all expressions must hold. An empty
 * selector `{}` selects everything; a missing (undefined/null) selector selects nothing.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string> | undefined): boolean {
  const s = asRecord(selector);
  if (!s) return false;
  const l = labels ?? {};
  const matchLabels = asRecord(s.matchLabels) ?? {};
  for (const [k, v] of Object.entries(matchLabels)) if (l[k] !== v) return false;
  const expressions = Array.isArray(s.matchExpressions) ? s.matchExpressions : [];
  for (const raw of expressions) {
    const e = asRecord(raw);
    if (!e || typeof e.key !== 'string') return false;
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = Object.hasOwn(l, e.key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(l[e.key] as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[e.key] as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** The labels a workload's pods get: the pod template's labels, or a Pod's own. */
export function podLabels(entry: InventoryEntry): Record<string, string> | undefined {
  const path = podMetadataPath(entry.object.kind);
  if (!path) return undefined;
  const labels = getAt(entry.object, [...path, 'labels']);
  return asRecord(labels) as Record<string, string> | undefined;
}

/** PodDisruptionBudgets in the workload's namespace whose selector matches its pods. */
export function pdbsFor(inventory: Inventory, workload: InventoryEntry): InventoryEntry[] {
  const labels = podLabels(workload);
  if (!labels) return [];
  return inventory
    .inNamespace('PodDisruptionBudget', workload.ref.namespace, workload)
    .filter((pdb) => selectorMatches(getAt(pdb.object, ['spec', 'selector']), labels));
}

/** Objects of `kind` in the workload's namespace whose `spec.scaleTargetRef` names it (HPA, VPA's targetRef, KEDA). */
export function scalersFor(
  inventory: Inventory,
  workload: InventoryEntry,
  kind: string,
  refField = 'scaleTargetRef',
): InventoryEntry[] {
  return inventory.inNamespace(kind, workload.ref.namespace, workload).filter((s) => {
    const target = asRecord(getAt(s.object, ['spec', refField]));
    if (!target || target.name !== workload.ref.name) return false;
    // KEDA's scaleTargetRef defaults its kind to Deployment.
    const kind = typeof target.kind === 'string' ? target.kind : 'Deployment';
    return kind === workload.object.kind;
  });
}

/** Pods in the inventory whose controller chain leads to this workload (indexed once per namespace). */
export function podsOf(inventory: Inventory, workload: InventoryEntry): InventoryEntry[] {
  // Controllers are in their pods' namespace: the answer depends on that namespace only, and
  // each namespace has its own index, so a pod that changes rebuilds its namespace's alone.
  const namespace = workload.ref.namespace ?? '';
  const index = inventory.derived(`pods-by-workload/${namespace}`, () => {
    const byTop = new Map<InventoryEntry, InventoryEntry[]>();
    for (const pod of inventory.inNamespace('Pod', namespace)) {
      const top = inventory.topController(pod);
      if (top === pod) continue;
      let list = byTop.get(top);
      if (!list) {
        list = [];
        byTop.set(top, list);
      }
      list.push(pod);
    }
    return byTop;
  }, [`ns:${namespace}`]);
  return index.get(workload) ?? [];
}

/** Whether a workload serves traffic, judged against the Services of its own namespace. */
export function servingVerdictIn(inventory: Inventory, entry: InventoryEntry): ServingVerdict {
  const services = inventory.inNamespace('Service', entry.ref.namespace, entry).map((e) => e.object);
  return servingVerdict(entry.object, services);
}
