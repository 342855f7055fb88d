import assert from 'node:assert/strict';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from 'node:net';
import { after, test } from 'node:test';
import { createServer } from 'node:tls';
import { UsageError } from '../../core/errors.ts';
import { daysFrom, issueCertificate } from '../../testing/test-pki.ts';
import { emptyDiscovery } from './discovery.ts';
import { parseEndpointSpec, probeEndpoint } from './probe-endpoint.ts';

const closers: (() => void)[] = [];
after(() => {
  for (const close of closers) close();
});

// Each row: --endpoint value, then the name it is matched by and where it connects.
const SPECS: [string, string, string, number][] = [
  ['api.example.com:6443', 'api.example.com:6443', 'api.example.com', 6443],
  ['api.example.com', 'api.example.com:443', 'api.example.com', 443],
  ['[::1]:8443', '[::1]:8443', '::1', 8443],
  ['hook.policy.svc:443@127.0.0.1:9443', 'hook.policy.svc:443', '127.0.0.1', 9443],
];
for (const [text, endpoint, connectHost, connectPort] of SPECS) {
  test(`--endpoint ${text}`, () => {
    const spec = parseEndpointSpec(text);
    assert.equal(spec.endpoint, endpoint);
    assert.equal(spec.connectHost, connectHost);
    assert.equal(spec.connectPort, connectPort);
  });
}

test('malformed --endpoint values are usage errors', () => {
  for (const bad of ['', 'host:0', 'host:70000', 'a:b:c', 'host:port'])
    assert.throws(() => parseEndpointSpec(bad), UsageError, bad);
});

test('records the served chain, leaf first, intermediates after', async () => {
  const now = new Date();
  const root = await issueCertificate({
    cn: 'probe-root',
    notBefore: daysFrom(now, -1),
    notAfter: daysFrom(now, 100),
    isCa: true,
  });
  const mid = await issueCertificate({
    cn: 'probe-mid',
    notBefore: daysFrom(now, -1),
    notAfter: daysFrom(now, 100),
    isCa: true,
    issuer: root,
  });
  const leaf = await issueCertificate({
    cn: 'probe-leaf',
    notBefore: daysFrom(now, -1),
    notAfter: daysFrom(now, 50),
    issuer: mid,
    dnsNames: ['localhost'],
  });
  const server = createServer({ key: leaf.keyPem, cert: leaf.pem + mid.pem });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  const into = emptyDiscovery();
  await probeEndpoint(
    parseEndpointSpec(
      `localhost:${(server.address() as AddressInfo).port}@127.0.0.1:${(server.address() as AddressInfo).port}`,
    ),
    { timeoutMs: 3000, purpose: 'endpoint' },
    into,
  );
  assert.deepEqual(into.errors, []);
  assert.deepEqual(
    into.certificates.map((c) => [c.index, c.certificate.subject]),
    [
      [0, 'CN=probe-leaf'],
      [1, 'CN=probe-mid'],
    ],
  );
});

test('a silent port times out, a closed one is refused: one error each, naming tls://host:port', async () => {
  const sockets: Socket[] = [];
  const silent: TcpServer = createTcpServer((socket) => {
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const port = (silent.address() as AddressInfo).port;
  const closed = createTcpServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  const into = emptyDiscovery();
  const started = performance.now();
  await Promise.all([
    probeEndpoint(parseEndpointSpec(`127.0.0.1:${port}`), { timeoutMs: 300, purpose: 'endpoint' }, into),
    probeEndpoint(
      parseEndpointSpec(`127.0.0.1:${closedPort}`),
      { timeoutMs: 300, purpose: 'endpoint' },
      into,
    ),
  ]);
  assert.ok(performance.now() - started < 2000);
  const messages = into.errors.map((e) => `${e.source}: ${e.message}`).sort();
  assert.deepEqual(
    messages,
    [
      `tls://127.0.0.1:${closedPort}: connection refused`,
      `tls://127.0.0.1:${port}: no TLS handshake within 0.3 s`,
    ].sort(),
  );
  assert.deepEqual(into.certificates, []);
});
