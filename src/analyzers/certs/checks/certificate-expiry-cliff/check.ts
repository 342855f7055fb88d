import type { Severity } from '../../../../core/severity.ts';
import type { CertificateRecord } from '../../certificate-inventory.ts';
import { HINDSIGHT_API_VERSION, shortWhere, subjectOfRecord } from '../../check-subject.ts';
import { defineCertCheck } from '../../define-cert-check.ts';
import { DAY_MS, describeDistance, formatDuration, isoDay } from '../../duration.ts';
import type { ExpiryCliff } from '../../expiry-cliffs.ts';

const LISTED = 8;

/** `Kubernetes cluster CA "kubernetes" (ca.crt), etcd serving certificate "kube-etcd" (etcd/server.crt) …` */
function listMembers(members: readonly CertificateRecord[]): string {
  const shown = members
    .slice(0, LISTED)
    .map((m) => `${m.role.label}${m.commonName ? ` "${m.commonName}"` : ''} (${shortWhere(m)})`);
  const more = members.length - LISTED;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** What stops, each consequence once, CAs first: "every certificate it signed stops verifying …; …". */
export function blastRadius(cliff: ExpiryCliff): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  const members = [...cliff.members].sort((a, b) => (a.isCa === b.isCa ? 0 : a.isCa ? -1 : 1));
  for (const m of members) {
    if (seen.has(m.role.breaks)) continue;
    seen.add(m.role.breaks);
    parts.push(m.role.breaks);
  }
  return parts.join('; ');
}

/** `a day`, `3d`: how far apart the first and last expiry are. */
function spanOf(cliff: ExpiryCliff): string {
  const ms = cliff.end.getTime() - cliff.start.getTime();
  return ms < DAY_MS ? 'a day' : formatDuration(Math.ceil(ms / DAY_MS) * DAY_MS);
}

function severityOf(cliff: ExpiryCliff, now: number, warnMs: number, criticalMs: number): Severity {
  const left = cliff.start.getTime() - now;
  const controlPlane = cliff.members.some((m) => m.role.criticality === 'control-plane');
  if (left <= criticalMs)
    return controlPlane || cliff.members.some((m) => m.role.criticality === 'cluster') ? 'critical' : 'high';
  if (left <= warnMs) return controlPlane ? 'critical' : 'high';
  // Far away, but one event that stops everything: plan it now, renew together.
  return controlPlane ? 'medium' : 'low';
}

/** One finding per expiry cliff, with its blast radius and the renewals. */
export const certificateExpiryCliff = defineCertCheck({
  id: 'certificate-expiry-cliff',
  category: 'certificates',
  severity: 'critical',
  lesson: 'certificate-expiry',
  title: 'Several critical certificates, or a CA and its leaves, expire together',
  messages: {
    'control-plane':
      '{count} certificates, {critical} of them control-plane critical, expire within {span} of each other ({start} → {end}, {left}): {members}. Blast radius — {blast}. Renew them together: {renew}.',
    'ca-and-leaves':
      'CA "{ca}" and {leaves} certificates it issued expire within {span} of each other ({start} → {end}, {left}): {members}. Blast radius — {blast}. Renew the CA first, then its leaves: {renew}.',
  },
  run(ctx) {
    const { now, warnMs, criticalMs } = ctx.analysis.options;
    for (const cliff of ctx.analysis.cliffs) {
      const first = cliff.members[0] as CertificateRecord;
      const ca = cliff.members.find((m) => m.isCa || m.selfSigned);
      const controlPlane = cliff.members.filter((m) => m.role.criticality === 'control-plane');
      const isControlPlane = cliff.reasons.includes('control-plane') && controlPlane.length >= 2;
      const renew = [...new Set(cliff.members.map((m) => m.role.renew))].join(' · ');
      const firstSubject = subjectOfRecord(first);
      ctx.report({
        subject: {
          ref: {
            apiVersion: HINDSIGHT_API_VERSION,
            kind: 'CertificateExpiryCliff',
            name: isoDay(cliff.start),
          },
          ...(firstSubject.origin?.source && !firstSubject.origin.source.includes(' (')
            ? { origin: { source: firstSubject.origin.source } }
            : {}),
        },
        messageId: isControlPlane || !ca ? 'control-plane' : 'ca-and-leaves',
        data: {
          count: cliff.members.length,
          critical: controlPlane.length,
          span: spanOf(cliff),
          start: isoDay(cliff.start),
          end: isoDay(cliff.end),
          left: describeDistance(cliff.start.getTime() - now.getTime()),
          members: listMembers(cliff.members),
          blast: blastRadius(cliff),
          renew,
          ca: ca?.commonName ?? '',
          leaves: cliff.members.length - 1,
        },
        severity: severityOf(cliff, now.getTime(), warnMs, criticalMs),
      });
    }
    return Math.max(1, ctx.analysis.cliffs.length);
  },
});
