/**
 * The kubeconfig resolved to plain data, in this process or in a child (as `serve` does): the
 * same access either way, the same errors, and the credentials each kind of user sends.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { REPO_ROOT } from '../../../testenv/paths.ts';
import { ConfigError } from '../../core/errors.ts';
import { ClusterClient } from './api-client.ts';
import { accessOf, loadClusterAccess, loadClusterAccessIsolated } from './cluster-access.ts';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-access-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { HOME: '/nonexistent-home', PATH: process.env.PATH };

function kubeconfig(name: string, users: Record<string, unknown>[], current = 'a'): string {
  const file = join(dir, `${name}.kubeconfig`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'c', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority': 'certs/ca.crt' } },
      ],
      users,
      contexts: users.map((u) => ({
        name: u.name,
        context: { cluster: 'c', user: u.name, ...(u.name === 'a' ? { namespace: 'shop' } : {}) },
      })),
      'current-context': current,
    }),
  );
  return file;
}

/** A plain HTTP server that records the headers of each request. */
async function recorder(): Promise<{ url: string; seen: IncomingHttpHeaders[]; close: () => void }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => server.close(),
  };
}

test('the child process resolves the same access as this process; files are made absolute', async () => {
  const file = kubeconfig('certs', [
    { name: 'a', user: { 'client-certificate': 'certs/me.crt', 'client-key': '/keys/me.key' } },
    { name: 'b', user: { token: 'b-token', 'as-user-extra': {} } },
  ]);
  const here = await loadClusterAccess({ env, kubeconfig: file });
  const child = await loadClusterAccessIsolated({ env, kubeconfig: file });
  assert.deepEqual(child, here);
  assert.deepEqual(here, {
    context: 'a',
    namespace: 'shop',
    cluster: { name: 'c', server: 'https://10.0.0.1:6443', caFile: join(dir, 'certs/ca.crt') },
    user: { name: 'a', certFile: join(dir, 'certs/me.crt'), keyFile: '/keys/me.key' },
  });
  const b = await loadClusterAccessIsolated({ env, kubeconfig: file, context: 'b' });
  assert.equal(b.context, 'b');
  assert.equal(b.user.token, 'b-token');
  assert.equal(b.namespace, undefined);
});

test('hindsight installed under a folder whose name has a space still finds its resolver', async () => {
  // A copy of the package (code and manifest) under `/…/my tools/`: the child's entry is a path,
  // not a URL, so it must not be percent-encoded.
  const root = join(dir, 'my tools');
  mkdirSync(root);
  cpSync(join(REPO_ROOT, 'src'), join(root, 'src'), { recursive: true });
  cpSync(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  const copy = (await import(pathToFileURL(join(root, 'src/sources/cluster/cluster-access.ts')).href)) as {
    loadClusterAccessIsolated: typeof loadClusterAccessIsolated;
  };
  const file = kubeconfig('spaced', [{ name: 'a', user: { token: 't' } }]);
  const access = await copy.loadClusterAccessIsolated({ env, kubeconfig: file });
  assert.equal(access.user.token, 't');
});

test('a kubeconfig that cannot be used fails the same way in the child process', async () => {
  for (const options of [
    { env, kubeconfig: join(dir, 'missing.kubeconfig') },
    { env, kubeconfig: kubeconfig('ctx', [{ name: 'a', user: { token: 't' } }]), context: 'prod' },
    { env: { HOME: '/nonexistent-home' } },
  ]) {
    const here = await loadClusterAccess(options).catch((error: unknown) => error);
    const child = await loadClusterAccessIsolated(options).catch((error: unknown) => error);
    assert.ok(here instanceof ConfigError, String(here));
    assert.ok(child instanceof ConfigError, String(child));
    assert.equal(child.message, here.message);
  }
  const none = await loadClusterAccessIsolated({ env: { HOME: '/nonexistent-home' } }).catch((e) => e);
  assert.match((none as Error).message, /^no kubeconfig: set KUBECONFIG/);
});

test('in cluster: the service account token file is read, trimmed, and sent as a bearer token', async (t) => {
  const prefix = join(dir, 'pod');
  const secrets = join(prefix, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(secrets, { recursive: true });
  writeFileSync(join(secrets, 'token'), 'sa-token-1\n');
  writeFileSync(join(secrets, 'namespace'), 'hindsight');
  const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
  process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
  process.env.KUBERNETES_SERVICE_PORT = '443';
  t.after(() => {
    for (const [key, value] of [
      ['KUBERNETES_SERVICE_HOST', saved.host],
      ['KUBERNETES_SERVICE_PORT', saved.port],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  const kc = new KubeConfig();
  kc.loadFromCluster(prefix);
  const access = accessOf(kc);
  assert.deepEqual(access.cluster, {
    name: 'inCluster',
    server: 'https://10.96.0.1:443',
    caFile: join(secrets, 'ca.crt'),
  });
  assert.equal(access.user.tokenFile, join(secrets, 'token'));
  assert.equal(access.user.authProvider, undefined);

  const server = await recorder();
  t.after(server.close);
  const client = new ClusterClient({
    ...access,
    cluster: { name: access.cluster.name, server: server.url },
  });
  await client.get('/api');
  client.close();
  assert.equal(server.seen[0]?.authorization, 'Bearer sa-token-1');
});

test('users: basic auth, impersonation, and a static token winning over a token file', async (t) => {
  const server = await recorder();
  t.after(server.close);
  const tokenFile = join(dir, 'rotating-token');
  writeFileSync(tokenFile, 'from-file');
  const cluster = { name: 'c', server: server.url };
  const requests = [
    { name: 'basic', username: 'admin', password: 'pw', impersonateUser: 'jane' },
    { name: 'file', tokenFile },
    { name: 'both', tokenFile, token: 'static' },
  ];
  for (const user of requests) {
    const client = new ClusterClient({ context: user.name, cluster, user });
    await client.get('/api');
    client.close();
  }
  const [basic, file, both] = server.seen;
  assert.equal(basic?.authorization, `Basic ${Buffer.from('admin:pw').toString('base64')}`);
  assert.equal(basic?.['impersonate-user'], 'jane');
  assert.equal(file?.authorization, 'Bearer from-file');
  assert.equal(both?.authorization, 'Bearer static');
});

test('an oidc user keeps its provider, and its id-token is sent through client-node', async (t) => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const idToken = `${part({ alg: 'none' })}.${part({ exp: Math.floor(Date.now() / 1000) + 3600 })}.sig`;
  const file = kubeconfig('oidc', [
    {
      name: 'a',
      user: {
        'auth-provider': {
          name: 'oidc',
          config: { 'id-token': idToken, 'idp-issuer-url': 'https://issuer.invalid', 'client-id': 'k' },
        },
      },
    },
  ]);
  const access = await loadClusterAccessIsolated({ env, kubeconfig: file });
  assert.equal(access.user.authProvider?.name, 'oidc');
  assert.equal(access.user.authProvider?.config['id-token'], idToken);
  const server = await recorder();
  t.after(server.close);
  const client = new ClusterClient({ ...access, cluster: { name: 'c', server: server.url } });
  await client.get('/api');
  client.close();
  assert.equal(server.seen[0]?.authorization, `Bearer ${idToken}`);
});
