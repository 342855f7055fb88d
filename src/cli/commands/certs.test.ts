/**
 * `hindsight certs` from the command line, on files: every output format, --report, --fail-on,
 * exemptions and exit codes; bad inputs (garbage, truncated DER, a key where a certificate
 * should be, encrypted bundles, a huge file) each named in one error while the rest is read; and
 * no private-key bytes in any output, ever.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { load } from 'js-yaml';
import { runCli } from '../../testing/run-cli.ts';
import {
  daysFrom,
  encryptedKeyPem,
  issueCertificate,
  pemBody,
  type TestCertificate,
} from '../../testing/test-pki.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const env = { HOME: '/nonexistent-home', HINDSIGHT_NOW: NOW.toISOString() };
let root: string;
let ca: TestCertificate;
let apiserver: TestCertificate;
let app: TestCertificate;
let client: TestCertificate;
let legacy: TestCertificate;

function write(path: string, content: string | Buffer): string {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  return full;
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'hindsight-certs-cli-'));
  ca = await issueCertificate({
    cn: 'kubernetes',
    notBefore: daysFrom(NOW, -400),
    notAfter: daysFrom(NOW, 3000),
    isCa: true,
  });
  apiserver = await issueCertificate({
    cn: 'kube-apiserver',
    notBefore: daysFrom(NOW, -400),
    notAfter: daysFrom(NOW, -2),
    issuer: ca,
  });
  app = await issueCertificate({
    cn: 'shop.example',
    notBefore: daysFrom(NOW, -60),
    notAfter: daysFrom(NOW, 20),
    issuer: ca,
  });
  legacy = await issueCertificate({
    cn: 'legacy.example',
    notBefore: daysFrom(NOW, -60),
    notAfter: daysFrom(NOW, 25),
    issuer: ca,
  });
  client = await issueCertificate({
    cn: 'kubernetes-admin',
    org: 'system:masters',
    notBefore: daysFrom(NOW, -10),
    notAfter: daysFrom(NOW, 355),
    issuer: ca,
  });
  // A kubeadm-like control plane: expired API server certificate, the keys beside the certificates.
  write('cluster/pki/ca.crt', ca.pem);
  write('cluster/pki/ca.key', ca.keyPem);
  write('cluster/pki/apiserver.crt', apiserver.pem);
  write('cluster/pki/apiserver.key', apiserver.keyPem);
  // A certificate and its key in one file, as the kubelet writes them.
  write('cluster/kubelet/kubelet-client-current.pem', client.pem + client.keyPem);
  write(
    'cluster/admin.conf',
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: kubernetes',
      '  cluster:',
      '    server: https://10.0.0.1:6443',
      '    certificate-authority: pki/ca.crt',
      'users:',
      '- name: kubernetes-admin',
      '  user:',
      `    client-certificate-data: ${b64(client.pem)}`,
      `    client-key-data: ${b64(client.keyPem)}`,
      'contexts: []',
      '',
    ].join('\n'),
  );
  write(
    'cluster/secrets.yaml',
    [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: { name: 'shop-tls', namespace: 'shop' },
        data: { 'tls.crt': b64(app.pem), 'tls.key': b64(app.keyPem), 'ca.crt': b64(ca.pem) },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: {
          name: 'legacy-tls',
          namespace: 'legacy',
          annotations: {
            'exempt.hindsight.dev/certificate-expiring': 'retired on 2026-06-30; expires=2026-07-01',
          },
        },
        data: { 'tls.crt': b64(legacy.pem) },
      },
    ]
      .map((d) => JSON.stringify(d))
      .join('\n---\n'),
  );
});

/** Every 24-character run of the key's base64: none may appear in any output. */
function keyFragments(...keys: TestCertificate[]): string[] {
  const out: string[] = [];
  for (const k of keys) {
    const body = pemBody(k.keyPem);
    for (let i = 0; i + 24 <= body.length; i += 12) out.push(body.slice(i, i + 24));
    const line = k.keyPem.split('\n')[1] ?? '';
    out.push(line.slice(0, 24));
  }
  return out;
}

test('certs --help documents thresholds, endpoints and formats', async () => {
  const run = await runCli(['certs', '--help']);
  assert.equal(run.code, 0);
  for (const flag of [
    '--warn',
    '--critical',
    '--cliff-window',
    '--expect-validity',
    '--endpoint',
    'prometheusrule',
  ])
    assert.ok(run.stdout.includes(flag), flag);
  const top = await runCli(['--help']);
  assert.match(top.stdout, /certs \[options\] \[paths\.\.\.\]/);
});

