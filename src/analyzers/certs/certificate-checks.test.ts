/**
 * Every certificate check against real hierarchies made for the purpose: the seed's two crashes
 * (a same-day cliff of CA, etcd and API server; one-year etcd certificates despite a two-year
 * setting), broken chains, a webhook whose caBundle is not the CA that signed what it serves
 * (served by a real TLS server), not-yet-valid and expired certificates. The last test checks
 * that every message of every check was produced by some scenario.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { createServer, type Server } from 'node:tls';
import { dump } from 'js-yaml';
import type { Finding } from '../../core/finding.ts';
import { parseEndpointSpec, probeEndpoint } from '../../sources/tls/probe-endpoint.ts';
import { readCertificatePaths } from '../../sources/tls/read-certificate-paths.ts';
import { daysFrom, issueCertificate, type TestCertificate } from '../../testing/test-pki.ts';
import { analyzeCertificates, type CertAnalysisOptions, DEFAULT_ANALYSIS_OPTIONS } from './analysis.ts';
import { DAY_MS } from './duration.ts';
import { CERT_CHECKS } from './registry.ts';
import { runCertChecks } from './run-cert-checks.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const seen = new Set<string>();
const servers: Server[] = [];
let root: string;

function write(path: string, text: string): string {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

async function check(
  paths: string[],
  options: Partial<CertAnalysisOptions> = {},
  endpoints: { spec: string; purpose?: 'api-server' | 'endpoint'; anchors?: TestCertificate[] }[] = [],
): Promise<Finding[]> {
  const discovery = await readCertificatePaths(paths);
  for (const e of endpoints) {
    await probeEndpoint(
      parseEndpointSpec(e.spec),
      {
        timeoutMs: 3000,
        purpose: e.purpose ?? 'endpoint',
        ...(e.anchors ? { trustAnchors: e.anchors.map((a) => new X509Certificate(a.pem)) } : {}),
      },
      discovery,
    );
  }
  const analysis = analyzeCertificates(discovery, { ...DEFAULT_ANALYSIS_OPTIONS, now: NOW, ...options });
  const result = runCertChecks(analysis, CERT_CHECKS);
  for (const f of result.findings) seen.add(`${f.ruleId}/${f.messageId}`);
  assert.deepEqual(
    result.findings.filter((f) => f.ruleId === 'internal-error'),
    [],
  );
  return result.findings;
}

function only(findings: Finding[], ruleId: string): Finding[] {
  return findings.filter((f) => f.ruleId === ruleId);
}

/** Serves `chain` (leaf first) with `key` on 127.0.0.1; returns the port. */
async function serve(chain: TestCertificate[], key: TestCertificate): Promise<number> {
  const server = createServer({ key: key.keyPem, cert: chain.map((c) => c.pem).join('') });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'hindsight-certs-'));
});

after(() => {
  for (const s of servers) s.close();
  rmSync(root, { recursive: true, force: true });
});

test('crash #1: CA, etcd and API server expiring the same day are ONE cliff finding with its blast radius', async () => {
  const day = daysFrom(NOW, 5);
  const ca = await issueCertificate({
    cn: 'kubernetes',
    notBefore: daysFrom(NOW, -365),
    notAfter: day,
    isCa: true,
  });
  const etcdCa = await issueCertificate({
    cn: 'etcd-ca',
    notBefore: daysFrom(NOW, -365),
    notAfter: day,
    isCa: true,
  });
  const apiserver = await issueCertificate({
    cn: 'kube-apiserver',
    notBefore: daysFrom(NOW, -365),
    notAfter: day,
    issuer: ca,
  });
  const etcd = await issueCertificate({
    cn: 'kube-etcd',
    notBefore: daysFrom(NOW, -365),
    notAfter: day,
    issuer: etcdCa,
  });
  const dir = join(root, 'crash1', 'etc', 'kubernetes', 'pki');
  write('crash1/etc/kubernetes/pki/ca.crt', ca.pem);
  write('crash1/etc/kubernetes/pki/apiserver.crt', apiserver.pem);
  write('crash1/etc/kubernetes/pki/apiserver.key', apiserver.keyPem);
  write('crash1/etc/kubernetes/pki/etcd/ca.crt', etcdCa.pem);
  write('crash1/etc/kubernetes/pki/etcd/server.crt', etcd.pem);
  const findings = await check([dir]);
  const cliffs = only(findings, 'certificate-expiry-cliff');
  assert.equal(cliffs.length, 1, JSON.stringify(findings, null, 1));
  const cliff = cliffs[0] as Finding;
  assert.equal(cliff.severity, 'critical');
  assert.equal(cliff.ref.kind, 'CertificateExpiryCliff');
  assert.match(
    cliff.message,
    /^4 certificates, 4 of them control-plane critical, expire within a day of each other/,
  );
  assert.match(cliff.message, /Kubernetes cluster CA "kubernetes"/);
  assert.match(cliff.message, /etcd serving certificate "kube-etcd" \(etcd\/server\.crt\)/);
  assert.match(cliff.message, /API server serving certificate "kube-apiserver"/);
  // The blast radius says what stops, the renewal says how.
  assert.match(cliff.message, /Blast radius — .*the whole cluster stops.*no kubectl/);
  assert.match(cliff.message, /kubeadm certs renew apiserver/);
  // Folded into the cliff: no separate per-certificate expiry findings.
  assert.deepEqual(only(findings, 'certificate-expiring'), []);
});

