/**
 * How many pods a workload runs, as far as the inventory can tell: its own `spec.replicas`, or
 * the range its autoscalers (HPA, KEDA ScaledObject) keep it in. And the links the disruption
 * and autoscaling rules need: which workloads a PodDisruptionBudget counts, which workload an
 * HPA targets, which HPAs KEDA made itself.
 */

import { asRecord } from '../core/records.ts';
import { getAt } from '../core/workload.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';
import { hasFinished } from './owning-workload.ts';
import { podLabels, scalersFor, selectorMatches } from './selectors.ts';

/** Kinds whose replica count is `spec.replicas`. */
export const SCALABLE_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'ReplicaSet'];

function nonNegativeInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

export interface ScalerBounds {
  scaler: InventoryEntry;
  min: number;
  max: number;
  /** True when `minReplicas` / `minReplicaCount` is not written (the default applies). */
  minDefaulted: boolean;
}

/** An HPA's range: `minReplicas` defaults to 1. */
export function hpaBounds(hpa: InventoryEntry): ScalerBounds {
  const spec = asRecord(hpa.object.spec);
  const min = nonNegativeInt(spec?.minReplicas);
  const max = nonNegativeInt(spec?.maxReplicas);
  return { scaler: hpa, min: min ?? 1, max: max ?? min ?? 1, minDefaulted: min === undefined };
}

/** A KEDA ScaledObject's range: `minReplicaCount` defaults to 0, `maxReplicaCount` to 100. */
export function scaledObjectBounds(so: InventoryEntry): ScalerBounds {
  const spec = asRecord(so.object.spec);
  const min = nonNegativeInt(spec?.minReplicaCount);
  return {
    scaler: so,
    min: min ?? 0,
    max: nonNegativeInt(spec?.maxReplicaCount) ?? 100,
    minDefaulted: min === undefined,
  };
}

/** HPAs KEDA creates and owns for its ScaledObjects (`keda-hpa-<name>` by default). */
export function isKedaOwnedHpa(hpa: InventoryEntry): boolean {
  const owners = hpa.object.metadata.ownerReferences;
  if (Array.isArray(owners) && owners.some((o) => o?.kind === 'ScaledObject')) return true;
  const labels = asRecord(hpa.object.metadata.labels);
  return typeof labels?.['scaledobject.keda.sh/name'] === 'string';
}

/** The HPAs (not KEDA's own) and ScaledObjects that scale this workload, with their ranges. */
export function scalerBoundsFor(inventory: Inventory, workload: InventoryEntry): ScalerBounds[] {
  if (!SCALABLE_KINDS.includes(workload.object.kind)) return [];
  const hpas = scalersFor(inventory, workload, 'HorizontalPodAutoscaler').filter((h) => !isKedaOwnedHpa(h));
  const sos = scalersFor(inventory, workload, 'ScaledObject');
  return [...hpas.map(hpaBounds), ...sos.map(scaledObjectBounds)];
}

export interface ReplicaBounds {
  min: number;
  max: number;
  /** `spec.replicas` as written, if it is. */
  specReplicas?: number;
  /** Autoscalers in charge; empty when `spec.replicas` decides. */
  scalers: ScalerBounds[];
}

/**
 * The replica range of a Deployment, StatefulSet or ReplicaSet (undefined for other kinds).
 * With autoscalers, their range wins over `spec.replicas` (they overwrite it); several
 * autoscalers fight, so the floor is the highest minimum and the ceiling the highest maximum.
 */
export function replicaBounds(inventory: Inventory, workload: InventoryEntry): ReplicaBounds | undefined {
  if (!SCALABLE_KINDS.includes(workload.object.kind)) return undefined;
  const specReplicas = nonNegativeInt(asRecord(workload.object.spec)?.replicas);
  const scalers = scalerBoundsFor(inventory, workload);
  const own = specReplicas !== undefined ? { specReplicas } : {};
  if (scalers.length === 0) {
    const n = specReplicas ?? 1;
    return { min: n, max: n, scalers, ...own };
  }
  return {
    min: Math.max(...scalers.map((s) => s.min)),
    max: Math.max(...scalers.map((s) => s.max)),
    scalers,
    ...own,
  };
}

/** The workload an HPA, VPA or ScaledObject points at, if it is in the inventory. */
export function targetOf(
  inventory: Inventory,
  scaler: InventoryEntry,
  refField = 'scaleTargetRef',
): InventoryEntry | undefined {
  const target = asRecord(getAt(scaler.object, ['spec', refField]));
  if (!target || typeof target.name !== 'string') return undefined;
  // KEDA's scaleTargetRef defaults its kind to Deployment.
  const kind = typeof target.kind === 'string' ? target.kind : 'Deployment';
  return inventory.inNamespace(kind, scaler.ref.namespace, scaler).find((e) => e.ref.name === target.name);
}

