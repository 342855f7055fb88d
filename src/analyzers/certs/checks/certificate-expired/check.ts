import type { Severity } from '../../../../core/severity.ts';
import type { CertificateRecord, Placement } from '../../certificate-inventory.ts';
import { describeRecord, subjectOfRecord } from '../../check-subject.ts';
import { defineCertCheck } from '../../define-cert-check.ts';
import { describeDistance, isoDay } from '../../duration.ts';
import { expirySeverity } from '../../severity-policy.ts';
import { certManagerOnlyFromStatus } from '../cert-manager-status.ts';

/** A self-signed root that only ever appears inside multi-certificate trust bundles. */
export function isBundledRoot(record: CertificateRecord): boolean {
  return record.selfSigned && record.placements.every((p: Placement) => p.count > 1);
}

/** Certificates past their notAfter (cliff members are reported in the cliff). */
export const certificateExpired = defineCertCheck({
  id: 'certificate-expired',
  category: 'certificates',
  severity: 'critical',
  lesson: 'certificate-expiry',
  title: 'A certificate has expired',
  messages: {
    expired: '{what} expired {date} ({ago}): {breaks}. Renew: {renew}.',
    'bundled-root':
      '{what} in a trust bundle expired {date} ({ago}); harmless while the bundle has a valid anchor for what it verifies — drop it from the bundle.',
    'cert-manager-status':
      'cert-manager Certificate {name} reports its certificate expired {date} ({ago}) (Secret {secret} was not read): whatever mounts it fails TLS. Renew: cmctl renew -n {namespace} {name}.',
  },
  run(ctx) {
    const { now } = ctx.analysis.options;
    let judged = 0;
    for (const rec of ctx.analysis.inventory.records) {
      judged++;
      if (rec.notAfter.getTime() > now.getTime() || ctx.inCliff.has(rec)) continue;
      const bundled = isBundledRoot(rec);
      const severity: Severity = bundled ? 'info' : expirySeverity('expired', rec.role.criticality);
      ctx.report({
        subject: subjectOfRecord(rec),
        messageId: bundled ? 'bundled-root' : 'expired',
        data: {
          what: describeRecord(rec),
          date: isoDay(rec.notAfter),
          ago: describeDistance(rec.notAfter.getTime() - now.getTime()),
          breaks: rec.role.breaks,
          renew: rec.role.renew,
        },
        severity,
      });
    }
    for (const { certificate, notAfter } of certManagerOnlyFromStatus(ctx.analysis)) {
      judged++;
      if (notAfter.getTime() > now.getTime()) continue;
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
          ago: describeDistance(notAfter.getTime() - now.getTime()),
        },
        severity: 'high',
      });
    }
    return judged;
  },
});
