import type { CertManagerCertificate } from '../../../../sources/tls/discovery.ts';
import type { CertificateRecord } from '../../certificate-inventory.ts';
import { describeRecord, subjectOfRecord } from '../../check-subject.ts';
import { defineCertCheck } from '../../define-cert-check.ts';
import { describeDistance, isoDay, parseDuration } from '../../duration.ts';
import { expirySeverity, expiryStatus } from '../../severity-policy.ts';
import { certManagerOnlyFromStatus } from '../cert-manager-status.ts';
import { isBundledRoot } from '../certificate-expired/check.ts';

/**
 * When cert-manager should have renewed: `status.renewalTime`, else `notAfter − spec.renewBefore`,
 * else cert-manager's default, two thirds into the certificate's life.
 */
export function renewalTime(certificate: CertManagerCertificate, record: CertificateRecord): Date {
  if (certificate.renewalTime) {
    const at = new Date(certificate.renewalTime);
    if (!Number.isNaN(at.getTime())) return at;
  }
  const before = certificate.renewBefore ? parseDuration(certificate.renewBefore) : undefined;
  if (before !== undefined) return new Date(record.notAfter.getTime() - before);
  const life = record.notAfter.getTime() - record.notBefore.getTime();
  return new Date(record.notBefore.getTime() + (2 * life) / 3);
}

/** Certificates inside --warn, severity by --critical and by what breaks. */
export const certificateExpiring = defineCertCheck({
  id: 'certificate-expiring',
  category: 'certificates',
  severity: 'high',
  lesson: 'certificate-expiry',
  title: 'A certificate expires within the warning threshold',
  messages: {
    expiring: '{what} expires {date} ({left}): {breaks}. Renew: {renew}.',
    'renewal-overdue':
      '{what} expires {date} ({left}); cert-manager was due to renew it {renewal}, so renewal is failing: kubectl describe certificate -n {namespace} {name}.',
    'cert-manager-status':
      'cert-manager Certificate {name} reports its certificate expires {date} ({left}) (Secret {secret} was not read). Renew: cmctl renew -n {namespace} {name}.',
  },
  run(ctx) {
    const { options } = ctx.analysis;
    const now = options.now.getTime();
    const managedBy = new Map<CertificateRecord, CertManagerCertificate>();
    for (const link of ctx.analysis.certManager)
      if (link.record) managedBy.set(link.record, link.certificate);
    let judged = 0;
    for (const rec of ctx.analysis.inventory.records) {
      judged++;
      const status = expiryStatus(rec.notBefore, rec.notAfter, options);
      if ((status !== 'critical' && status !== 'warning') || ctx.inCliff.has(rec) || isBundledRoot(rec))
        continue;
      const data = {
        what: describeRecord(rec),
        date: isoDay(rec.notAfter),
        left: describeDistance(rec.notAfter.getTime() - now),
        breaks: rec.role.breaks,
        renew: rec.role.renew,
      };
      const managed = managedBy.get(rec);
      const renewal = managed ? renewalTime(managed, rec) : undefined;
      if (managed && renewal && renewal.getTime() < now) {
        ctx.report({
          subject: subjectOfRecord(rec),
          messageId: 'renewal-overdue',
          data: {
            ...data,
            renewal: `${isoDay(renewal)} (${describeDistance(renewal.getTime() - now)})`,
            namespace: managed.namespace,
            name: managed.name,
          },
          severity: expirySeverity(status, rec.role.criticality),
        });
        continue;
      }
      ctx.report({
        subject: subjectOfRecord(rec),
        messageId: 'expiring',
        data,
        severity: expirySeverity(status, rec.role.criticality),
      });
    }
    for (const { certificate, notAfter } of certManagerOnlyFromStatus(ctx.analysis)) {
      judged++;
      const status = expiryStatus(new Date(0), notAfter, options);
      if (status !== 'critical' && status !== 'warning') continue;
      ctx.report({
        subject: {
          ref: {
            apiVersion: certificate.apiVersion,
            kind: 'Certificate',
            namespace: certificate.namespace,
            name: certificate.name,
          },
          origin: certificate.origin,
          path: ['status', 'notAfter'],
          annotations: certificate.annotations,
        },
        messageId: 'cert-manager-status',
        data: {
          name: certificate.name,
          namespace: certificate.namespace,
          secret: certificate.secretName ?? '(none)',
          date: isoDay(notAfter),
          left: describeDistance(notAfter.getTime() - now),
        },
        severity: expirySeverity(status, 'workload'),
      });
    }
    return judged;
  },
});
