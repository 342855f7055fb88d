/**
 * The Prometheus client's limits against servers that break them: an answer that never ends
 * (cut at the size cap, memory bounded, not retried), one that stalls mid-body (idle limit), a
 * Prometheus that answers only after a long delay (the call's deadline across its tries), and
 * `hindsight cost` end to end against the endless and the slow one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from '../../../testenv/paths.ts';
import { PrometheusQueryError } from '../../core/errors.ts';
import { runCli } from '../../testing/run-cli.ts';
import { endlessServer, slowServer } from '../../testing/test-servers.ts';
import { createPrometheusClient } from './client.ts';

const closers: (() => void)[] = [];
after(() => {
  for (const close of closers) close();
});

const SNAPSHOT = join(REPO_ROOT, 'examples', 'snapshot', 'cluster-snapshot.json');
/** What a Prometheus gone wrong might stream: a label-values answer that never closes. */
const ENDLESS = ['{"status":"success","data":[', '"payments-7d9f8b6c5d-x2x9z",'] as const;

test('an endless answer fails at the size cap, once (not retried), without reading on', async () => {
  const server = await endlessServer(...ENDLESS);
  closers.push(server.close);
  const client = createPrometheusClient({
    url: `http://127.0.0.1:${server.port}`,
    maxResponseBytes: 4 * 1024 * 1024,
    sleep: async () => {},
  });
  await assert.rejects(
    client.labelValues('namespace', ['up'], { start: new Date(0), end: new Date() }),
    (e: unknown) => {
      assert.ok(e instanceof PrometheusQueryError);
      assert.match(
        e.message,
        /^Prometheus at http:\/\/127\.0\.0\.1:\d+: the answer to GET \/api\/v1\/label\/namespace\/values exceeded 4 MiB; stopped reading it; raise --prometheus-max-response-size/,
      );
      return true;
    },
  );
  assert.equal(client.stats.retries, 0);
  client.close();
});

test('an answer that stalls mid-body: the idle limit, retried like a timeout', async () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"status":"success","data":{"resultType":"vector","result":[');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  const client = createPrometheusClient({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    idleTimeoutMs: 200,
    retries: 1,
    sleep: async () => {},
  });
  await assert.rejects(
    client.query('up', new Date()),
    /did not answer within 60 s \(2 tries\): POST \/api\/v1\/query: the answer stalled, no byte for 0\.2 s \(idle timeout\)/,
  );
  assert.equal(requests, 2);
  client.close();
});

test('a slow Prometheus: the call deadline ends the tries, whatever is left of the retries', async () => {
  const server = await slowServer(30_000, '{"status":"success","data":[]}');
  closers.push(server.close);
  const client = createPrometheusClient({
    url: `http://127.0.0.1:${server.port}`,
    timeoutMs: 300,
    totalTimeoutMs: 700,
    retries: 5,
    sleep: async () => {},
    random: () => 0,
  });
  const started = performance.now();
  await assert.rejects(client.query('up', new Date()), (e: unknown) => {
    assert.ok(e instanceof PrometheusQueryError);
    assert.match(e.message, /did not answer within the 0\.7 s deadline of one query \(3 tries\)/);
    return true;
  });
  const ms = performance.now() - started;
  assert.ok(ms >= 690 && ms < 1500, `${ms} ms`);
  assert.equal(server.requests(), 3);
  client.close();
});

/** Runs the CLI in a child process and reads its peak RSS (KiB) as the child itself reports it. */
async function runMeasured(
  argv: string[],
): Promise<{ code: number | null; stderr: string; seconds: number; peakMiB: number }> {
  const report = `process.on('exit', () => process.stderr.write('peak-rss-kib=' + process.resourceUsage().maxRSS + '\\n'));`;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      `--import=data:text/javascript,${encodeURIComponent(report)}`,
      join(REPO_ROOT, 'src', 'cli', 'bin.ts'),
      ...argv,
    ],
    { env: { PATH: process.env.PATH, HOME: '/nonexistent-home' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(killer);
  const kib = Number(/peak-rss-kib=(\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  return { code, stderr, seconds: (performance.now() - started) / 1000, peakMiB: kib / 1024 };
}

test('cost against an endless "Prometheus", default limits: exit 3 at the 128 MiB cap, peak memory bounded', async (t) => {
  const server = await endlessServer(...ENDLESS);
  closers.push(server.close);
  const run = await runMeasured([
    'cost',
    SNAPSHOT,
    '-o',
    'json',
    '--no-plan',
    '--prometheus',
    `http://127.0.0.1:${server.port}`,
  ]);
  assert.equal(run.code, 3, run.stderr);
  assert.match(
    run.stderr,
    /error: http:\/\/127\.0\.0\.1:\d+: Prometheus at .* exceeded 128 MiB; stopped reading it/,
  );
  assert.ok(run.peakMiB < 400, `peak RSS ${run.peakMiB} MiB`);
  t.diagnostic(
    `endless Prometheus: ${run.seconds.toFixed(1)} s, peak RSS ${run.peakMiB.toFixed(0)} MiB, ${(server.bytesSent() / 2 ** 20).toFixed(0)} MiB sent`,
  );
});

test('cost against a Prometheus that answers after 30 s: ends at --prometheus-timeout, exit 3, saying so', async () => {
  const server = await slowServer(30_000, '{"status":"success","data":[]}');
  closers.push(server.close);
  const url = `http://127.0.0.1:${server.port}`;
  const started = performance.now();
  const run = await runCli(
    ['cost', SNAPSHOT, '-o', 'json', '--no-plan', '--prometheus', url, '--prometheus-timeout', '2s'],
    {
      env: { HOME: '/nonexistent-home' },
    },
  );
  const seconds = (performance.now() - started) / 1000;
  assert.equal(run.code, 3, run.stderr);
  assert.ok(seconds < 5, `${seconds} s`);
  assert.match(
    run.stderr,
    /error: http:\/\/127\.0\.0\.1:\d+: Prometheus at .* did not answer within the 2 s deadline of one query \(1 try\): GET \/api\/v1\/label\/namespace\/values was still waiting; check --prometheus or raise --prometheus-timeout/,
  );
  assert.equal(server.requests(), 1, 'a query that timed out is not retried');
});
