/**
 * Benchmark: `hindsight certs` against a live cluster holding 10,000 TLS Secrets, next to
 * `kubectl get secrets -A -o json` listing the same Secrets: wall time and peak RSS of each
 * (from /usr/bin/time -v), as a Markdown table.
 *
 *   node bench/certs.ts [--name certs-bench] [--secrets 10000] [--runs 1] [--dist]
 *
 * Needs a running platform, e.g. `node testenv/cli.ts up --name certs-bench --no-fixture`. The
 * Secrets (real certificates from 20 CAs, expiries spread over two years, the first few already
 * expired) go into the namespace `certs-bench`; an existing one is reused. --dist runs the
 * built CLI (dist/cli/bin.js) instead of the TypeScript sources.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { daysFrom, issueCertificate, type TestCertificate } from '../src/testing/test-pki.ts';
import { forEachConcurrent, platformClient } from '../testenv/apply.ts';
import { binDir, REPO_ROOT } from '../testenv/paths.ts';
import { readPlatformState } from '../testenv/platform.ts';

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'certs-bench' },
    secrets: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '1' },
    dist: { type: 'boolean', default: false },
  },
});
const state = readPlatformState(values.name);
if (!state)
  throw new Error(
    `no platform named ${values.name}; start one with: node testenv/cli.ts up --name ${values.name} --no-fixture`,
  );
const NAMESPACE = 'certs-bench';
const total = Number(values.secrets);
const log = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

const api = platformClient(state, 32);

async function countSecrets(): Promise<number> {
  let count = 0;
  let cont = '';
  do {
    const page = await api.json<{ items: unknown[]; metadata: { continue?: string } }>(
      'GET',
      `/api/v1/namespaces/${NAMESPACE}/secrets?limit=500&fieldSelector=type%3Dkubernetes.io%2Ftls${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
    );
    count += page.items.length;
    cont = page.metadata.continue ?? '';
  } while (cont);
  return count;
}

async function createSecrets(): Promise<void> {
  const ns = await api.send('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NAMESPACE },
  });
  if (ns.status !== 201 && ns.status !== 409) throw new Error(`namespace: HTTP ${ns.status}: ${ns.body}`);
  const existing = await countSecrets();
  if (existing >= total) {
    log(`${existing} TLS Secrets already in ${NAMESPACE}; reusing them`);
    return;
  }
  const now = new Date();
  const t0 = performance.now();
  const cas: TestCertificate[] = [];
  for (let i = 0; i < 20; i++)
    cas.push(
      await issueCertificate({
        cn: `bench-ca-${i}`,
        notBefore: daysFrom(now, -400),
        notAfter: daysFrom(now, 3650),
        isCa: true,
      }),
    );
  // One key pair for every leaf: signing is what costs per certificate, not key generation.
  const keys = (await issueCertificate({ cn: 'key-donor', notBefore: now, notAfter: daysFrom(now, 1) })).keys;
  const keyPem = (
    await issueCertificate({ cn: 'key-donor', notBefore: now, notAfter: daysFrom(now, 1), keys })
  ).keyPem;
  const indices = Array.from({ length: total }, (_, i) => i);
  let created = 0;
  await forEachConcurrent(indices, 32, async (i) => {
    const ca = cas[i % cas.length] as TestCertificate;
    const leaf = await issueCertificate({
      cn: `app-${i}.bench.example`,
      notBefore: daysFrom(now, -30),
      // Spread over two years; the first 1% already expired.
      notAfter: daysFrom(now, Math.floor((i * 730) / total) - Math.floor(total / 100 / 10)),
      issuer: ca,
      dnsNames: [`app-${i}.bench.example`],
      keys,
    });
    const res = await api.send('POST', `/api/v1/namespaces/${NAMESPACE}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: `app-${i}-tls`, namespace: NAMESPACE },
      data: {
        'tls.crt': Buffer.from(leaf.pem).toString('base64'),
        'tls.key': Buffer.from(keyPem).toString('base64'),
        'ca.crt': Buffer.from(ca.pem).toString('base64'),
      },
    });
    if (res.status !== 201 && res.status !== 409)
      throw new Error(`secret ${i}: HTTP ${res.status}: ${res.body}`);
    created++;
    if (created % 1000 === 0) log(`${created}/${total} Secrets`);
  });
  log(`created ${total} TLS Secrets in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
}

interface Measured {
  seconds: number;
  rssMiB: number;
  stdout: string;
}

function timed(command: string, args: string[]): Measured {
  const t0 = performance.now();
  const run = spawnSync('/usr/bin/time', ['-v', command, ...args], {
    env: { ...process.env, KUBECONFIG: state?.kubeconfig, NO_COLOR: '1' },
    maxBuffer: 4 * 1024 * 1024 * 1024,
  });
  const seconds = (performance.now() - t0) / 1000;
  const stderr = run.stderr.toString();
  if (run.status !== 0 && run.status !== 1 && run.status !== 3)
    throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${stderr.slice(-1500)}`);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
  return { seconds, rssMiB: rss, stdout: run.stdout.toString() };
}

await createSecrets();
api.close();
const cli = values.dist ? join(REPO_ROOT, 'dist', 'cli', 'bin.js') : join(REPO_ROOT, 'src', 'cli', 'bin.ts');
const rows: string[] = [];
for (let run = 1; run <= Number(values.runs); run++) {
  const kubectl = timed(join(binDir(), 'kubectl'), ['get', 'secrets', '-A', '-o', 'json']);
  const listed = (JSON.parse(kubectl.stdout) as { items: unknown[] }).items.length;
  rows.push(
    `| ${run} | kubectl get secrets -A -o json | ${listed} Secrets | ${kubectl.seconds.toFixed(2)} | ${kubectl.rssMiB.toFixed(0)} |`,
  );
  for (const format of ['json', 'table', 'prometheus']) {
    const hindsight = timed(process.execPath, [cli, 'certs', '-o', format]);
    const certificates =
      format === 'json'
        ? `${(JSON.parse(hindsight.stdout) as { certificates: unknown[] }).certificates.length} certificates`
        : format === 'prometheus'
          ? `${hindsight.stdout.split('\n').filter((l) => l.startsWith('x509_cert_not_after{')).length} series`
          : `${hindsight.stdout.split('\n').length} lines`;
    rows.push(
      `| ${run} | hindsight certs -o ${format} | ${certificates} | ${hindsight.seconds.toFixed(2)} | ${hindsight.rssMiB.toFixed(0)} |`,
    );
  }
}
process.stdout.write(
  [
    `### hindsight certs on a live cluster with ${total} TLS Secrets (platform ${values.name}, ${values.dist ? 'dist' : 'TypeScript sources'}, Node ${process.version})`,
    '',
    '| run | command | output | wall s | peak RSS MiB |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
