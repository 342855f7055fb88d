/**
 * cert-manager Certificates whose Secret was not read (no RBAC on Secrets, or a snapshot
 * without them): their status still says when the certificate expires.
 */
import type { CertManagerCertificate } from '../../../sources/tls/discovery.ts';
import type { CertAnalysis } from '../analysis.ts';

/** cert-manager Certificates known only by their status, with the dates it reports. */
export function certManagerOnlyFromStatus(
  analysis: CertAnalysis,
): { certificate: CertManagerCertificate; notAfter: Date; notBefore?: Date }[] {
  const out: { certificate: CertManagerCertificate; notAfter: Date; notBefore?: Date }[] = [];
  for (const link of analysis.certManager) {
    if (link.record || !link.certificate.notAfter) continue;
    const notAfter = new Date(link.certificate.notAfter);
    if (Number.isNaN(notAfter.getTime())) continue;
    const notBefore = link.certificate.notBefore ? new Date(link.certificate.notBefore) : undefined;
    out.push({
      certificate: link.certificate,
      notAfter,
      ...(notBefore && !Number.isNaN(notBefore.getTime()) ? { notBefore } : {}),
    });
  }
  return out;
}