// Each row: arguments, and the usage error (exit 2) they must produce.
const USAGE: [args: string[], error: RegExp][] = [
  [['certs', '--warn', 'soon', 'x'], /--warn soon: expected a duration/],
  [['certs', '--warn', '7d', '--critical', '30d', 'x'], /--critical 30d is longer than --warn 7d/],
  [['certs', '--context', 'prod', 'x'], /--context and --namespace apply to live clusters/],
  [['certs', '--endpoint', 'host:99999', 'x'], /--endpoint host:99999: port must be/],
  [['certs', '--report', 'html=out.html', 'x'], /--report html=out\.html: expected FORMAT=FILE/],
  [['certs', '--no-cluster'], /--no-cluster with no paths needs at least one --endpoint/],
  [['certs'], /no kubeconfig/],
];
for (const [args, error] of USAGE) {
  test(`usage error: ${args.slice(1).join(' ')}`, async () => {
    const run = await runCli(args, { env });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, error);
  });
}

test('a kubeadm-like directory: roles, kubeconfig certificates (embedded and referenced), findings, exit codes', async () => {
  const run = await runCli(['certs', '-o', 'json', join(root, 'cluster')], { env });
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  const bySubject = new Map<string, { role: { id: string }; locations: string[]; status: string }>(
    out.certificates.map((c: { subject: string }) => [c.subject, c]),
  );
  assert.equal(bySubject.get('CN=kubernetes')?.role.id, 'cluster-ca');
  // The CA file and the CA admin.conf references are one certificate, found in two places.
  assert.equal(bySubject.get('CN=kubernetes')?.locations.length, 3);
  assert.equal(bySubject.get('CN=kube-apiserver')?.status, 'expired');
  const admin = bySubject.get('CN=kubernetes-admin, O=system:masters');
  assert.equal(admin?.role.id, 'kubelet-client');
  assert.ok(
    admin?.locations.some((l) => l.includes('admin.conf (user kubernetes-admin, client-certificate-data)')),
  );
  assert.equal(out.summary.expired, 1);
  const rules = out.findings.map(
    (f: { rule: string; name: string }) => `${f.rule} ${f.name.split('/').pop()}`,
  );
  assert.ok(rules.includes('certificate-expired apiserver.crt'), rules.join('\n'));
  assert.ok(rules.includes('certificate-expiring shop-tls'));
  // An exemption annotation on the Secret moves its finding aside, as in scan.
  assert.equal(out.exempted.length, 1);
  assert.equal(out.exempted[0].exemption.reason, 'retired on 2026-06-30');

  const failing = await runCli(['certs', '--fail-on', 'critical', join(root, 'cluster')], { env });
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /EXPIRED/);
  assert.match(
    failing.stdout,
    /CRITICAL\s+certificate-expired\s+API server serving certificate "kube-apiserver" expired 2026-05-30/,
  );
  assert.match(failing.stdout, /Renew: kubeadm certs renew apiserver/);
});

test('config turns a check off and exempts by kind and name', async () => {
  const config = write(
    'hindsight.yaml',
    'rules:\n  certificate-expiring: off\nexemptions:\n  - rule: certificate-expired\n    kind: CertificateFile\n    name: "*"\n    reason: lab cluster\n',
  );
  const run = await runCli(['certs', '-o', 'json', '--config', config, join(root, 'cluster')], { env });
  const out = JSON.parse(run.stdout);
  assert.deepEqual(
    out.findings.filter((f: { rule: string }) => f.rule.startsWith('certificate-exp')),
    [],
  );
  assert.ok(out.exempted.some((f: { rule: string }) => f.rule === 'certificate-expired'));
});

