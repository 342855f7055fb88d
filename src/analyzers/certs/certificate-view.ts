/**
 * The certificate inventory flattened for JSON and YAML output: what each certificate is, where
 * it was found, when it expires, what breaks and how it is renewed. Public data only — subjects,
 * dates, fingerprints; no key material is ever part of a record.
 */
import { describeLocation } from '../../sources/tls/discovery.ts';
import type { CertAnalysis } from './analysis.ts';
import { DAY_MS } from './duration.ts';
import { expiryStatus } from './severity-policy.ts';

/** One certificate as JSON/YAML output shows it. */
export interface CertificateView {
  subject: string;
  issuer: string;
  serialNumber: string;
  fingerprintSha256: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  status: string;
  isCa: boolean;
  selfSigned: boolean;
  issuerStatus: string;
  dnsNames: string[];
  role: { id: string; label: string; component: string; criticality: string; platform: string };
  breaks: string;
  renew: string;
  runbook: string[];
  locations: string[];
  cliff?: string;
}

/** Every distinct certificate, earliest expiry first. */
export function certificateViews(analysis: CertAnalysis): CertificateView[] {
  const { options } = analysis;
  const cliffOf = new Map<string, string>();
  for (const c of analysis.cliffs)
    for (const m of c.members) cliffOf.set(m.fingerprint, c.start.toISOString().slice(0, 10));
  return analysis.inventory.records.map((rec) => {
    const cliff = cliffOf.get(rec.fingerprint);
    return {
      subject: rec.certificate.subject.replaceAll('\n', ', '),
      issuer: rec.certificate.issuer.replaceAll('\n', ', '),
      serialNumber: rec.serial,
      fingerprintSha256: rec.fingerprint,
      notBefore: rec.notBefore.toISOString(),
      notAfter: rec.notAfter.toISOString(),
      daysLeft: Math.trunc((rec.notAfter.getTime() - options.now.getTime()) / DAY_MS),
      status: expiryStatus(rec.notBefore, rec.notAfter, options),
      isCa: rec.isCa,
      selfSigned: rec.selfSigned,
      issuerStatus: rec.issuerStatus,
      dnsNames: (rec.certificate.subjectAltName ?? '')
        .split(', ')
        .filter((s) => s.startsWith('DNS:') || s.startsWith('IP Address:'))
        .map((s) => s.replace(/^DNS:|^IP Address:/, '')),
      role: {
        id: rec.role.id,
        label: rec.role.label,
        component: rec.role.component,
        criticality: rec.role.criticality,
        platform: rec.role.platform,
      },
      breaks: rec.role.breaks,
      renew: rec.role.renew,
      runbook: rec.role.runbook,
      locations: rec.placements.map((p) => describeLocation(p.location)),
      ...(cliff ? { cliff } : {}),
    };
  });
}
