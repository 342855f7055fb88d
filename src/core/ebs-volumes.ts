/**
 * Amazon EBS as Kubernetes sees it: the two provisioners (the in-tree `kubernetes.io/aws-ebs`
 * plugin, migrated to the CSI driver since Kubernetes 1.23 on EKS, and `ebs.csi.aws.com`), and
 * the zone an EBS volume or a node lives in. An EBS volume exists in exactly one availability
 * zone and can only attach to instances in that zone.
 */

import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';

export const EBS_CSI_DRIVER = 'ebs.csi.aws.com';
export const IN_TREE_EBS = 'kubernetes.io/aws-ebs';

/** Node and PV labels / topology keys that carry a zone, most specific first. */
export const ZONE_KEYS: readonly string[] = [
  'topology.ebs.csi.aws.com/zone',
  'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/zone',
];

export function isEbsProvisioner(provisioner: unknown): boolean {
  return provisioner === EBS_CSI_DRIVER || provisioner === IN_TREE_EBS;
}

/** A PersistentVolume backed by EBS: CSI with the EBS driver, or the in-tree volume source. */
export function isEbsVolume(pv: KubeObject): boolean {
  const spec = asRecord(pv.spec);
  return asRecord(spec?.csi)?.driver === EBS_CSI_DRIVER || asRecord(spec?.awsElasticBlockStore) !== undefined;
}

/**
 * The zones a PersistentVolume can be used in: its required node affinity on a zone key, the
 * zone labels the in-tree provisioner set, or the zone in an in-tree `aws://<zone>/vol-…` ID.
 * Empty when the volume says nothing about zones.
 */
export function volumeZones(pv: KubeObject): string[] {
  const zones = new Set<string>();
  const spec = asRecord(pv.spec);
  const terms = asRecord(asRecord(spec?.nodeAffinity)?.required)?.nodeSelectorTerms;
  if (Array.isArray(terms)) {
    for (const term of terms) {
      const expressions = asRecord(term)?.matchExpressions;
      if (!Array.isArray(expressions)) continue;
      for (const raw of expressions) {
        const e = asRecord(raw);
        if (!e || !ZONE_KEYS.includes(String(e.key)) || e.operator !== 'In' || !Array.isArray(e.values))
          continue;
        for (const v of e.values) if (typeof v === 'string') zones.add(v);
      }
    }
  }
  if (zones.size === 0) {
    const labels = pv.metadata.labels ?? {};
    for (const key of ZONE_KEYS) {
      const v = labels[key];
      // In-tree volumes may carry several zones joined by "__" (regional disks elsewhere).
      if (typeof v === 'string' && v !== '') for (const z of v.split('__')) zones.add(z);
    }
  }
  if (zones.size === 0) {
    const volumeID = asRecord(spec?.awsElasticBlockStore)?.volumeID;
    const zone = typeof volumeID === 'string' ? /^aws:\/\/([a-z0-9-]+)\//.exec(volumeID)?.[1] : undefined;
    if (zone) zones.add(zone);
  }
  return [...zones];
}

/** A Node's zone from its labels. */
export function nodeZone(node: KubeObject): string | undefined {
  const labels = node.metadata.labels ?? {};
  for (const key of ZONE_KEYS) {
    const v = labels[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}
