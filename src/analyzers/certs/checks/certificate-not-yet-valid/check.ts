import { describeRecord, subjectOfRecord } from '../../check-subject.ts';
import { defineCertCheck } from '../../define-cert-check.ts';
import { describeDistance, isoDay } from '../../duration.ts';

/** Certificates whose notBefore is still ahead. */
export const certificateNotYetValid = defineCertCheck({
  id: 'certificate-not-yet-valid',
  category: 'certificates',
  severity: 'high',
  lesson: 'certificate-expiry',
  title: 'A certificate is not valid yet',
  messages: {
    'not-yet-valid':
      '{what} is not valid until {date} ({left}): clients reject it until then. It was issued for the future, or a clock (this machine, the issuer, the server) is wrong.',
  },
  run(ctx) {
    const now = ctx.analysis.options.now.getTime();
    let judged = 0;
    for (const rec of ctx.analysis.inventory.records) {
      judged++;
      if (rec.notBefore.getTime() <= now || rec.notAfter.getTime() <= now) continue;
      ctx.report({
        subject: subjectOfRecord(rec),
        messageId: 'not-yet-valid',
        data: {
          what: describeRecord(rec),
          date: rec.notBefore.toISOString().replace('.000Z', 'Z'),
          left: describeDistance(rec.notBefore.getTime() - now),
          day: isoDay(rec.notBefore),
        },
      });
    }
    return judged;
  },
});
