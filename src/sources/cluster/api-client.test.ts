/**
 * Every request to an API server is bounded, and a server that fails to answer ends the whole
 * run at once (the client is a circuit breaker): against a server that accepts TCP and never
 * speaks, a port where nothing listens, and plain HTTP servers that stall or answer too much.
 * The first test runs with the default limits: it is the proof that a dead server cannot hold
 * scan, snapshot or certs for long.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { runCli } from '../../testing/run-cli.ts';
import { writeTestKubeconfig } from '../../testing/test-kubeconfig.ts';
import { closedPort, silentServer } from '../../testing/test-servers.ts';
import { ClusterClient, ClusterUnavailableError } from './api-client.ts';
import { accessOf } from './cluster-access.ts';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-api-client-'));
const closers: (() => void)[] = [() => rmSync(dir, { recursive: true, force: true })];
after(() => {
  for (const close of closers) close();
});

async function timed(argv: string[], kubeconfig: string) {
  const started = performance.now();
  const run = await runCli(argv, { env: { HOME: '/nonexistent-home', KUBECONFIG: kubeconfig } });
  const errors = run.stderr.split('\n').filter((line) => line.startsWith('error: '));
  return { ...run, errors, seconds: (performance.now() - started) / 1000 };
}

function clientFor(
  server: string,
  options: ConstructorParameters<typeof ClusterClient>[1],
  breaker = true,
): ClusterClient {
  const kc = new KubeConfig();
  kc.loadFromFile(writeTestKubeconfig(dir, `client-${Math.random().toString(36).slice(2)}`, { server }));
  return new ClusterClient(accessOf(kc), options, breaker);
}

test('an API server that accepts TCP and never answers: scan, snapshot and certs end in one timeout each, with defaults', async (t) => {
  const silent = await silentServer();
  closers.push(silent.close);
  const host = `127.0.0.1:${silent.port}`;
  const kubeconfig = writeTestKubeconfig(dir, 'silent', { server: `https://${host}` });
  const [scan, snapshot, certs] = await Promise.all([
    timed(['scan', '-o', 'json'], kubeconfig),
    timed(['snapshot'], kubeconfig),
    timed(['certs', '-o', 'json'], kubeconfig),
  ]);
  for (const [name, run] of [
    ['scan', scan],
    ['snapshot', snapshot],
  ] as const) {
    assert.equal(run.code, 3, `${name}: ${run.stderr}`);
    assert.ok(run.seconds < 30, `${name} took ${run.seconds} s`);
    // One reason, not one timeout per kind.
    assert.deepEqual(
      run.errors,
      [
        `error: test (https://${host}): the API server at ${host} accepted the connection but did not complete the TLS handshake within 10 s (connect timeout): it is frozen or overloaded; no further requests were sent`,
      ],
      name,
    );
  }
  assert.equal(certs.code, 3, certs.stderr);
  assert.ok(certs.seconds < 30, `certs took ${certs.seconds} s`);
  assert.deepEqual(certs.errors, [
    `error: test (https://${host}): cannot reach the API server: no TLS handshake within 5 s (certs --timeout); nothing was listed`,
  ]);
  t.diagnostic(
    `silent API server, default limits: scan ${scan.seconds.toFixed(1)} s, snapshot ${snapshot.seconds.toFixed(1)} s, certs ${certs.seconds.toFixed(1)} s`,
  );
});

test('a stopped API server (connection refused): every command says so at once', async () => {
  const port = await closedPort();
  const kubeconfig = writeTestKubeconfig(dir, 'refused', { server: `https://127.0.0.1:${port}` });
  const runs = await Promise.all([
    timed(['scan'], kubeconfig),
    timed(['snapshot'], kubeconfig),
    timed(['certs'], kubeconfig),
    timed(['certs', '--no-api-server'], kubeconfig),
    timed(['scan', '--helm-releases'], kubeconfig),
  ]);
  for (const run of runs) {
    assert.equal(run.code, 3, run.stderr);
    assert.ok(run.seconds < 5, `${run.seconds} s`);
    assert.equal(run.errors.length, 1, run.stderr);
    assert.match(
      run.errors[0] ?? '',
      new RegExp(`^error: test \\(https://127\\.0\\.0\\.1:${port}\\): .*connection refused`),
    );
  }
  assert.match(runs[0]?.errors[0] ?? '', /connection refused by 127\.0\.0\.1:\d+: is the API server running/);
});

test('the circuit breaker: the first failure fails every request in flight and every later one, with the same error', async () => {
  const silent = await silentServer();
  closers.push(silent.close);
  const client = clientFor(`http://127.0.0.1:${silent.port}`, { idleTimeoutMs: 300 });
  const started = performance.now();
  const outcomes = await Promise.allSettled(
    ['/api', '/apis', '/api/v1/pods', '/api/v1/nodes', '/apis/apps/v1/deployments'].map((p) => client.get(p)),
  );
  const reasons = outcomes.map((o) => (o.status === 'rejected' ? o.reason : undefined));
  assert.ok(reasons[0] instanceof ClusterUnavailableError, String(reasons[0]));
  for (const reason of reasons) assert.equal(reason, reasons[0], 'one error instance for all');
  assert.match(
    (reasons[0] as Error).message,
    /the API server sent nothing for 0\.3 s \(idle timeout\) after GET \//,
  );
  assert.ok(performance.now() - started < 2000);
  const later = performance.now();
  await assert.rejects(client.get('/api/v1/services'), (e: unknown) => e === reasons[0]);
  assert.ok(performance.now() - later < 50, 'later requests fail without waiting');
  client.close();
});

test('without the breaker (serve): a server that was down and comes back is read again', async () => {
  const port = await closedPort();
  const client = clientFor(`http://127.0.0.1:${port}`, {}, false);
  await assert.rejects(client.get('/api'), ClusterUnavailableError);
  // The server starts on that port: the next request reaches it.
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const answer = await client.get('/api');
  assert.equal(answer.status, 200);
  client.close();
});

test('an answer over the size cap fails that request only; --request-timeout is the total deadline', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/big') res.end('x'.repeat(64 * 1024));
    else if (req.url === '/drip') {
      res.writeHead(200);
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    } else res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  const server_ = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = clientFor(server_, { maxResponseBytes: 16 * 1024, requestTimeoutMs: 500 });
  await assert.rejects(client.get('/big'), (e: unknown) => {
    assert.ok(!(e instanceof ClusterUnavailableError));
    assert.match((e as Error).message, /the answer to GET \/big exceeded 16 KiB; stopped reading it/);
    return true;
  });
  assert.deepEqual(await client.get('/small'), { status: 200, body: '{"ok":true}' });
  await assert.rejects(
    client.get('/drip'),
    /GET \/drip did not complete within 0\.5 s \(--request-timeout\)/,
  );
  client.close();
});

test('a keep-alive socket the server closed as it was reused is retried once on a new connection, not a dead server', async () => {
  const served = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    // The second request on a connection meets a server that has just closed it.
    if (n === 2) req.socket.destroy();
    else res.end(`{"path":"${req.url}"}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  const client = clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {});
  assert.equal((await client.get('/a')).body, '{"path":"/a"}');
  assert.equal((await client.get('/b')).body, '{"path":"/b"}', 'sent again on a new connection');
  assert.equal((await client.get('/c')).body, '{"path":"/c"}', 'the breaker did not trip');
  client.close();
});
