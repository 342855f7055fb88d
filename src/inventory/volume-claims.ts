/**
 * The storage graph: Pod → PersistentVolumeClaim → PersistentVolume, and the StorageClass a
 * claim asks for (named, or the cluster default when it names none).
 */

import { compareText } from '../core/compare-text.ts';
import { asRecord } from '../core/records.ts';
import { getAt, podSpecAt } from '../core/workload.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';

/** Claim names a pod spec mounts: `persistentVolumeClaim.claimName`, and generic ephemeral volumes (`<pod>-<volume>`). */
export function claimNamesOf(entry: InventoryEntry): string[] {
  const volumes = podSpecAt(entry.object)?.volumes;
  if (!Array.isArray(volumes)) return [];
  const out: string[] = [];
  for (const raw of volumes) {
    const v = asRecord(raw);
    const claim = asRecord(v?.persistentVolumeClaim)?.claimName;
    if (typeof claim === 'string' && claim !== '') out.push(claim);
    else if (entry.object.kind === 'Pod' && asRecord(v?.ephemeral) && typeof v?.name === 'string')
      out.push(`${entry.ref.name}-${v.name}`);
  }
  return out;
}

export function claimNamed(
  inventory: Inventory,
  namespace: string | undefined,
  name: string,
): InventoryEntry | undefined {
  if (!namespace) return undefined;
  return inventory.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name });
}

/** The PersistentVolume bound to a claim: by `spec.volumeName`, or a PV whose claimRef names it. */
export function volumeOf(inventory: Inventory, claim: InventoryEntry): InventoryEntry | undefined {
  const volumeName = getAt(claim.object, ['spec', 'volumeName']);
  if (typeof volumeName === 'string' && volumeName !== '') {
    const byName = inventory.get({ apiVersion: 'v1', kind: 'PersistentVolume', name: volumeName });
    if (byName) return byName;
  }
  const index = inventory.derived('volumes-by-claim', () => {
    const byClaim = new Map<string, InventoryEntry>();
    for (const pv of inventory.ofKind('PersistentVolume')) {
      const ref = asRecord(getAt(pv.object, ['spec', 'claimRef']));
      if (typeof ref?.name === 'string') byClaim.set(`${String(ref.namespace ?? '')}/${ref.name}`, pv);
    }
    return byClaim;
  });
  return index.get(`${claim.ref.namespace ?? ''}/${claim.ref.name}`);
}

/** Whether a StorageClass is marked as the cluster default. */
export function isDefaultClass(sc: InventoryEntry): boolean {
  const a = sc.object.metadata.annotations ?? {};
  return (
    a['storageclass.kubernetes.io/is-default-class'] === 'true' ||
    a['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
  );
}

export interface ClassRequest {
  /** The class name the claim asks for; undefined when it asks for the default. */
  name?: string;
  /** The StorageClass in the inventory, when found. */
  storageClass?: InventoryEntry;
  /** `storageClassName: ""`: no dynamic provisioning, bind only to a PV without a class. */
  none: boolean;
}

/**
 * What class a claim gets: `spec.storageClassName` (or the legacy beta annotation); when unset,
 * the default class (the newest one, as the API server's admission picks, if several are).
 */
export function classRequestOf(inventory: Inventory, claim: InventoryEntry): ClassRequest {
  const spec = asRecord(claim.object.spec);
  const annotation = claim.object.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  const named = typeof spec?.storageClassName === 'string' ? spec.storageClassName : annotation;
  if (named === '') return { none: true };
  if (typeof named === 'string') {
    const sc = inventory.get({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name: named });
    return { name: named, ...(sc ? { storageClass: sc } : {}), none: false };
  }
  const defaults = inventory
    .ofKind('StorageClass')
    .filter(isDefaultClass)
    .sort((a, b) =>
      compareText(
        String(b.object.metadata.creationTimestamp ?? ''),
        String(a.object.metadata.creationTimestamp ?? ''),
      ),
    );
  const sc = defaults[0];
  return sc ? { name: sc.ref.name, storageClass: sc, none: false } : { none: false };
}

/** Pods in the claim's namespace that mount it. */
export function podsUsing(inventory: Inventory, claim: InventoryEntry): InventoryEntry[] {
  return inventory
    .inNamespace('Pod', claim.ref.namespace)
    .filter((p) => claimNamesOf(p).includes(claim.ref.name));
}
