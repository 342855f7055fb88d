/**
 * Certificate discovery against the real test platform: its own PKI on disk, its API server's
 * served chain over TLS (which must verify against pki/ca.crt), and TLS Secrets, ConfigMaps and
 * a webhook created in it with certificates made for the test — through `hindsight certs` with
 * KUBECONFIG, as a user would run it, including a user RBAC limits to one namespace's Secrets.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type ApiClient, platformClient } from '../../../testenv/apply.ts';
import { requirePlatform } from '../../../testenv/harness.ts';
import { issueClientCertificate } from '../../../testenv/pki.ts';
import { type PlatformState, writeKubeconfig } from '../../../testenv/platform.ts';
import { verifyChain } from '../../analyzers/certs/certificate-inventory.ts';
import { runCli } from '../../testing/run-cli.ts';
import { daysFrom, issueCertificate, pemBody } from '../../testing/test-pki.ts';
import { loadClusterCertificates } from './load-cluster-certificates.ts';

const NOW = new Date();

function admin(platform: PlatformState): ApiClient {
  return platformClient(platform);
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

interface CertificateOut {
  subject: string;
  role: { id: string };
  locations: string[];
  issuerStatus: string;
  status: string;
}

test("the platform's own PKI on disk: the CA, the API server certificate it issued, no broken chain", async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const run = await runCli(['certs', '-o', 'json', platform.pki.dir], { env: { HOME: '/nonexistent-home' } });
  // Other test files issue client certificates into this directory while it is read: a file
  // caught half-written may be one error, but never the CA or the API server certificate.
  assert.ok(run.code === 0 || run.code === 3, run.stderr);
  assert.doesNotMatch(run.stderr, /error: .*(ca|apiserver)\.crt/);
  const out = JSON.parse(run.stdout);
  const bySubject = new Map<string, CertificateOut>(
    out.certificates.map((c: CertificateOut) => [c.subject, c]),
  );
  assert.equal(bySubject.get('CN=hindsight-testenv-ca')?.role.id, 'cluster-ca');
  const apiserver = bySubject.get('CN=kube-apiserver');
  assert.equal(apiserver?.role.id, 'apiserver');
  assert.equal(apiserver?.issuerStatus, 'found');
  assert.deepEqual(
    out.findings.filter((f: { rule: string }) => f.rule === 'certificate-chain-broken'),
    [],
  );
});

test("the live API server's served chain, over TLS, verifies against pki/ca.crt", async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const discovery = await loadClusterCertificates({
    env: { HOME: '/nonexistent-home', KUBECONFIG: platform.kubeconfig },
    timeoutMs: 5000,
    namespace: 'hindsight-certs-none',
  });
  assert.deepEqual(discovery.errors.map(String), []);
  const endpoint = discovery.endpoints.find((e) => e.purpose === 'api-server');
  assert.ok(endpoint, 'the API server was probed');
  assert.equal(`https://${endpoint.endpoint}`, platform.server);
  const served = discovery.certificates
    .filter((c) => c.location === endpoint)
    .sort((a, b) => a.index - b.index)
    .map((c) => c.certificate);
  const onDisk = new X509Certificate(readFileSync(platform.pki.apiserverCert));
  assert.equal(served[0]?.fingerprint256, onDisk.fingerprint256, 'the served leaf is pki/apiserver.crt');
  const verdict = verifyChain(served, [new X509Certificate(readFileSync(platform.pki.caCert))]);
  assert.equal(verdict.trusted, true);
  // The kubeconfig's own CA (referenced file) and client certificate were read too.
  assert.ok(
    discovery.certificates.some(
      (c) => c.location.kind === 'kubeconfig' && c.certificate.subject.includes('CN=admin'),
    ),
  );
});

test('TLS Secrets, a PEM ConfigMap and a webhook created in the cluster, read through KUBECONFIG', async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const api = admin(platform);
  const ns = `certs-${process.pid}`;
  const webhookName = `hindsight-certs-${process.pid}`;
  t.after(async () => {
    // Namespace deletion waits for a namespace controller the platform may not run: delete the
    // objects themselves so later live reads of the shared platform do not see them.
    await api.send('DELETE', `/api/v1/namespaces/${ns}/secrets`);
    await api.send('DELETE', `/api/v1/namespaces/${ns}/configmaps`);
    await api.send('DELETE', `/api/v1/namespaces/${ns}`);
    await api.send(
      'DELETE',
      `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${webhookName}`,
    );
    api.close();
  });
  const ca = await issueCertificate({
    cn: 'live-ca',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const soon = await issueCertificate({
    cn: 'soon.example',
    notBefore: daysFrom(NOW, -80),
    notAfter: daysFrom(NOW, 5),
    issuer: ca,
  });
  const later = await issueCertificate({
    cn: 'later.example',
    notBefore: daysFrom(NOW, -10),
    notAfter: daysFrom(NOW, 200),
    issuer: ca,
  });
  const gone = await issueCertificate({
    cn: 'gone.example',
    notBefore: daysFrom(NOW, -100),
    notAfter: daysFrom(NOW, -1),
    issuer: ca,
  });
  await api.json('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns },
  });
  const tls = (name: string, leaf: typeof soon) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name, namespace: ns },
    data: { 'tls.crt': b64(leaf.pem), 'tls.key': b64(leaf.keyPem), 'ca.crt': b64(ca.pem) },
  });
  for (const secret of [tls('soon-tls', soon), tls('later-tls', later), tls('gone-tls', gone)])
    await api.json('POST', `/api/v1/namespaces/${ns}/secrets`, secret);
  await api.json('POST', `/api/v1/namespaces/${ns}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'swapped', namespace: ns },
    data: { 'tls.crt': b64(soon.keyPem) },
  });
  await api.json('POST', `/api/v1/namespaces/${ns}/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'trust', namespace: ns },
    data: { 'bundle.pem': ca.pem },
  });
  await api.json('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: webhookName },
    webhooks: [
      {
        name: 'noop.hindsight.dev',
        // No rules: it intercepts nothing, so the shared platform is never affected.
        rules: [],
        failurePolicy: 'Ignore',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        clientConfig: { caBundle: b64(ca.pem), service: { name: 'noop', namespace: ns, port: 443 } },
      },
    ],
  });

  const env = {
    HOME: '/nonexistent-home',
    KUBECONFIG: platform.kubeconfig,
    HINDSIGHT_NOW: NOW.toISOString(),
  };
  const run = await runCli(['certs', '-n', ns, '-o', 'json'], { env });
  assert.equal(run.code, 3, run.stderr);
  assert.match(
    run.stderr,
    new RegExp(`error: .*Secret ${ns}/swapped key tls\\.crt: holds a private key, not a certificate`),
  );
  assert.match(
    run.stderr,
    new RegExp(`note: .*ValidatingWebhookConfiguration ${webhookName} → noop\\.${ns}\\.svc:443`),
  );
  const out = JSON.parse(run.stdout);
  const bySubject = new Map<string, CertificateOut>(
    out.certificates.map((c: CertificateOut) => [c.subject, c]),
  );
  for (const cn of ['soon.example', 'later.example', 'gone.example'])
    assert.ok(
      bySubject.get(`CN=${cn}`)?.locations.some((l) => l.startsWith(`Secret ${ns}/`)),
      cn,
    );
  const liveCa = bySubject.get('CN=live-ca');
  // One CA, found in three Secrets, a ConfigMap and a webhook caBundle.
  assert.equal(liveCa?.locations.length, 5);
  assert.ok(
    liveCa?.locations.some(
      (l) => l === `ValidatingWebhookConfiguration ${webhookName} webhook noop.hindsight.dev caBundle`,
    ),
  );
  assert.equal(bySubject.get('CN=soon.example')?.issuerStatus, 'found');
  const findings = out.findings.map(
    (f: { rule: string; name: string; severity: string }) => `${f.rule} ${f.name} ${f.severity}`,
  );
  assert.ok(findings.includes(`certificate-expiring soon-tls high`), findings.join('\n'));
  assert.ok(findings.includes(`certificate-expired gone-tls high`), findings.join('\n'));
  assert.ok(
    !findings.some((f: string) => f.startsWith('certificate-chain-broken TLSEndpoint')),
    findings.join('\n'),
  );

  const metrics = await runCli(['certs', '-n', ns, '-o', 'prometheus'], { env });
  assert.match(
    metrics.stdout,
    new RegExp(
      `x509_cert_not_after\\{[^}]*secret_namespace="${ns}",secret_name="soon-tls",secret_key="tls\\.crt"[^}]*subject_CN="soon\\.example"`,
    ),
  );
  assert.match(
    metrics.stdout,
    new RegExp(
      `x509_cert_not_after\\{[^}]*cabundle_resource_kind="ValidatingWebhookConfiguration",cabundle_resource_name="${webhookName}",cabundle_entry="noop\\.hindsight\\.dev"`,
    ),
  );
  assert.match(metrics.stdout, /x509_read_errors 1/);
  for (const text of [run.stdout, run.stderr, metrics.stdout])
    for (const key of [soon, later, gone]) assert.ok(!text.includes(pemBody(key.keyPem).slice(20, 60)));

  // A user who may list Secrets in this namespace and nothing else: warnings, partial, Secrets read.
  const rbac = (kind: string, body: unknown) =>
    api.json('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/${kind}`, body);
  const user = `certs-viewer-${process.pid}`;
  await rbac('roles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: user, namespace: ns },
    rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }],
  });
  await rbac('rolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: user, namespace: ns },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: user },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  });
  const cert = issueClientCertificate(platform.pki.dir, user, user);
  const kubeconfig = join(platform.dir, `${user}.kubeconfig`);
  writeKubeconfig(kubeconfig, platform.server, platform.pki.caCert, { name: user, ...cert });
  const limited = await runCli(['certs', '-n', ns, '-o', 'json'], {
    env: { ...env, KUBECONFIG: kubeconfig },
  });
  assert.equal(limited.code, 3, limited.stderr);
  assert.match(limited.stderr, new RegExp(`warning: not allowed to list configmaps in ${ns}: skipped`));
  assert.match(limited.stderr, /warning: not allowed to list validatingwebhookconfigurations/);
  const subjects = JSON.parse(limited.stdout).certificates.map((c: CertificateOut) => c.subject);
  assert.ok(subjects.includes('CN=soon.example'));
});
