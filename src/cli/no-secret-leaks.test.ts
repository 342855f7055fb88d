/**
 * No secret value leaves the cluster through hindsight: values planted in Secrets (applied with
 * `kubectl apply`, so last-applied-configuration holds them too), in a ConfigMap holding a
 * private key, in a TLS Secret's key, and in a workload's environment, arguments and annotations
 * are searched for — raw and base64-encoded — in everything every command writes, in every
 * format, on stdout, stderr and report files: snapshot, scan (live and of the snapshot), certs,
 * cost, helm and upgrade. Two revisions of a Helm release carry planted values in their values
 * and rendered Secret, as Helm stores them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { requirePlatform } from '../../testenv/harness.ts';
import { binDir } from '../../testenv/paths.ts';
import { runCli } from '../testing/run-cli.ts';

/** A Helm 3 release revision as Helm's Secrets driver stores it, with `values` as the user's values. */
function helmRevision(
  ns: string,
  revision: number,
  status: string,
  values: Record<string, unknown>,
  manifest: string,
) {
  const record = {
    name: 'vault-app',
    namespace: ns,
    version: revision,
    info: { status, last_deployed: '2026-11-01T00:00:00Z', description: 'Upgrade complete' },
    chart: { metadata: { name: 'vault-app', version: '0.1.0', appVersion: '1.0' } },
    config: values,
    manifest,
  };
  const helmText = gzipSync(Buffer.from(JSON.stringify(record))).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.vault-app.v${revision}`,
      namespace: ns,
      labels: { owner: 'helm', name: 'vault-app', status, version: String(revision) },
    },
    data: { release: Buffer.from(helmText).toString('base64') },
  };
}

function kubectl(kubeconfig: string, args: string[], input?: string): string {
  const run = spawnSync(join(binDir(), 'kubectl'), ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
    timeout: 60_000,
  });
  assert.equal(run.status, 0, `kubectl ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

/** A self-signed certificate and its key, from openssl. */
function tlsPair(dir: string): { cert: string; key: string } {
  const keyFile = join(dir, 'tls.key');
  const certFile = join(dir, 'tls.crt');
  const run = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '20',
      '-subj',
      '/CN=leak-probe.example.com',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

/** Every form a planted value could take in an output: itself, base64, base64 of base64. */
function forms(value: string): string[] {
  const once = Buffer.from(value).toString('base64');
  return [
    value,
    once.replace(/=+$/, ''),
    Buffer.from(once).toString('base64').replace(/=+$/, '').slice(0, 40),
  ];
}

test('no planted secret value appears in any output of any command, in any format', {
  timeout: 600_000,
}, async (t) => {
  const platform = requirePlatform(t, { prometheus: true });
  if (!platform) return;
  const token = randomBytes(9).toString('hex');
  const ns = `leak-probe-${token.slice(0, 6)}`;
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-leaks-'));
  const tls = tlsPair(dir);
  const keyBody = (tls.key.split('\n')[1] ?? '').slice(0, 40);
  const planted = {
    password: `pw-${token}-Secret`,
    apiToken: `tk-${token}-Token`,
    envPassword: `env-${token}-Password`,
    urlPassword: `url-${token}-Password`,
    flagPassword: `flag-${token}-Password`,
    jwt: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ${token}fQ.c2lnbmF0dXJl${token}`,
    configMapKey: `-----BEGIN PRIVATE KEY-----\nMIIE${token}cm\n-----END PRIVATE KEY-----\n`,
  };
  const manifests: Record<string, unknown>[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: ns },
      type: 'Opaque',
      stringData: { password: planted.password, token: planted.apiToken },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'web-tls', namespace: ns },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': Buffer.from(tls.cert).toString('base64'),
        'tls.key': Buffer.from(tls.key).toString('base64'),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'bootstrap', namespace: ns },
      data: { 'server.key': planted.configMapKey, 'app.properties': `db.password=${planted.password}` },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'worker', namespace: ns, annotations: { 'example.com/session': planted.jwt } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'worker' } },
        template: {
          metadata: { labels: { app: 'worker' } },
          spec: {
            containers: [
              {
                name: 'worker',
                image: 'example.com/worker:1.0',
                args: [`--password=${planted.flagPassword}`],
                env: [
                  { name: 'DB_PASSWORD', value: planted.envPassword },
                  { name: 'AMQP_URL', value: `amqp://worker:${planted.urlPassword}@rabbitmq:5672` },
                ],
              },
            ],
          },
        },
      },
    },
  ];
  const rendered = `apiVersion: v1\nkind: Secret\nmetadata: {name: vault-app}\nstringData: {password: ${planted.password}}\n`;
  manifests.push(
    helmRevision(ns, 1, 'superseded', { db: { password: planted.envPassword } }, rendered),
    helmRevision(
      ns,
      2,
      'deployed',
      { db: { password: planted.password }, token: planted.apiToken },
      rendered,
    ) as never,
  );
  kubectl(platform.kubeconfig, ['apply', '-f', '-'], manifests.map((m) => JSON.stringify(m)).join('\n'));
  t.after(() => {
    spawnSync(join(binDir(), 'kubectl'), [
      '--kubeconfig',
      platform.kubeconfig,
      'delete',
      'namespace',
      ns,
      '--wait=false',
    ]);
  });
  // The planted values really are in the cluster, last-applied-configuration included.
  const secret = kubectl(platform.kubeconfig, ['get', 'secret', 'db', '-n', ns, '-o', 'json']);
  assert.match(secret, /last-applied-configuration/);
  assert.ok(secret.includes(Buffer.from(planted.password).toString('base64')));

  const env = {
    HOME: '/nonexistent-home',
    KUBECONFIG: platform.kubeconfig,
    HINDSIGHT_NOW: platform.prometheus?.historyEnd ?? '',
  };
  const outputs: { what: string; text: string }[] = [];
  const record = (what: string, run: { stdout: string; stderr: string }): void => {
    outputs.push(
      { what: `${what} (stdout)`, text: run.stdout },
      { what: `${what} (stderr)`, text: run.stderr },
    );
  };
  const reports = (command: string, formats: string[]): string[] =>
    formats.flatMap((f) => ['--report', `${f}=${join(dir, `${command}.${f}`)}`]);

  const snapshotFile = join(dir, 'snapshot.json');
  const snapshot = await runCli(['snapshot', '-f', snapshotFile], { env });
  assert.equal(snapshot.code, 0, snapshot.stderr);
  record('snapshot -f', snapshot);
  record('snapshot to stdout', await runCli(['snapshot', '-n', ns], { env }));

  const scanFormats = ['json', 'yaml', 'sarif', 'junit', 'markdown'];
  record('scan live', await runCli(['scan', ...reports('scan-live', scanFormats)], { env }));
  record('scan live --helm-releases', await runCli(['scan', '--helm-releases', '-o', 'json'], { env }));
  record(
    'scan snapshot',
    await runCli(['scan', snapshotFile, ...reports('scan-snapshot', scanFormats)], { env }),
  );
  const certFormats = [
    'json',
    'yaml',
    'sarif',
    'junit',
    'markdown',
    'timeline',
    'prometheus',
    'prometheusrule',
  ];
  const certs = await runCli(['certs', ...reports('certs', certFormats)], { env });
  record('certs live', certs);
  // The TLS Secret was read: its certificate is in the report, its key is not.
  assert.match(readFileSync(join(dir, 'certs.json'), 'utf8'), /leak-probe\.example\.com/);
  record(
    'cost live',
    await runCli(
      [
        'cost',
        '--prometheus',
        platform.prometheus?.url ?? '',
        '--end',
        platform.prometheus?.historyEnd ?? '',
        '--no-plan',
        ...reports('cost', ['json', 'markdown', 'html']),
      ],
      { env },
    ),
  );
  record('cost snapshot', await runCli(['cost', snapshotFile, '-o', 'json'], { env }));
  const helm = await runCli(['helm', '-n', ns, '-o', 'json'], { env });
  record('helm live (json)', helm);
  // The release was read, and its values compared: by path only.
  assert.match(helm.stdout, /"valuesChanged": \[\s*"db\.password",\s*"token"\s*\]/);
  record('helm live (table)', await runCli(['helm', '-n', ns], { env }));
  record('upgrade live', await runCli(['upgrade', '--to', '1.36', '--helm-releases', '-o', 'json'], { env }));
  // migrate reads both sides whole (Secrets by name): a live context against the snapshot.
  const live = 'hindsight-testenv';
  record(
    'migrate plan (json)',
    await runCli(['migrate', 'plan', '--from', live, '--to', snapshotFile, '-o', 'json'], { env }),
  );
  record(
    'migrate plan (markdown)',
    await runCli(['migrate', 'plan', '--from', snapshotFile, '--to', live], { env }),
  );
  record(
    'migrate verify',
    await runCli(['migrate', 'verify', '--from', live, '--to', snapshotFile, '-o', 'json'], { env }),
  );
  for (const file of readdirSync(dir)) {
    if (file === 'tls.key' || file === 'tls.crt') continue;
    outputs.push({ what: file, text: readFileSync(join(dir, file), 'utf8') });
  }

  // The snapshot still has what analyses need: the objects, their names, the env var names.
  const snap = readFileSync(snapshotFile, 'utf8');
  assert.match(snap, /"name":"DB_PASSWORD"/);
  assert.match(snap, /"name":"web-tls"/);

  const needles = [
    ...Object.values(planted).flatMap(forms),
    keyBody,
    Buffer.from(tls.key).toString('base64').slice(0, 40),
    'PRIVATE KEY-----',
  ];
  const leaks: string[] = [];
  for (const { what, text } of outputs) {
    for (const needle of needles) if (text.includes(needle)) leaks.push(`${what}: ${needle.slice(0, 30)}…`);
  }
  assert.deepEqual(leaks, [], 'planted secret values found in outputs');
  assert.ok(outputs.length >= 30, `every command and format was checked (${outputs.length} outputs)`);
  writeFileSync(join(dir, 'checked.txt'), outputs.map((o) => o.what).join('\n'));
});