test('a CA and the leaves it issued expiring together are one cliff, even outside the control plane', async () => {
  const day = daysFrom(NOW, 200);
  const ca = await issueCertificate({
    cn: 'team-ca',
    notBefore: daysFrom(NOW, -10),
    notAfter: day,
    isCa: true,
  });
  const leaf = await issueCertificate({
    cn: 'shop.example',
    notBefore: daysFrom(NOW, -10),
    notAfter: daysFrom(NOW, 199),
    issuer: ca,
  });
  const file = write(
    'ca-leaves/secret.yaml',
    dump({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: 'shop-tls', namespace: 'shop' },
      data: { 'tls.crt': b64(leaf.pem), 'ca.crt': b64(ca.pem), 'tls.key': b64(leaf.keyPem) },
    }),
  );
  const cliffs = only(await check([file]), 'certificate-expiry-cliff');
  assert.equal(cliffs.length, 1);
  assert.match(
    cliffs[0]?.message ?? '',
    /^CA "team-ca" and 1 certificates it issued expire within 1d of each other/,
  );
  assert.equal(cliffs[0]?.severity, 'low');
});

test('a leaf that outlives its CA', async () => {
  const ca = await issueCertificate({
    cn: 'short-ca',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 100),
    isCa: true,
  });
  const leaf = await issueCertificate({
    cn: 'long-leaf',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 400),
    issuer: ca,
  });
  write('outlives/ca.pem', ca.pem);
  write('outlives/leaf.pem', leaf.pem);
  const findings = only(await check([join(root, 'outlives')]), 'certificate-outlives-issuer');
  assert.equal(findings.length, 1);
  assert.match(
    findings[0]?.message ?? '',
    /"long-leaf" is valid until 2027-07-06, but its issuer "short-ca" expires 2026-09-09 .*300d earlier/,
  );
});

test('crash #2 with cert-manager: spec.duration 2y, but the Secret holds a one-year certificate', async () => {
  const ca = await issueCertificate({
    cn: 'internal-ca',
    notBefore: daysFrom(NOW, -400),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const oneYear = await issueCertificate({
    cn: 'api.internal',
    notBefore: daysFrom(NOW, -10),
    notAfter: daysFrom(NOW, 355),
    issuer: ca,
  });
  const longer = await issueCertificate({
    cn: 'web.internal',
    notBefore: daysFrom(NOW, -10),
    notAfter: daysFrom(NOW, 80),
    issuer: ca,
  });
  const docs = [
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'api', namespace: 'platform' },
      spec: {
        secretName: 'api-tls',
        duration: '17520h',
        issuerRef: { name: 'internal', kind: 'ClusterIssuer' },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name: 'api-tls',
        namespace: 'platform',
        annotations: { 'cert-manager.io/certificate-name': 'api' },
      },
      data: { 'tls.crt': b64(oneYear.pem), 'ca.crt': b64(ca.pem) },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'web', namespace: 'platform' },
      spec: { secretName: 'web-tls', duration: '720h' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: 'web-tls', namespace: 'platform' },
      data: { 'tls.crt': b64(longer.pem) },
    },
  ];
  const file = write('cert-manager/all.yaml', docs.map((d) => dump(d)).join('---\n'));
  const findings = only(await check([file]), 'certificate-validity-mismatch');
  const shorter = findings.find((f) => f.messageId === 'cert-manager-shorter');
  assert.ok(shorter, JSON.stringify(findings, null, 1));
  assert.equal(shorter.severity, 'high');
  assert.equal(shorter.ref.kind, 'Certificate');
  assert.deepEqual(shorter.path, ['spec', 'duration']);
  assert.match(
    shorter.message,
    /asks for 17520h \(spec\.duration\) but .*"api\.internal" in Secret api-tls was issued for 1y: it expires 2027-05-22, 1y before the planned 2028-05-21/,
  );
  const longerFinding = findings.find((f) => f.messageId === 'cert-manager-longer');
  assert.equal(longerFinding?.severity, 'low');
});