/** `Deployment api`, as the target of a scaler names it (the kind defaults to Deployment, as in KEDA). */
export function targetName(scaler: InventoryEntry, refField = 'scaleTargetRef'): string | undefined {
  const target = asRecord(getAt(scaler.object, ['spec', refField]));
  if (!target || typeof target.name !== 'string') return undefined;
  return `${typeof target.kind === 'string' ? target.kind : 'Deployment'} ${target.name}`;
}

/** Top-level pod-carrying objects of a namespace with their pod labels, computed once per inventory. */
function topLevelWorkloads(inventory: Inventory, namespace: string | undefined) {
  return inventory.derived(`top-level-workloads@${namespace ?? ''}`, () => {
    const list: { entry: InventoryEntry; labels: Record<string, string> | undefined }[] = [];
    for (const kind of [...SCALABLE_KINDS, 'DaemonSet', 'Job', 'CronJob', 'Pod', 'ReplicationController']) {
      for (const entry of inventory.inNamespace(kind, namespace)) {
        if (!inventory.controllerOf(entry)) list.push({ entry, labels: podLabels(entry) });
      }
    }
    return list;
  });
}

/**
 * The top-level workloads (no controller in the inventory) in the PDB's namespace whose pods its
 * selector matches: the pods it counts.
 */
export function workloadsSelectedBy(inventory: Inventory, pdb: InventoryEntry): InventoryEntry[] {
  const selector = getAt(pdb.object, ['spec', 'selector']);
  return topLevelWorkloads(inventory, pdb.ref.namespace)
    .filter((w) => selectorMatches(selector, w.labels))
    .map((w) => w.entry);
}

/**
 * The replica range of any selected workload: scalable kinds from `replicaBounds`, a naked Pod
 * is one pod (none when finished); undefined when the inventory cannot tell (DaemonSets, Jobs,
 * Pods of a controller that is not in the inventory).
 */
export function podRange(inventory: Inventory, entry: InventoryEntry): ReplicaBounds | undefined {
  if (SCALABLE_KINDS.includes(entry.object.kind)) return replicaBounds(inventory, entry);
  if (entry.object.kind === 'Pod') {
    const owners = entry.object.metadata.ownerReferences;
    if (Array.isArray(owners) && owners.length > 0) return undefined;
    const n = hasFinished(entry.object) ? 0 : 1;
    return { min: n, max: n, scalers: [] };
  }
  return undefined;
}

export interface BudgetPods {
  /** The workloads the PDB selects, as `Deployment api`. */
  names: string[];
  /** Per selected workload, its range; undefined entries mean "cannot tell". */
  ranges: (ReplicaBounds | undefined)[];
  /** True when every selected workload's range is known. */
  known: boolean;
  /** True when an autoscaler drives at least one selected workload. */
  scaled: boolean;
  /** Pods at the lowest point (autoscalers at minimum, a scale-to-zero workload at one pod). */
  floor: number;
  /** Pods with every workload at its `spec.replicas` or autoscaler maximum. */
  ceiling: number;
}

/**
 * The pods a PodDisruptionBudget counts, from the workloads it selects; when none is in the
 * inventory, from the PDB's own `status.expectedPods` (snapshots), else undefined.
 */
export function podsCountedBy(inventory: Inventory, pdb: InventoryEntry): BudgetPods | undefined {
  const selected = workloadsSelectedBy(inventory, pdb);
  const ranges = selected.map((e) => podRange(inventory, e));
  const known = selected.length > 0 && ranges.every((r) => r !== undefined);
  if (!known) {
    const expected = nonNegativeInt(getAt(pdb.object, ['status', 'expectedPods']));
    if (expected === undefined) return undefined;
    return { names: [], ranges: [], known: true, scaled: false, floor: expected, ceiling: expected };
  }
  let floor = 0;
  let ceiling = 0;
  for (const r of ranges) {
    if (!r) continue;
    // A workload that scales to zero has nothing to evict at zero; its first pod is the floor that matters.
    floor += r.scalers.length > 0 ? Math.max(r.min, 1) : r.min;
    ceiling += r.max;
  }
  return {
    names: selected.map((e) => `${e.object.kind} ${e.ref.name}`),
    ranges,
    known,
    scaled: ranges.some((r) => (r?.scalers.length ?? 0) > 0),
    floor,
    ceiling,
  };
}
