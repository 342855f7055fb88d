/**
 * The four limits of one exchange, each against a local server that breaks it: one that accepts
 * and says nothing, one that stalls mid-body, one that drips, one that never stops, and a gzip
 * bomb. Each test asserts which limit fired, with its value, and how soon.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  boundedRequest,
  type RequestFailure,
  RequestLimitError,
  type RequestLimits,
} from './bounded-request.ts';

const closers: (() => void)[] = [];
after(() => {
  for (const close of closers) close();
});

const LIMITS: RequestLimits = {
  connectTimeoutMs: 5000,
  idleTimeoutMs: 5000,
  deadlineMs: 5000,
  maxBodyBytes: 1 << 20,
};

async function httpServer(handle: (res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer((_req, res) => handle(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Accepts TCP connections and never says a word. */
async function silentServer(): Promise<number> {
  const sockets: Socket[] = [];
  const server = createTcpServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

async function failure(url: string, limits: Partial<RequestLimits> & { decompress?: boolean }) {
  const started = performance.now();
  const request = boundedRequest(new URL(url), { method: 'GET' }, { ...LIMITS, ...limits });
  const error = await request.response.then(
    () => assert.fail('the exchange should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RequestLimitError, String(error));
  return {
    failure: error.failure as RequestFailure,
    message: error.message,
    ms: performance.now() - started,
  };
}

test('a server that accepts TCP and never answers TLS: the connect limit fires, naming the handshake', async () => {
  const port = await silentServer();
  const { failure: f, message, ms } = await failure(`https://127.0.0.1:${port}/`, { connectTimeoutMs: 300 });
  assert.deepEqual(f, { kind: 'connect-timeout', limitMs: 300, phase: 'tls' });
  assert.equal(message, 'no TLS handshake within 0.3 s (connect timeout)');
  assert.ok(ms < 2000, `${ms} ms`);
});

test('plain HTTP to the same silence: the idle limit fires while waiting for the headers', async () => {
  const port = await silentServer();
  const { failure: f, ms } = await failure(`http://127.0.0.1:${port}/`, { idleTimeoutMs: 300 });
  assert.deepEqual(f, { kind: 'idle-timeout', limitMs: 300, phase: 'headers' });
  assert.ok(ms < 2000, `${ms} ms`);
});

test('an answer that stalls mid-body: the idle limit fires, naming the body', async () => {
  const url = await httpServer((res) => {
    res.writeHead(200);
    res.write('{"items":[');
  });
  const { failure: f } = await failure(url, { idleTimeoutMs: 300 });
  assert.deepEqual(f, { kind: 'idle-timeout', limitMs: 300, phase: 'body' });
});

test('a drip-feeding server never goes idle, and the deadline ends it', async () => {
  const url = await httpServer((res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write(' '), 50);
    res.on('close', () => clearInterval(timer));
  });
  const { failure: f, ms } = await failure(url, { idleTimeoutMs: 300, deadlineMs: 700 });
  assert.deepEqual(f, { kind: 'deadline', limitMs: 700 });
  assert.ok(ms >= 650 && ms < 2500, `${ms} ms`);
});

test('an endless answer is cut at the cap, without waiting for its end', async () => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const url = await httpServer((res) => {
    res.writeHead(200);
    const pump = (): void => {
      while (res.write(chunk)) {
        // fill the socket
      }
    };
    res.on('drain', pump);
    pump();
  });
  const { failure: f, message } = await failure(url, { maxBodyBytes: 4 << 20 });
  assert.deepEqual(f, { kind: 'too-large', limitBytes: 4 << 20 });
  assert.equal(message, 'the answer exceeded 4 MiB; stopped reading it');
});

test('a gzip bomb is measured decompressed: a few KiB on the wire, past a 1 MiB cap inflated', async () => {
  const bomb = gzipSync(Buffer.alloc(16 << 20));
  assert.ok(bomb.length < 64 * 1024);
  const url = await httpServer((res) => {
    res.writeHead(200, { 'content-encoding': 'gzip' });
    res.end(bomb);
  });
  const { failure: f } = await failure(url, { maxBodyBytes: 1 << 20, decompress: true });
  assert.deepEqual(f, { kind: 'too-large', limitBytes: 1 << 20 });
});

test('a good answer comes back whole, decompressed; abort() ends one in flight with its reason', async () => {
  const url = await httpServer((res) => {
    res.writeHead(200, { 'content-encoding': 'gzip' });
    res.end(gzipSync('{"ok":true}'));
  });
  const ok = await boundedRequest(new URL(url), { method: 'GET' }, { ...LIMITS, decompress: true }).response;
  assert.equal(ok.status, 200);
  assert.equal(ok.body.toString(), '{"ok":true}');

  const port = await silentServer();
  const request = boundedRequest(new URL(`http://127.0.0.1:${port}/`), { method: 'GET' }, LIMITS);
  const reason = new Error('the server is gone');
  request.abort(reason);
  await assert.rejects(request.response, (error: unknown) => {
    assert.ok(error instanceof RequestLimitError);
    assert.deepEqual(error.failure, { kind: 'aborted', reason });
    return true;
  });
});