test('crash #2 with kops: --expect-validity 2y against one-year etcd certificates', async () => {
  const ca = await issueCertificate({
    cn: 'etcd-clients-ca',
    notBefore: daysFrom(NOW, -300),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const peersCa = await issueCertificate({
    cn: 'etcd-peers-ca',
    notBefore: daysFrom(NOW, -300),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const client = await issueCertificate({
    cn: 'kube-apiserver-etcd-client',
    notBefore: daysFrom(NOW, -300),
    notAfter: daysFrom(NOW, 65),
    issuer: ca,
  });
  const peer = await issueCertificate({
    cn: 'etcd-a',
    notBefore: daysFrom(NOW, -300),
    notAfter: daysFrom(NOW, 65),
    issuer: peersCa,
  });
  const twoYears = await issueCertificate({
    cn: 'ok',
    notBefore: daysFrom(NOW, -300),
    notAfter: daysFrom(NOW, 430),
    issuer: ca,
  });
  write('kops/srv/kubernetes/kube-apiserver/etcd-ca.crt', ca.pem);
  write('kops/srv/kubernetes/kube-apiserver/etcd-client.crt', client.pem);
  write('kops/srv/kubernetes/kube-apiserver/etcd-client.key', client.keyPem);
  write('kops/srv/kubernetes/other.crt', twoYears.pem);
  write('kops/mnt/master-vol-0a1/pki/e1/peers/ca.crt', peersCa.pem);
  write('kops/mnt/master-vol-0a1/pki/e1/peers/me.crt', peer.pem);
  const findings = await check([join(root, 'kops')], { expectValidityMs: 730 * DAY_MS });
  const mismatches = only(findings, 'certificate-validity-mismatch');
  assert.deepEqual(mismatches.map((f) => f.ref.name.split('/').slice(-2).join('/')).sort(), [
    'kube-apiserver/etcd-client.crt',
    'peers/me.crt',
  ]);
  for (const f of mismatches) {
    assert.equal(f.messageId, 'expected-shorter');
    assert.match(
      f.message,
      /issued for 1y, but 2y was expected \(--expect-validity\): it expires 2026-08-05, 1y before the planned/,
    );
  }
  const peerMessage = mismatches.find((f) => f.ref.name.endsWith('me.crt'))?.message ?? '';
  assert.match(peerMessage, /etcd peer certificate "etcd-a"/);
});

test('kubeadm ClusterConfiguration certificateValidityPeriod against what was issued', async () => {
  const ca = await issueCertificate({
    cn: 'kubernetes',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const short = await issueCertificate({
    cn: 'kube-apiserver',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 60),
    issuer: ca,
  });
  write('kubeadm/pki/ca.crt', ca.pem);
  write('kubeadm/pki/apiserver.crt', short.pem);
  write(
    'kubeadm/kubeadm.yaml',
    dump({
      apiVersion: 'kubeadm.k8s.io/v1beta4',
      kind: 'ClusterConfiguration',
      certificateValidityPeriod: '8760h0m0s',
    }),
  );
  const findings = only(await check([join(root, 'kubeadm')]), 'certificate-validity-mismatch');
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.messageId, 'kubeadm-shorter');
  assert.match(
    findings[0]?.message ?? '',
    /issued for 90d, but certificateValidityPeriod in .*kubeadm\.yaml:1: ClusterConfiguration sets 8760h0m0s/,
  );
});

test('a broken chain: the issuer is nowhere to be found', async () => {
  const ca = await issueCertificate({
    cn: 'missing-ca',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const leaf = await issueCertificate({
    cn: 'kube-apiserver',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 300),
    issuer: ca,
  });
  const file = write('broken/pki/apiserver.crt', leaf.pem);
  const findings = only(await check([file]), 'certificate-chain-broken');
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.messageId, 'issuer-missing');
  assert.equal(findings[0]?.severity, 'high');
  assert.match(
    findings[0]?.message ?? '',
    /was issued by "missing-ca", but no certificate with that subject is among the 1 read/,
  );
});

test('not yet valid, expired, and an expired root inside a trust bundle', async () => {
  const ca = await issueCertificate({
    cn: 'clock-ca',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const future = await issueCertificate({
    cn: 'future',
    notBefore: daysFrom(NOW, 2),
    notAfter: daysFrom(NOW, 300),
    issuer: ca,
  });
  const expired = await issueCertificate({
    cn: 'gone',
    notBefore: daysFrom(NOW, -300),
    notAfter: daysFrom(NOW, -3),
    issuer: ca,
  });
  const oldRoot = await issueCertificate({
    cn: 'old-root',
    notBefore: daysFrom(NOW, -4000),
    notAfter: daysFrom(NOW, -100),
    isCa: true,
  });
  write('clock/ca.crt', ca.pem);
  write('clock/future.crt', future.pem);
  write('clock/gone.crt', expired.pem);
  write(
    'clock/bundle.yaml',
    dump({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'trust', namespace: 'x' },
      data: { 'ca-bundle.crt': ca.pem + oldRoot.pem },
    }),
  );
  const findings = await check([join(root, 'clock')]);
  const notYet = only(findings, 'certificate-not-yet-valid');
  assert.equal(notYet.length, 1);
  assert.match(notYet[0]?.message ?? '', /"future" is not valid until 2026-06-03T00:00:00Z \(in 2 days\)/);
  const gone = only(findings, 'certificate-expired');
  const byMessage = new Map(gone.map((f) => [f.messageId, f]));
  assert.match(byMessage.get('expired')?.message ?? '', /"gone" expired 2026-05-29 \(3 days ago\)/);
  assert.equal(byMessage.get('expired')?.severity, 'high');
  assert.equal(byMessage.get('bundled-root')?.severity, 'info');
});

test('expiring certificates by threshold and role; cert-manager renewal overdue; status-only Certificates', async () => {
  const ca = await issueCertificate({
    cn: 'front-proxy-ca',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const proxy = await issueCertificate({
    cn: 'front-proxy-client',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 20),
    issuer: ca,
  });
  const app = await issueCertificate({
    cn: 'app',
    notBefore: daysFrom(NOW, -80),
    notAfter: daysFrom(NOW, 10),
    issuer: ca,
  });
  write('expiring/pki/front-proxy-ca.crt', ca.pem);
  write('expiring/pki/front-proxy-client.crt', proxy.pem);
  write(
    'expiring/app.yaml',
    [
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'app', namespace: 'web' },
        spec: { secretName: 'app-tls' },
        status: { renewalTime: daysFrom(NOW, -20).toISOString(), notAfter: daysFrom(NOW, 10).toISOString() },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'app-tls', namespace: 'web' },
        data: { 'tls.crt': b64(app.pem) },
      },
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'unread', namespace: 'web' },
        spec: { secretName: 'unread-tls' },
        status: { notAfter: daysFrom(NOW, 3).toISOString() },
      },
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'unread-old', namespace: 'web' },
        spec: { secretName: 'unread-old-tls' },
        status: { notAfter: daysFrom(NOW, -3).toISOString() },
      },
    ]
      .map((d) => dump(d))
      .join('---\n'),
  );
  const findings = await check([join(root, 'expiring')]);
  const expiring = only(findings, 'certificate-expiring');
  const proxyFinding = expiring.find((f) => f.ref.name.endsWith('front-proxy-client.crt'));
  assert.equal(proxyFinding?.severity, 'high');
  assert.match(
    proxyFinding?.message ?? '',
    /front-proxy client certificate .* expires 2026-06-21 \(in 20 days\): aggregated API servers reject/,
  );
  assert.match(proxyFinding?.message ?? '', /Renew: kubeadm certs renew front-proxy-client/);
  const overdue = expiring.find((f) => f.messageId === 'renewal-overdue');
  assert.match(
    overdue?.message ?? '',
    /cert-manager was due to renew it 2026-05-12 \(20 days ago\), so renewal is failing: kubectl describe certificate -n web app/,
  );
  const status = expiring.find((f) => f.messageId === 'cert-manager-status');
  assert.equal(status?.ref.name, 'unread');
  assert.equal(status?.severity, 'high');
  assert.equal(
    only(findings, 'certificate-expired').find((f) => f.messageId === 'cert-manager-status')?.ref.name,
    'unread-old',
  );
  // With a shorter warning window the 20-day certificate is no longer reported.
  const narrow = await check([join(root, 'expiring')], { warnMs: 15 * DAY_MS });
  assert.equal(
    only(narrow, 'certificate-expiring').filter((f) => f.ref.name.endsWith('front-proxy-client.crt')).length,
    0,
  );
});

