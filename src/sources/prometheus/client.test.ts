/**
 * The Prometheus client against the dev platform's real Prometheus, and against small local HTTP
 * servers for what a healthy Prometheus never does (refuse connections, answer 503, stall,
 * answer HTML). Servers that answer successfully forward to the real Prometheus: every query
 * result in these tests comes from its query engine.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { requirePlatform } from '../../../testenv/harness.ts';
import { PrometheusQueryError } from '../../core/errors.ts';
import { createPrometheusClient, parseSampleValue } from './client.ts';
import { readUsageHistory } from './usage-history.ts';

const DAY = 86_400_000;

/** A local server; `handle` answers or returns 'forward' to pass the request to Prometheus. */
interface TestServer {
  url: string;
  requests: Array<{ method: string; path: string; body: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

type Handler = (
  req: { method: string; path: string; body: string },
  res: ServerResponse,
) => 'forward' | 'forward-with-warning' | undefined;

const servers: Server[] = [];
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

async function startServer(handle: Handler, upstream?: string, prefix = ''): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? '', path, body, authorization: req.headers.authorization });
      const action = handle({ method: req.method ?? '', path, body }, res);
      if (!action) return;
      if (!upstream) throw new Error('forwarding needs an upstream');
      if (!path.startsWith(prefix)) {
        res.writeHead(404).end('not under the prefix');
        return;
      }
      const target = new URL(path.slice(prefix.length), upstream);
      const headers = { ...req.headers, host: target.host };
      // To edit the answer, ask for it uncompressed.
      if (action === 'forward-with-warning') delete headers['accept-encoding'];
      const up = request(target, { method: req.method, headers }, (upRes) => {
        if (action === 'forward') {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          return;
        }
        const parts: Buffer[] = [];
        upRes.on('data', (c: Buffer) => parts.push(c));
        upRes.on('end', () => {
          // What Thanos or Mimir add to a real answer when a store did not respond.
          const envelope = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
          envelope.warnings = ['partial response: store gateway eu-1 unavailable'];
          res.writeHead(upRes.statusCode ?? 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(envelope));
        });
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port where nothing listens: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

function platform(t: Parameters<typeof requirePlatform>[0]) {
  const state = requirePlatform(t, { prometheus: true });
  if (!state?.prometheus) return undefined;
  return { url: state.prometheus.url, end: new Date(state.prometheus.historyEnd) };
}

describe('parseSampleValue', () => {
  for (const [text, value] of [
    ['1.5', 1.5], // decimal
    ['NaN', Number.NaN], // Prometheus' NaN
    ['+Inf', Number.POSITIVE_INFINITY], // Number('+Inf') would be NaN
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['1e-7', 1e-7], // exponent form
  ] as const) {
    test(`${text} → ${value}`, () => assert.equal(parseSampleValue(text), value));
  }
});

describe('Prometheus client on the real Prometheus', () => {
  test('instant and range queries parse into typed vectors and matrices, counting samples', async (t) => {
    const p = platform(t);
    if (!p) return;
    const client = createPrometheusClient({ url: p.url });
    try {
      const instant = await client.query('count(kube_pod_info) or vector(0)', p.end);
      assert.equal(instant.resultType, 'vector');
      assert.ok((instant.vector[0]?.value ?? 0) > 0, 'pods exist at the end of the history');
      assert.equal(instant.vector[0]?.time, p.end.getTime() / 1000);

      const special = await client.query('vector(0) / 0', p.end);
      assert.ok(Number.isNaN(special.vector[0]?.value));
      const inf = await client.query('1 / 0', p.end);
      assert.equal(inf.resultType, 'scalar');
      assert.equal(inf.vector[0]?.value, Number.POSITIVE_INFINITY);

      const range = await client.queryRange('count(container_memory_working_set_bytes)', {
        start: new Date(p.end.getTime() - 3_600_000),
        end: p.end,
        step: 600,
      });
      assert.equal(range.matrix.length, 1);
      assert.equal(range.matrix[0]?.times.length, 7);
      assert.equal(range.matrix[0]?.times[6], p.end.getTime() / 1000);
      assert.equal(client.stats.queries, 4);
      assert.ok(client.stats.samplesTouched > 0, 'stats=all samples are added up');
      assert.ok(client.stats.bytesReceived > 0);
      assert.ok(client.stats.serverSeconds > 0, 'stats=all execution times are added up');
      assert.deepEqual(client.warnings, []);
    } finally {
      client.close();
    }
  });

  test('a PromQL error fails at once with Prometheus’ text', async (t) => {
    const p = platform(t);
    if (!p) return;
    const { waits, sleep } = recordingSleep();
    const client = createPrometheusClient({ url: p.url, sleep });
    const expr = 'rate(container_cpu_usage_seconds_total[5m';
    await assert.rejects(client.query(expr, p.end), (error: unknown) => {
      assert.ok(error instanceof PrometheusQueryError);
      assert.equal(error.status, 400);
      assert.equal(error.query, expr);
      assert.equal(error.source, p.url);
      assert.match(error.message, /parse error/);
      return true;
    });
    assert.equal(client.stats.retries, 0);
    assert.equal(client.stats.failures, 1);
    assert.deepEqual(waits, []);
    client.close();
  });

  test('Prometheus warnings are surfaced by the client and as history gaps', async (t) => {
    const p = platform(t);
    if (!p) return;
    const server = await startServer(() => 'forward-with-warning', p.url);
    const client = createPrometheusClient({ url: server.url });
    try {
      const result = await client.query('count(kube_pod_info)', p.end);
      assert.ok((result.vector[0]?.value ?? 0) > 0, 'the real answer came through');
      assert.deepEqual(result.warnings, ['partial response: store gateway eu-1 unavailable']);
      const batches = [];
      for await (const b of readUsageHistory(client, {
        start: new Date(p.end.getTime() - DAY),
        end: p.end,
        namespaces: ['kube-system'],
      }))
        batches.push(b);
      assert.ok((batches[0]?.containers.length ?? 0) > 0);
      assert.deepEqual(
        batches[0]?.gaps.map((g) => g.scope),
        ['kube-system'],
      );
      assert.match(batches[0]?.gaps[0]?.message ?? '', /partial response: store gateway eu-1/);
      assert.deepEqual(client.warnings, ['partial response: store gateway eu-1 unavailable']);
    } finally {
      client.close();
    }
  });

  test('a base URL with a path prefix and a bearer token file', async (t) => {
    const p = platform(t);
    if (!p) return;
    const server = await startServer(() => 'forward', p.url, '/prometheus');
    const dir = mkdtempSync(join(tmpdir(), 'hindsight-prom-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'first\n');
    const client = createPrometheusClient({ url: `${server.url}/`, bearerTokenFile: tokenFile });
    try {
      await client.query('vector(1)', p.end);
      // Rotated on disk (projected service-account tokens): the next request reads the new one.
      writeFileSync(tokenFile, 'second\n');
      await client.series(['kube_pod_owner{namespace="kube-system"}'], {
        start: new Date(p.end.getTime() - DAY),
        end: p.end,
      });
      assert.deepEqual(
        server.requests.map((r) => [r.method, r.path.split('?')[0], r.authorization]),
        [
          ['POST', '/prometheus/api/v1/query', 'Bearer first'],
          ['POST', '/prometheus/api/v1/series', 'Bearer second'],
        ],
      );
      assert.match(server.requests[0]?.body ?? '', /stats=all/);
    } finally {
      client.close();
    }
  });

  test('503 then success: the retry gets the real answer', async (t) => {
    const p = platform(t);
    if (!p) return;
    let calls = 0;
    const server = await startServer((_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"status":"error","errorType":"unavailable","error":"too many queries"}');
        return undefined;
      }
      return 'forward';
    }, p.url);
    const { waits, sleep } = recordingSleep();
    const client = createPrometheusClient({ url: server.url, sleep, random: () => 0.5 });
    try {
      const result = await client.query('count(kube_pod_info)', p.end);
      assert.ok((result.vector[0]?.value ?? 0) > 0);
      assert.equal(client.stats.retries, 1);
      assert.equal(client.stats.failures, 0);
      assert.equal(client.stats.queries, 1);
      assert.deepEqual(waits, [250], 'half (jitter 0.5) of the first 500 ms backoff');
    } finally {
      client.close();
    }
  });
});

describe('Prometheus client transport failures', () => {
  test('nothing listens: a clear error after the retries, quickly with an injected sleep', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const { waits, sleep } = recordingSleep();
    const client = createPrometheusClient({ url, retries: 3, sleep, random: () => 1 });
    const started = performance.now();
    await assert.rejects(client.query('up', new Date()), (error: unknown) => {
      assert.ok(error instanceof PrometheusQueryError);
      assert.equal(error.status, undefined);
      assert.match(error.message, new RegExp(`Prometheus at ${url} is unreachable \\(4 tries\\)`));
      assert.match(error.message, /ECONNREFUSED/);
      assert.match(error.message, /--prometheus/);
      return true;
    });
    assert.ok(performance.now() - started < 5000);
    assert.deepEqual(waits, [500, 1000, 2000], 'exponential backoff');
    assert.equal(client.stats.retries, 3);
    assert.equal(client.stats.failures, 1);
    client.close();
  });

  test('readUsageHistory throws when Prometheus is unreachable from the start', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const client = createPrometheusClient({ url, retries: 1, sleep: async () => {} });
    const end = new Date('2026-11-01T00:00:00Z');
    for (const namespaces of [undefined, ['payments']]) {
      const run = async () => {
        for await (const _ of readUsageHistory(client, {
          start: new Date(end.getTime() - DAY),
          end,
          ...(namespaces ? { namespaces } : {}),
        })) {
          // nothing is yielded
        }
      };
      await assert.rejects(run, PrometheusQueryError);
    }
    client.close();
  });

  test('a slow answer times out with the timeout named', async () => {
    const server = await startServer(() => undefined); // never answers
    const { sleep } = recordingSleep();
    const client = createPrometheusClient({ url: server.url, timeoutMs: 200, retries: 1, sleep });
    await assert.rejects(client.query('up', new Date()), (error: unknown) => {
      assert.ok(error instanceof PrometheusQueryError);
      assert.match(error.message, /did not answer within 0\.2 s \(2 tries\)/);
      assert.match(error.message, /--prometheus-timeout/);
      return true;
    });
    assert.equal(server.requests.length, 2);
    assert.equal(client.stats.retries, 1);
    client.close();
  });

  test('invalid JSON is an error naming what came back, not retried', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Grafana login</body></html>');
      return undefined;
    });
    const client = createPrometheusClient({ url: server.url, sleep: async () => {} });
    await assert.rejects(
      client.queryRange('up', { start: new Date(0), end: new Date(60_000), step: 60 }),
      (error: unknown) => {
        assert.ok(error instanceof PrometheusQueryError);
        assert.match(error.message, /did not answer with Prometheus API JSON/);
        assert.match(error.message, /text\/html/);
        assert.match(error.message, /Grafana login/);
        return true;
      },
    );
    assert.equal(server.requests.length, 1);
    assert.equal(client.stats.retries, 0);
    client.close();
  });

  test('a namespace whose queries keep failing becomes a gap; the next namespace goes on', async (t) => {
    const p = platform(t);
    if (!p) return;
    const server = await startServer((req, res) => {
      if (decodeURIComponent(req.body).includes('namespace="payments"')) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"status":"error","errorType":"unavailable","error":"overloaded"}');
        return undefined;
      }
      return 'forward';
    }, p.url);
    const client = createPrometheusClient({ url: server.url, retries: 1, sleep: async () => {} });
    try {
      const batches = [];
      for await (const b of readUsageHistory(client, {
        start: new Date(p.end.getTime() - DAY),
        end: p.end,
        namespaces: ['search', 'payments'],
      }))
        batches.push(b);
      const [payments, search] = batches;
      assert.equal(payments?.namespace, 'payments');
      assert.deepEqual(payments?.containers, []);
      assert.equal(payments?.gaps.length, 1);
      assert.match(payments?.gaps[0]?.message ?? '', /HTTP 503: unavailable: overloaded \(2 tries\)/);
      assert.equal(search?.namespace, 'search');
      assert.ok((search?.containers.length ?? 0) > 0);
      assert.deepEqual(search?.gaps, []);
    } finally {
      client.close();
    }
  });
});
