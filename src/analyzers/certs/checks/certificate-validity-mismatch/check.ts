import type { Severity } from '../../../../core/severity.ts';
import type { CertificateRecord } from '../../certificate-inventory.ts';
import { describeRecord, subjectOfRecord } from '../../check-subject.ts';
import { type CertCheckContext, type CheckSubject, defineCertCheck } from '../../define-cert-check.ts';
import { DAY_MS, formatDuration, isoDay, parseDuration } from '../../duration.ts';

/** Issuers round, backdate and jitter: a difference under this is not a mismatch. */
function tolerance(configuredMs: number): number {
  return Math.max(2 * 3_600_000, configuredMs * 0.01);
}

function validityOf(rec: CertificateRecord): number {
  return rec.notAfter.getTime() - rec.notBefore.getTime();
}

/** `365d`, `2y`: whole days when the validity is close to a whole number of them. */
function days(ms: number): string {
  const d = Math.round(ms / DAY_MS);
  return Math.abs(ms - d * DAY_MS) < 3_600_000 ? formatDuration(d * DAY_MS) : formatDuration(ms);
}

interface Comparison {
  subject: CheckSubject;
  rec: CertificateRecord;
  configuredMs: number;
  configured: string;
  /** Where the expectation comes from, for the message. */
  source: string;
  messagePrefix: 'cert-manager' | 'kubeadm' | 'expected';
  extra?: Record<string, string>;
}

/** kubeadm and expected validities are only ever reported too short (see `compare`). */
type MismatchMessageId = `${Comparison['messagePrefix']}-shorter` | 'cert-manager-longer';

function compare(ctx: CertCheckContext<MismatchMessageId>, c: Comparison): void {
  const actual = validityOf(c.rec);
  const diff = actual - c.configuredMs;
  if (Math.abs(diff) <= tolerance(c.configuredMs)) return;
  // kubeadm backdates leaves to their CA's notBefore, so a longer measured life proves nothing;
  // only cert-manager's "the issuer ignored spec.duration" is worth saying.
  if (diff > 0 && c.messagePrefix !== 'cert-manager') return;
  const shorter = diff < 0;
  const severity: Severity = shorter ? 'high' : 'low';
  ctx.report({
    subject: c.subject,
    messageId: shorter ? (`${c.messagePrefix}-shorter` as const) : 'cert-manager-longer',
    data: {
      what: describeRecord(c.rec),
      configured: c.configured,
      configuredDays: days(c.configuredMs),
      actual: days(actual),
      date: isoDay(c.rec.notAfter),
      planned: isoDay(new Date(c.rec.notBefore.getTime() + c.configuredMs)),
      diff: days(Math.abs(diff)),
      source: c.source,
      ...c.extra,
    },
    severity,
  });
}

const KUBEADM_LEAF_ROLES = new Set([
  'apiserver',
  'apiserver-kubelet-client',
  'apiserver-etcd-client',
  'front-proxy-client',
  'etcd-server',
  'etcd-peer',
  'etcd-healthcheck-client',
  'controller-manager-kubeconfig',
  'scheduler-kubeconfig',
  'admin-kubeconfig',
]);

/** Issued validity against cert-manager spec.duration, kubeadm ClusterConfiguration and --expect-validity. */
export const certificateValidityMismatch = defineCertCheck({
  id: 'certificate-validity-mismatch',
  category: 'certificates',
  severity: 'high',
  lesson: 'certificate-expiry',
  title: 'A certificate was issued for a different validity than configured',
  messages: {
    'cert-manager-shorter':
      'cert-manager Certificate {namespace}/{name} asks for {configured} (spec.duration) but {what} in Secret {secret} was issued for {actual}: it expires {date}, {diff} before the planned {planned}. The issuer caps the duration (ACME issues 90 days, Vault caps at max_ttl) — plan renewals on the real date.',
    'cert-manager-longer':
      'cert-manager Certificate {namespace}/{name} asks for {configured} (spec.duration) but {what} in Secret {secret} was issued for {actual}, {diff} longer: the issuer ignores spec.duration.',
    'kubeadm-shorter':
      '{what} was issued for {actual}, but {source} sets {configured}: it expires {date}, {diff} before the planned {planned}. Renew on the real date (kubeadm certs renew) and check which tool issued it.',
    'expected-shorter':
      '{what} was issued for {actual}, but {configured} was expected ({source}): it expires {date}, {diff} before the planned {planned} — the shape of the second crash, where kops issued one-year etcd certificates despite a two-year setting.',
  },
  run(ctx) {
    const { analysis } = ctx;
    let judged = 0;
    for (const link of analysis.certManager) {
      const { certificate, record } = link;
      const configuredMs = certificate.duration ? parseDuration(certificate.duration) : undefined;
      if (!record || configuredMs === undefined || configuredMs <= 0) continue;
      judged++;
      compare(ctx, {
        subject: {
          ref: {
            apiVersion: certificate.apiVersion,
            kind: 'Certificate',
            namespace: certificate.namespace,
            name: certificate.name,
          },
          origin: certificate.origin,
          path: ['spec', 'duration'],
          annotations: certificate.annotations,
        },
        rec: record,
        configuredMs,
        configured: certificate.duration as string,
        source: 'spec.duration',
        messagePrefix: 'cert-manager',
        extra: {
          namespace: certificate.namespace,
          name: certificate.name,
          secret: certificate.secretName ?? '',
        },
      });
    }

    const kubeadm = analysis.discovery.kubeadm[0];
    const leafMs = kubeadm?.certificateValidityPeriod
      ? parseDuration(kubeadm.certificateValidityPeriod)
      : undefined;
    const caMs = kubeadm?.caCertificateValidityPeriod
      ? parseDuration(kubeadm.caCertificateValidityPeriod)
      : undefined;
    const expected = analysis.options.expectValidityMs;
    for (const rec of analysis.inventory.records) {
      const kubeadmLeaf = rec.role.platform === 'kubeadm' && KUBEADM_LEAF_ROLES.has(rec.role.id);
      const kubeadmCa =
        rec.role.platform === 'kubeadm' && rec.isCa && rec.placements[0]?.location.kind === 'file';
      if (kubeadm && kubeadmLeaf && leafMs) {
        judged++;
        compare(ctx, {
          subject: subjectOfRecord(rec),
          rec,
          configuredMs: leafMs,
          configured: kubeadm.certificateValidityPeriod as string,
          source: `certificateValidityPeriod in ${kubeadm.source}`,
          messagePrefix: 'kubeadm',
        });
      } else if (kubeadm && kubeadmCa && caMs) {
        judged++;
        compare(ctx, {
          subject: subjectOfRecord(rec),
          rec,
          configuredMs: caMs,
          configured: kubeadm.caCertificateValidityPeriod as string,
          source: `caCertificateValidityPeriod in ${kubeadm.source}`,
          messagePrefix: 'kubeadm',
        });
      } else if (expected !== undefined && !rec.isCa && !rec.selfSigned) {
        judged++;
        compare(ctx, {
          subject: subjectOfRecord(rec),
          rec,
          configuredMs: expected,
          configured: formatDuration(expected),
          source: '--expect-validity',
          messagePrefix: 'expected',
        });
      }
    }
    return judged;
  },
});