test('a webhook whose caBundle is another CA than the one that signed what it serves', async () => {
  const servingCa = await issueCertificate({
    cn: 'serving-ca',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const otherCa = await issueCertificate({
    cn: 'stale-ca',
    notBefore: daysFrom(NOW, -300),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const leaf = await issueCertificate({
    cn: 'policy-webhook',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 300),
    issuer: servingCa,
    dnsNames: ['policy-webhook.policy.svc'],
  });
  const port = await serve([leaf], leaf);
  const webhook = (name: string, service: string, ca: TestCertificate, failurePolicy: string) => ({
    name,
    failurePolicy,
    clientConfig: { caBundle: b64(ca.pem), service: { name: service, namespace: 'policy', port: 443 } },
  });
  const file = write(
    'webhooks/vwc.yaml',
    dump({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'policy' },
      webhooks: [
        webhook('stale.policy.io', 'policy-webhook', otherCa, 'Fail'),
        webhook('good.policy.io', 'policy-webhook', servingCa, 'Fail'),
        webhook('renamed.policy.io', 'renamed', servingCa, 'Ignore'),
      ],
    }),
  );
  const findings = only(
    await check([file], {}, [
      { spec: `policy-webhook.policy.svc:443@127.0.0.1:${port}` },
      { spec: `renamed.policy.svc:443@127.0.0.1:${port}` },
    ]),
    'webhook-ca-bundle-mismatch',
  );
  const untrusted = findings.filter((f) => f.messageId === 'untrusted');
  assert.equal(untrusted.length, 1, JSON.stringify(findings, null, 1));
  assert.equal(untrusted[0]?.severity, 'critical');
  assert.deepEqual(untrusted[0]?.path, ['webhooks', 0, 'clientConfig', 'caBundle']);
  assert.match(
    untrusted[0]?.message ?? '',
    /ValidatingWebhookConfiguration policy \(webhook stale\.policy\.io\) advertises a caBundle \(CN=stale-ca\) that does not verify what policy-webhook\.policy\.svc:443 serves: .*issued by "serving-ca"/,
  );
  assert.match(untrusted[0]?.message ?? '', /failurePolicy Fail, every request it intercepts is rejected/);
  const wrongName = findings.filter((f) => f.messageId === 'wrong-name');
  assert.equal(wrongName.length, 1);
  assert.equal(wrongName[0]?.severity, 'high');
  assert.match(
    wrongName[0]?.message ?? '',
    /serves a certificate for policy-webhook\.policy\.svc, but the API server calls it as renamed\.policy\.svc/,
  );
});

test('an aggregated API and a CRD conversion webhook, checked against what their Services serve', async () => {
  const servingCa = await issueCertificate({
    cn: 'metrics-ca',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const otherCa = await issueCertificate({
    cn: 'previous-metrics-ca',
    notBefore: daysFrom(NOW, -300),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const leaf = await issueCertificate({
    cn: 'metrics-server',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 300),
    issuer: servingCa,
    dnsNames: ['metrics-server.kube-system.svc'],
  });
  const port = await serve([leaf], leaf);
  const file = write(
    'aggregated/objects.yaml',
    [
      {
        apiVersion: 'apiregistration.k8s.io/v1',
        kind: 'APIService',
        metadata: { name: 'v1beta1.metrics.k8s.io' },
        spec: {
          group: 'metrics.k8s.io',
          version: 'v1beta1',
          caBundle: b64(otherCa.pem),
          service: { name: 'metrics-server', namespace: 'kube-system', port: 443 },
        },
      },
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: {
          group: 'example.com',
          conversion: {
            strategy: 'Webhook',
            webhook: {
              conversionReviewVersions: ['v1'],
              clientConfig: {
                caBundle: b64(servingCa.pem),
                service: { name: 'converter', namespace: 'crds', port: 443 },
              },
            },
          },
        },
      },
    ]
      .map((d) => dump(d))
      .join('---\n'),
  );
  const findings = only(
    await check([file], {}, [
      { spec: `metrics-server.kube-system.svc:443@127.0.0.1:${port}` },
      { spec: `converter.crds.svc:443@127.0.0.1:${port}` },
    ]),
    'webhook-ca-bundle-mismatch',
  );
  const api = findings.find((f) => f.ref.kind === 'APIService');
  assert.equal(api?.messageId, 'untrusted');
  assert.deepEqual(api?.path, ['spec', 'caBundle']);
  assert.match(
    api?.message ?? '',
    /APIService v1beta1\.metrics\.k8s\.io advertises a caBundle \(CN=previous-metrics-ca\).*the aggregated API is unavailable/,
  );
  const crd = findings.find((f) => f.ref.kind === 'CustomResourceDefinition');
  assert.equal(crd?.messageId, 'wrong-name');
  assert.deepEqual(crd?.path, ['spec', 'conversion', 'webhook', 'clientConfig', 'caBundle']);
  assert.match(crd?.message ?? '', /calls it as converter\.crds\.svc.*cannot be converted between versions/);
});

test('cert-manager renewal overdue from spec.renewBefore when the status has no renewalTime', async () => {
  const ca = await issueCertificate({
    cn: 'renew-ca',
    notBefore: daysFrom(NOW, -300),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const leaf = await issueCertificate({
    cn: 'api.renew',
    notBefore: daysFrom(NOW, -80),
    notAfter: daysFrom(NOW, 10),
    issuer: ca,
  });
  const file = write(
    'renew/objects.yaml',
    [
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'api', namespace: 'renew' },
        spec: { secretName: 'api-tls', renewBefore: '720h' },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'api-tls', namespace: 'renew' },
        data: { 'tls.crt': b64(leaf.pem + ca.pem) },
      },
    ]
      .map((d) => dump(d))
      .join('---\n'),
  );
  const overdue = only(await check([file]), 'certificate-expiring').find(
    (f) => f.messageId === 'renewal-overdue',
  );
  assert.match(overdue?.message ?? '', /due to renew it 2026-05-12 \(20 days ago\)/);
});

test('served chains: an API server that does not verify against the kubeconfig CA, an endpoint of an unknown CA, a wrong name', async () => {
  const ca = await issueCertificate({
    cn: 'real-ca',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const kubeconfigCa = await issueCertificate({
    cn: 'old-cluster-ca',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  const leaf = await issueCertificate({
    cn: 'kube-apiserver',
    notBefore: daysFrom(NOW, -30),
    notAfter: daysFrom(NOW, 300),
    issuer: ca,
    ips: ['127.0.0.1'],
  });
  const port = await serve([leaf], leaf);
  const findings = only(
    await check([], {}, [
      { spec: `127.0.0.1:${port}`, purpose: 'api-server', anchors: [kubeconfigCa] },
      { spec: `localhost:${port}` },
    ]),
    'certificate-chain-broken',
  );
  const api = findings.find((f) => f.ref.name === `127.0.0.1:${port}` && f.messageId === 'served-untrusted');
  assert.equal(api?.severity, 'critical');
  assert.match(
    api?.message ?? '',
    /The API server 127\.0\.0\.1:\d+ serves a chain that does not verify against the kubeconfig's certificate-authority/,
  );
  const other = findings.filter((f) => f.ref.name === `localhost:${port}`);
  assert.deepEqual(other.map((f) => f.messageId).sort(), ['served-untrusted', 'served-wrong-name']);
});

test('an old control-plane Node: its boot-time certificates are about to expire', async () => {
  const file = write(
    'nodes/nodes.json',
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name: 'master-a',
            creationTimestamp: daysFrom(NOW, -360).toISOString(),
            labels: { 'node-role.kubernetes.io/control-plane': '' },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'worker-a', creationTimestamp: daysFrom(NOW, -360).toISOString(), labels: {} },
        },
      ],
    }),
  );
  const findings = only(await check([file]), 'control-plane-node-age');
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.ref.name, 'master-a');
  assert.equal(findings[0]?.severity, 'high');
  assert.match(
    findings[0]?.message ?? '',
    /created 2025-06-06 \(360 days ago\).*expire around 2026-06-06 \(in 5 days\)/,
  );
});

test('every message of every check is produced by some scenario above', () => {
  const all = CERT_CHECKS.flatMap((c) => Object.keys(c.messages).map((m) => `${c.id}/${m}`)).sort();
  assert.deepEqual(
    all.filter((m) => !seen.has(m)),
    [],
  );
});
