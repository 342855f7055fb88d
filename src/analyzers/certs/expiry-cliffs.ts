/**
 * Expiry cliffs: several certificates that take the cluster down, expiring inside one window —
 * the seed's first crash, where the root CA, etcd and API server certificates all expired on the
 * same day. Two shapes make a cliff: two or more control-plane-critical certificates within the
 * window of each other, or a CA and leaves it issued expiring within the window of the CA.
 * Overlapping groups merge, so one event is one cliff.
 */

import { compareText } from '../../core/compare-text.ts';
import type { CertificateInventory, CertificateRecord } from './certificate-inventory.ts';

/** Why certificates were grouped: control-plane certificates together, or a CA with its leaves. */
export type CliffReason = 'control-plane' | 'ca-and-leaves';

/** Certificates that expire together, one event. */
export interface ExpiryCliff {
  /** Earliest expiry first. */
  members: CertificateRecord[];
  start: Date;
  end: Date;
  reasons: CliffReason[];
}

/** Groups of certificates that expire together, earliest first. */
export function findExpiryCliffs(inventory: CertificateInventory, windowMs: number): ExpiryCliff[] {
  const groups: { members: Set<CertificateRecord>; reason: CliffReason }[] = [];

  // Control-plane certificates, in windows that start at each ungrouped expiry.
  const critical = inventory.records
    .filter((r) => r.role.criticality === 'control-plane')
    .sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
  for (let i = 0; i < critical.length; ) {
    const start = (critical[i] as CertificateRecord).notAfter.getTime();
    let j = i;
    while (j < critical.length && (critical[j] as CertificateRecord).notAfter.getTime() - start <= windowMs)
      j++;
    if (j - i >= 2) groups.push({ members: new Set(critical.slice(i, j)), reason: 'control-plane' });
    i = j;
  }

  // A CA with the leaves it issued that expire within the window around it.
  for (const ca of inventory.records) {
    if (!ca.isCa && !ca.selfSigned) continue;
    const leaves = inventory
      .leavesOf(ca)
      .filter((leaf) => Math.abs(leaf.notAfter.getTime() - ca.notAfter.getTime()) <= windowMs);
    if (leaves.length > 0) groups.push({ members: new Set([ca, ...leaves]), reason: 'ca-and-leaves' });
  }

  // Merge groups that share a certificate.
  const merged: { members: Set<CertificateRecord>; reasons: Set<CliffReason> }[] = [];
  for (const group of groups) {
    const overlapping = merged.filter((m) => [...group.members].some((r) => m.members.has(r)));
    const into = { members: new Set(group.members), reasons: new Set<CliffReason>([group.reason]) };
    for (const m of overlapping) {
      for (const r of m.members) into.members.add(r);
      for (const reason of m.reasons) into.reasons.add(reason);
      merged.splice(merged.indexOf(m), 1);
    }
    merged.push(into);
  }

  return merged
    .map((m) => {
      const members = [...m.members].sort(
        (a, b) => a.notAfter.getTime() - b.notAfter.getTime() || compareText(a.fingerprint, b.fingerprint),
      );
      return {
        members,
        start: (members[0] as CertificateRecord).notAfter,
        end: (members[members.length - 1] as CertificateRecord).notAfter,
        reasons: [...m.reasons].sort(),
      };
    })
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}