test('bad inputs: each is one error naming its source; everything else is still read (exit 3)', async () => {
  write('bad/good.crt', app.pem);
  write(
    'bad/garbage.pem',
    '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
  );
  write('bad/truncated.der', app.der.subarray(0, app.der.length - 30));
  write('bad/not-a-cert.crt', app.keyPem);
  const encrypted = write('explicit/encrypted.pem', encryptedKeyPem(app));
  write('bad/huge.pem', Buffer.alloc(9 * 1024 * 1024, 'A'));
  write(
    'bad/secret.yaml',
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'swapped', namespace: 'shop' },
      data: { 'tls.crt': b64(app.keyPem) },
    }),
  );
  const keyFile = write('explicit/apiserver.key', app.keyPem);
  let p12 = '';
  try {
    write('p12/c.pem', app.pem);
    write('p12/k.pem', app.keyPem);
    execFileSync(
      'openssl',
      ['pkcs12', '-export', '-in', 'c.pem', '-inkey', 'k.pem', '-passout', 'pass:x', '-out', 'bundle.p12'],
      {
        cwd: join(root, 'p12'),
        stdio: 'ignore',
      },
    );
    p12 = join(root, 'p12', 'bundle.p12');
  } catch {
    // openssl missing: the PKCS#12 row is covered by decode-certificates.test.ts's skip.
  }
  const run = await runCli(
    ['certs', '-o', 'json', join(root, 'bad'), keyFile, encrypted, ...(p12 ? [p12] : [])],
    { env },
  );
  assert.equal(run.code, 3, run.stderr);
  const errors = run.stderr.split('\n').filter((l) => l.startsWith('error: '));
  const expected: [string, RegExp][] = [
    ['garbage.pem', /garbage\.pem: certificate 1: not a valid X\.509 certificate/],
    ['truncated.der', /truncated\.der: truncated DER: the header announces/],
    ['not-a-cert.crt', /not-a-cert\.crt: holds a private key, not a certificate/],
    ['encrypted.pem', /encrypted\.pem: holds an encrypted private key/],
    ['huge.pem', /huge\.pem: file is 9 MiB, over the 8 MiB limit/],
    [
      'secret.yaml',
      /secret\.yaml:1: Secret shop\/swapped key tls\.crt: holds a private key, not a certificate/,
    ],
    ['apiserver.key', /explicit\/apiserver\.key: holds a private key/],
  ];
  if (p12) expected.push(['bundle.p12', /bundle\.p12: a PKCS#12 \(\.p12\/\.pfx\) bundle/]);
  for (const [name, pattern] of expected) {
    assert.equal(
      errors.filter((e) => e.includes(name)).length,
      1,
      `one error for ${name}:\n${errors.join('\n')}`,
    );
    assert.ok(
      errors.some((e) => pattern.test(e)),
      `${pattern}\n${errors.join('\n')}`,
    );
  }
  const out = JSON.parse(run.stdout);
  assert.deepEqual(
    out.certificates.map((c: { subject: string }) => c.subject),
    ['CN=shop.example'],
  );
  assert.equal(out.inputs.errors.length, expected.length);
  for (const fragment of keyFragments(app)) assert.ok(!run.stderr.includes(fragment));
});

test('private key material never appears in any output format', async () => {
  const formats = [
    'table',
    'json',
    'yaml',
    'sarif',
    'junit',
    'markdown',
    'timeline',
    'prometheus',
    'prometheusrule',
  ];
  const fragments = keyFragments(ca, apiserver, app, client, legacy);
  const reports = formats.map((f) => `--report=${f}=${join(root, `report.${f}`)}`);
  for (const format of formats) {
    const run = await runCli(
      ['certs', '-o', format, join(root, 'cluster'), ...(format === 'table' ? reports : [])],
      {
        env,
      },
    );
    assert.ok(run.code === 0 || run.code === 3, `${format}: ${run.stderr}`);
    assert.ok(run.stdout.length > 0, format);
    for (const text of [run.stdout, run.stderr]) {
      assert.ok(!/BEGIN [A-Z ]*PRIVATE KEY/.test(text), `${format}: no key armour`);
      for (const fragment of fragments) assert.ok(!text.includes(fragment), `${format}: leaked key bytes`);
    }
  }
  for (const format of formats) {
    const text = readFileSync(join(root, `report.${format}`), 'utf8');
    for (const fragment of fragments)
      assert.ok(!text.includes(fragment), `report ${format}: leaked key bytes`);
  }
});

test('the table shows a timeline by month with control-plane certificates marked', async () => {
  const run = await runCli(['certs', join(root, 'cluster')], { env });
  assert.match(
    run.stdout,
    /^Read 5 files: 5 certificates in 8 places, 0 unreadable \(thresholds: warn 30d, critical 7d\)/,
  );
  assert.match(run.stdout, /Timeline: 5 certificates \(2 control-plane critical\)/);
  assert.match(
    run.stdout,
    /EXPIRED\n {4}!! {3}2026-05-30 +expired 2d ago {2}API server serving certificate "kube-apiserver"/,
  );
  assert.match(
    run.stdout,
    /2026-06\n {9}2026-06-21 +20d {2}TLS Secret "shop\.example" +Secret shop\/shop-tls key tls\.crt\n/,
  );
  assert.match(run.stdout, /2027-05\n {4}! {4}2027-05-22 +355d {2}kubelet client certificate/);
  const full = await runCli(['certs', '-o', 'timeline', join(root, 'cluster')], { env });
  assert.match(full.stdout, /2034-08\n {4}!! {3}2034-08-18 +8\.2y {2}Kubernetes cluster CA "kubernetes"/);
});

