/**
 * A kops source cluster's own deadline: the certificates its control plane issued at boot live
 * one year (kops nodeup), and etcd-manager before 3.0.20200428 issued etcd member certificates
 * for a hard-coded year whatever the cluster asked for (kops#8959). When those run out the
 * cluster stops; the move has to be done, or the control plane rolled, before the earliest one.
 * (kubeadm's boot-time certificates live a year too; EKS shows no control-plane nodes.)
 */

import { containersAt, getAt } from '../../core/workload.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import { isControlPlaneNode } from '../../sources/tls/object-certificates.ts';
import { BOOT_CERTIFICATE_LIFETIME_MS } from '../certs/checks/control-plane-node-age/check.ts';
import { isoDay } from '../certs/duration.ts';

/** etcd-manager releases before this date-version issued one-year member certificates. */
export const ETCD_MANAGER_FIXED = 20200428;

export interface KopsDeadline {
  /** Whether the source looks like a kops cluster (kops node labels, or etcd-manager pods). */
  kops: boolean;
  controlPlane: { node: string; created: string; certificatesExpire: string }[];
  etcdManager: {
    pod: string;
    image: string;
    version?: string;
    oneYearCertificates: boolean;
    expires?: string;
  }[];
  /** The earliest estimated expiry: finish the move (or roll the control plane) before it. */
  migrateBefore?: string;
  /** Days from now to `migrateBefore` (negative: already past). */
  daysLeft?: number;
  reason?: string;
}

/** `3.0.20200116` (with or without `v`) in an image tag, as 20200116. */
export function etcdManagerVersion(image: string): number | undefined {
  const match = /:v?3\.0\.(\d{8})/.exec(image);
  return match ? Number(match[1]) : undefined;
}

function controlPlane(inventory: Inventory): KopsDeadline['controlPlane'] {
  const out: KopsDeadline['controlPlane'] = [];
  for (const node of inventory.ofKind('Node')) {
    const created = new Date(String(node.object.metadata.creationTimestamp ?? ''));
    if (!isControlPlaneNode(node.object.metadata.labels ?? {}) || Number.isNaN(created.getTime())) continue;
    out.push({
      node: node.ref.name,
      created: isoDay(created),
      certificatesExpire: isoDay(new Date(created.getTime() + BOOT_CERTIFICATE_LIFETIME_MS)),
    });
  }
  return out.sort((a, b) => a.certificatesExpire.localeCompare(b.certificatesExpire));
}

function etcdManagers(inventory: Inventory): KopsDeadline['etcdManager'] {
  const out: KopsDeadline['etcdManager'] = [];
  for (const pod of inventory.inNamespace('Pod', 'kube-system')) {
    const image = containersAt(pod.object)
      .map(({ container }) => container.image)
      .find((i): i is string => typeof i === 'string' && i.includes('etcd-manager'));
    if (!image) continue;
    const version = etcdManagerVersion(image);
    const oneYear = version !== undefined && version < ETCD_MANAGER_FIXED;
    const started = new Date(
      String(getAt(pod.object, ['status', 'startTime']) ?? pod.object.metadata.creationTimestamp ?? ''),
    );
    out.push({
      pod: pod.ref.name,
      image,
      ...(version !== undefined ? { version: `3.0.${version}` } : {}),
      oneYearCertificates: oneYear,
      ...(oneYear && !Number.isNaN(started.getTime())
        ? { expires: isoDay(new Date(started.getTime() + BOOT_CERTIFICATE_LIFETIME_MS)) }
        : {}),
    });
  }
  return out;
}

export function kopsDeadline(inventory: Inventory, now: Date): KopsDeadline {
  const nodes = controlPlane(inventory);
  const etcd = etcdManagers(inventory);
  const kops =
    etcd.length > 0 ||
    inventory
      .ofKind('Node')
      .some((n) => Object.keys(n.object.metadata.labels ?? {}).some((k) => k.startsWith('kops.k8s.io/')));
  const candidates = [
    ...nodes.map((n) => ({
      at: n.certificatesExpire,
      reason: `control-plane node ${n.node} booted ${n.created}: the certificates issued at boot (kops nodeup: kubelet-server, the API server's etcd client; kubeadm: all of them unless renewed) live one year`,
    })),
    ...etcd
      .filter((e) => e.expires)
      .map((e) => ({
        at: e.expires as string,
        reason: `${e.pod} runs etcd-manager ${e.version}, which issues etcd member certificates for a hard-coded year (kops#8959)`,
      })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const first = candidates[0];
  return {
    kops,
    controlPlane: nodes,
    etcdManager: etcd,
    ...(first
      ? {
          migrateBefore: first.at,
          daysLeft: Math.floor((Date.parse(first.at) - now.getTime()) / 86_400_000),
          reason: first.reason,
        }
      : {}),
  };
}
