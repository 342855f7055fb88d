import type { X509Certificate } from 'node:crypto';
import type { Severity } from '../../../../core/severity.ts';
import type { CertificateLocation, EndpointLocation } from '../../../../sources/tls/discovery.ts';
import { systemTrust, verifyChain } from '../../certificate-inventory.ts';
import { describeRecord, subjectOfRecord } from '../../check-subject.ts';
import { type CertReport, defineCertCheck } from '../../define-cert-check.ts';
import { matchWebhookEndpoints, namesHost } from '../../webhook-endpoints.ts';

function endpointSubject(location: EndpointLocation): CertReport['subject'] {
  return {
    ref: { apiVersion: 'hindsight.dev/v1', kind: 'TLSEndpoint', name: location.endpoint },
    origin: { source: `tls://${location.endpoint}` },
  };
}

function isTrustAnchorPlace(location: CertificateLocation): boolean {
  return (
    location.kind === 'cabundle' ||
    location.kind === 'configmap' ||
    (location.kind === 'kubeconfig' && location.embeddedKind === 'cluster')
  );
}

function sanText(certificate: X509Certificate): string {
  return (certificate.subjectAltName ?? '').replace(/DNS:|IP Address:/g, '') || `CN ${certificate.subject}`;
}

/** Issuers that cannot be found, served chains that do not verify, served names that do not match. */
export const certificateChainBroken = defineCertCheck({
  id: 'certificate-chain-broken',
  category: 'certificates',
  severity: 'high',
  lesson: 'certificate-expiry',
  title: "A certificate's chain does not verify",
  messages: {
    'issuer-missing':
      '{what} was issued by "{issuer}", but no certificate with that subject is among the {total} read, nor in the system trust store: its chain cannot be verified here. Add the issuing CA (and intermediates) to the bundle, or scan where it lives.',
    'served-untrusted':
      '{endpoint} serves a chain that does not verify against {against}: {reason}. {consequence}',
    'served-wrong-name':
      '{endpoint} serves a certificate for {names}, which does not include {host}: clients that verify the name refuse it.',
  },
  run(ctx) {
    const { inventory, discovery } = ctx.analysis;
    let judged = 0;
    for (const rec of inventory.records) {
      if (rec.placements.every((p) => p.location.kind === 'endpoint')) continue;
      judged++;
      // A CA used only as a trust anchor (caBundle, kubeconfig CA, CA ConfigMap) needs no issuer.
      const anchorOnly = rec.isCa && rec.placements.every((p) => isTrustAnchorPlace(p.location));
      if (anchorOnly) continue;
      if (rec.issuerStatus !== 'missing') continue;
      ctx.report({
        subject: subjectOfRecord(rec),
        messageId: 'issuer-missing',
        data: {
          what: describeRecord(rec),
          issuer: rec.issuerCommonName || rec.certificate.issuer,
          total: inventory.records.length,
        },
        severity: rec.role.criticality === 'control-plane' ? 'high' : 'medium',
      });
    }

    const webhookEndpoints = new Set(matchWebhookEndpoints(ctx.analysis).matched.map((m) => m.endpoint));
    const knownCas = inventory.records.filter((r) => r.isCa || r.selfSigned).map((r) => r.certificate);
    for (const endpoint of discovery.endpoints) {
      const served = (inventory.bundles.get(endpoint) ?? []).map((r) => r.certificate);
      const leaf = served[0];
      if (!leaf) continue;
      judged++;
      const apiServer = endpoint.purpose === 'api-server';
      if (apiServer && !endpoint.trustAnchors) continue;
      if (!apiServer && webhookEndpoints.has(endpoint)) continue;
      const anchors = apiServer
        ? (endpoint.trustAnchors ?? [])
        : [...knownCas, ...(systemTrust().get(served[served.length - 1]?.issuer ?? '') ?? [])];
      const verdict = verifyChain(served, anchors);
      const severity: Severity = apiServer ? 'critical' : 'medium';
      if (!verdict.trusted) {
        ctx.report({
          subject: endpointSubject(endpoint),
          messageId: 'served-untrusted',
          data: {
            endpoint: `${apiServer ? 'The API server ' : ''}${endpoint.endpoint}`,
            against: apiServer
              ? "the kubeconfig's certificate-authority"
              : 'any CA read or the system trust store',
            reason: verdict.reason,
            consequence: apiServer
              ? 'kubectl and every client using this kubeconfig refuse the connection.'
              : 'Clients that do not already trust its issuer refuse it.',
          },
          severity,
        });
      }
      if (!namesHost(leaf, endpoint.host)) {
        ctx.report({
          subject: endpointSubject(endpoint),
          messageId: 'served-wrong-name',
          data: { endpoint: endpoint.endpoint, names: sanText(leaf), host: endpoint.host },
          severity: apiServer ? 'critical' : 'medium',
        });
      }
    }
    return judged;
  },
});