test('-o prometheus: x509-certificate-exporter metric and label names, one series set per place', async () => {
  const run = await runCli(['certs', '-o', 'prometheus', join(root, 'cluster')], { env });
  const lines = run.stdout.split('\n');
  for (const metric of [
    'x509_cert_not_after',
    'x509_cert_not_before',
    'x509_cert_expired',
    'x509_cert_expires_in_seconds',
    'x509_cert_valid_since_seconds',
    'x509_read_errors',
  ])
    assert.ok(lines.includes(`# TYPE ${metric} gauge`), metric);
  const secret = lines.find(
    (l) =>
      l.startsWith('x509_cert_not_after{') &&
      l.includes('secret_name="shop-tls"') &&
      l.includes('secret_key="tls.crt"'),
  );
  assert.ok(secret, run.stdout);
  assert.match(secret, /secret_namespace="shop"/);
  assert.match(secret, /subject_CN="shop\.example"/);
  assert.match(secret, /issuer_CN="kubernetes"/);
  assert.match(secret, /filepath=""/);
  assert.match(secret, /serial_number="\d+"/);
  assert.ok(secret.endsWith(` ${Math.floor(daysFrom(NOW, 20).getTime() / 1000)}`));
  const file = lines.find(
    (l) => l.startsWith('x509_cert_expired{') && l.includes('filename="apiserver.crt"'),
  );
  assert.ok(file?.endsWith(' 1'), file);
  const kubeconfig = lines.find(
    (l) => l.startsWith('x509_cert_not_after{') && l.includes('embedded_kind="user"'),
  );
  assert.match(kubeconfig ?? '', /filename="admin\.conf".*embedded_key="kubernetes-admin"/);
  assert.ok(lines.includes('x509_read_errors 0'));
});

test('-o prometheusrule: warning and critical tiers at the given thresholds', async () => {
  const run = await runCli(
    ['certs', '-o', 'prometheusrule', '--warn', '28d', '--critical', '36h', join(root, 'cluster')],
    { env },
  );
  const rule = load(run.stdout) as {
    apiVersion: string;
    kind: string;
    spec: { groups: { rules: { alert: string; expr: string; labels: { severity: string } }[] }[] };
  };
  assert.equal(rule.apiVersion, 'monitoring.coreos.com/v1');
  assert.equal(rule.kind, 'PrometheusRule');
  const rules = new Map(rule.spec.groups[0]?.rules.map((r) => [r.alert, r]));
  assert.equal(
    rules.get('CertificateRenewal')?.expr,
    '(x509_cert_not_after - time()) < (28 * 86400) and (x509_cert_not_after - time()) >= (129600)',
  );
  assert.equal(rules.get('CertificateRenewal')?.labels.severity, 'warning');
  assert.equal(rules.get('CertificateExpiration')?.expr, '(x509_cert_not_after - time()) < (129600)');
  assert.equal(rules.get('CertificateExpiration')?.labels.severity, 'critical');
  assert.ok(rules.has('CertificateNotYetValid'));
});

test('SARIF, JUnit and Markdown carry the certificate findings; stdin works', async () => {
  const sarif = JSON.parse((await runCli(['certs', '-o', 'sarif', join(root, 'cluster')], { env })).stdout);
  assert.equal(sarif.version, '2.1.0');
  const expired = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'certificate-expired');
  assert.match(expired.locations[0].physicalLocation.artifactLocation.uri, /pki\/apiserver\.crt$/);
  const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'certificate-expired');
  assert.match(rule.help.markdown, /## Runbook/);
  const junit = (await runCli(['certs', '-o', 'junit', join(root, 'cluster')], { env })).stdout;
  assert.match(junit, /<testsuite name="certificate-expired" tests="\d+" failures="1"/);
  const markdown = (await runCli(['certs', '-o', 'markdown', join(root, 'cluster')], { env })).stdout;
  assert.match(markdown, /### Certificate timeline/);
  assert.match(
    markdown,
    /\| 2026-05-30 \| expired 2d ago \| API server serving certificate "kube-apiserver" \|/,
  );
  const stdin = await runCli(['certs', '-o', 'json', '-'], {
    env,
    stdin: (async function* () {
      yield Buffer.from(app.pem + app.keyPem);
    })(),
  });
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.equal(JSON.parse(stdin.stdout).certificates[0].subject, 'CN=shop.example');
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});
