import { describeRecord, subjectOfRecord } from '../../check-subject.ts';
import { defineCertCheck } from '../../define-cert-check.ts';
import { DAY_MS, describeDistance, formatDuration, isoDay } from '../../duration.ts';

/** Certificates whose CA expires more than a day before they do. */
export const certificateOutlivesIssuer = defineCertCheck({
  id: 'certificate-outlives-issuer',
  category: 'certificates',
  severity: 'medium',
  lesson: 'certificate-expiry',
  title: 'A certificate is valid for longer than the CA that issued it',
  messages: {
    'outlives-issuer':
      '{what} is valid until {date}, but its issuer "{issuer}" expires {issuerDate} ({issuerLeft}), {gap} earlier: from then on it no longer verifies, whatever its own date says. Renew the CA before {issuerDate} (and re-issue or re-trust its leaves).',
  },
  run(ctx) {
    const { now, warnMs } = ctx.analysis.options;
    let judged = 0;
    for (const rec of ctx.analysis.inventory.records) {
      const issuer = rec.issuerRecord;
      if (!issuer) continue;
      judged++;
      const gap = rec.notAfter.getTime() - issuer.notAfter.getTime();
      // Issued a moment after a CA with the same lifetime is the same expiry (and part of a cliff).
      if (gap < DAY_MS) continue;
      const issuerLeft = issuer.notAfter.getTime() - now.getTime();
      ctx.report({
        subject: subjectOfRecord(rec),
        messageId: 'outlives-issuer',
        data: {
          what: describeRecord(rec),
          date: isoDay(rec.notAfter),
          issuer: issuer.commonName || issuer.certificate.subject,
          issuerDate: isoDay(issuer.notAfter),
          issuerLeft: describeDistance(issuerLeft),
          gap: formatDuration(Math.round(gap / DAY_MS) * DAY_MS),
        },
        severity: issuerLeft <= warnMs ? 'high' : 'medium',
      });
    }
    return judged;
  },
});
