import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requirePlatform } from '../../../testenv/harness.ts';
import { runCli } from '../../testing/run-cli.ts';

const GOOD = `${JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: {}, items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kept' } }] })}\n`;

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'hindsight-snapshot-'));
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

function kubeconfigFor(dir: string, server: string): string {
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: dead, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: dead, context: {cluster: dead, user: u}}]',
      'current-context: dead',
      '',
    ].join('\n'),
  );
  return file;
}

test('a snapshot against a dead API server leaves the good file as it was and writes nothing', async () => {
  const dir = workdir();
  const file = join(dir, 'prod.json');
  writeFileSync(file, GOOD);
  const kubeconfig = kubeconfigFor(dir, `https://127.0.0.1:${await closedPort()}`);
  const started = Date.now();
  const run = await runCli(['snapshot', '-f', file], {
    env: { HOME: '/nonexistent-home', KUBECONFIG: kubeconfig },
  });
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /127\.0\.0\.1/);
  assert.match(run.stderr, /nothing was read from the cluster; .*prod\.json was not written/);
  assert.equal(readFileSync(file, 'utf8'), GOOD);
  assert.deepEqual(readdirSync(dir).sort(), ['kubeconfig', 'prod.json']);
  assert.ok(Date.now() - started < 30_000);
});

test('a complete snapshot is marked complete; a partial one never replaces a good file', async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const dir = workdir();
  const file = join(dir, 'prod.json');
  const run = await runCli(['snapshot', '-f', file], {
    env: { HOME: '/nonexistent-home', KUBECONFIG: platform.kubeconfig },
  });
  assert.equal(run.code, 0, run.stderr);
  const list = JSON.parse(readFileSync(file, 'utf8')) as {
    items: unknown[];
    metadata: { annotations: Record<string, string> };
  };
  assert.equal(list.metadata.annotations['snapshot.hindsight.dev/complete'], 'true');
  assert.equal(list.metadata.annotations['snapshot.hindsight.dev/objects'], String(list.items.length));
  const scan = await runCli(['scan', '-o', 'json', file], { env: { HOME: '/nonexistent-home' } });
  assert.notEqual(scan.code, 3, scan.stderr);

  // A user who may list nothing but namespaces gets a partial snapshot: beside the good file.
  writeFileSync(file, GOOD);
  const { issueClientCertificate } = await import('../../../testenv/pki.ts');
  const { writeKubeconfig } = await import('../../../testenv/platform.ts');
  const user = `nobody-${process.pid}`;
  const cert = issueClientCertificate(platform.pki.dir, user, user);
  const limited = join(dir, 'limited.kubeconfig');
  writeKubeconfig(limited, platform.server, platform.pki.caCert, { name: user, ...cert });
  const partial = await runCli(['snapshot', '-f', file], {
    env: { HOME: '/nonexistent-home', KUBECONFIG: limited },
  });
  assert.equal(partial.code, 3, partial.stderr);
  assert.equal(readFileSync(file, 'utf8'), GOOD, 'the good snapshot is kept');
  // Nothing at all could be listed: nothing is written, not even beside it.
  if (/nothing was read/.test(partial.stderr)) {
    assert.deepEqual(readdirSync(dir).sort(), ['limited.kubeconfig', 'prod.json']);
  } else {
    const beside = JSON.parse(readFileSync(join(dir, 'prod.partial.json'), 'utf8')) as {
      metadata: { annotations: Record<string, string> };
    };
    assert.equal(beside.metadata.annotations['snapshot.hindsight.dev/complete'], 'false');
  }
});

test('a snapshot killed mid-run leaves the good file as it was, and no half-written file in sight', async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const dir = workdir();
  const file = join(dir, 'prod.json');
  const bin = fileURLToPath(new URL('../bin.ts', import.meta.url));
  // Killed once it has started reading, before it could finish: a small cluster is read in well
  // under a second, so shorter and shorter delays until one lands mid-run.
  let killedMidRun = false;
  for (const delay of [1200, 800, 500, 300, 150, 80]) {
    writeFileSync(file, GOOD);
    const child = spawn(process.execPath, [bin, 'snapshot', '-f', file], {
      env: { HOME: '/nonexistent-home', KUBECONFIG: platform.kubeconfig, PATH: process.env.PATH ?? '' },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (child.exitCode !== null) {
      await exited;
      continue; // finished first (and may have written a complete snapshot): try sooner
    }
    child.kill('SIGKILL');
    const signal = await exited;
    const text = readFileSync(file, 'utf8');
    if (signal !== 'SIGKILL' || text !== GOOD) {
      // It finished on its own just before the kill, or the kill landed after the complete
      // snapshot was in place (a loaded machine): a changed file must be whole and marked
      // complete; then try sooner.
      if (text !== GOOD) {
        const written = JSON.parse(text) as { metadata: { annotations?: Record<string, string> } };
        assert.equal(written.metadata.annotations?.['snapshot.hindsight.dev/complete'], 'true');
      }
      continue;
    }
    killedMidRun = true;
    assert.deepEqual(
      readdirSync(dir).filter((f) => !f.startsWith('.')),
      ['prod.json'],
    );
    t.diagnostic(`killed ${delay} ms after start`);
    break;
  }
  assert.ok(killedMidRun, 'every snapshot finished before it could be killed');
});
