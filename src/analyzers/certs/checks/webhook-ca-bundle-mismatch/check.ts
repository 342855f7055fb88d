import type { Severity } from '../../../../core/severity.ts';
import { verifyChain } from '../../certificate-inventory.ts';
import { defineCertCheck } from '../../define-cert-check.ts';
import { matchWebhookEndpoints, namesHost } from '../../webhook-endpoints.ts';

/** caBundles that do not verify what the matched endpoint serves, or a served name the API server will not accept. */
export const webhookCaBundleMismatch = defineCertCheck({
  id: 'webhook-ca-bundle-mismatch',
  category: 'certificates',
  severity: 'critical',
  lesson: 'certificate-expiry',
  title: 'A webhook or aggregated API serves a chain its caBundle does not trust',
  messages: {
    untrusted:
      '{resource} advertises a caBundle ({bundle}) that does not verify what {endpoint} serves: {reason}. The API server refuses every call to it — {consequence} Re-inject the CA that signed the serving certificate (cert-manager: cert-manager.io/inject-ca-from), or re-issue the serving certificate from the advertised CA.',
    'wrong-name':
      '{endpoint} serves a certificate for {names}, but the API server calls it as {host}: every call fails the name check — {consequence}',
  },
  run(ctx) {
    const { matched } = matchWebhookEndpoints(ctx.analysis);
    for (const m of matched) {
      const { bundle, endpoint } = m;
      const isWebhook = bundle.resourceKind.endsWith('WebhookConfiguration');
      const failClosed = !isWebhook || bundle.failurePolicy !== 'Ignore';
      const severity: Severity = failClosed ? 'critical' : 'high';
      const consequence = isWebhook
        ? failClosed
          ? 'with failurePolicy Fail, every request it intercepts is rejected.'
          : 'with failurePolicy Ignore, the webhook is silently skipped.'
        : bundle.resourceKind === 'APIService'
          ? 'the aggregated API is unavailable and discovery fails for every client.'
          : 'the custom resource cannot be converted between versions.';
      const resource = `${bundle.resourceKind} ${bundle.resourceName}${bundle.entry ? ` (webhook ${bundle.entry})` : ''}`;
      const subject = {
        ref: { apiVersion: bundle.apiVersion, kind: bundle.resourceKind, name: bundle.resourceName },
        origin: bundle.origin,
        path: bundle.path,
        annotations: bundle.annotations,
      };
      const verdict = verifyChain(m.served, m.trusted);
      if (!verdict.trusted) {
        ctx.report({
          subject,
          messageId: 'untrusted',
          data: {
            resource,
            bundle: m.trusted.map((c) => c.subject.replaceAll('\n', ', ')).join('; '),
            endpoint: endpoint.endpoint,
            reason: verdict.reason,
            consequence,
          },
          severity,
        });
      }
      const leaf = m.served[0];
      if (leaf && !namesHost(leaf, m.expectedHost)) {
        ctx.report({
          subject,
          messageId: 'wrong-name',
          data: {
            endpoint: endpoint.endpoint,
            names: (leaf.subjectAltName ?? leaf.subject).replace(/DNS:|IP Address:/g, ''),
            host: m.expectedHost,
            consequence,
          },
          severity,
        });
      }
    }
    return matched.length;
  },
});
