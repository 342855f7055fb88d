import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { daysFrom, issueCertificate, type TestCertificate } from '../../testing/test-pki.ts';
import { describeLocation } from './discovery.ts';
import { readCertificatePaths } from './read-certificate-paths.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
let root: string;
let ca: TestCertificate;
let leaf: TestCertificate;

function write(path: string, content: string): string {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  return full;
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'hindsight-paths-'));
  ca = await issueCertificate({
    cn: 'kubernetes',
    notBefore: daysFrom(NOW, -1),
    notAfter: daysFrom(NOW, 3650),
    isCa: true,
  });
  leaf = await issueCertificate({
    cn: 'kube-apiserver',
    notBefore: daysFrom(NOW, -1),
    notAfter: daysFrom(NOW, 365),
    issuer: ca,
  });
});

test('a kubeadm /etc/kubernetes: certificates and kubeconfigs read, keys never opened, static pods passed over', async () => {
  write('etc/kubernetes/pki/ca.crt', ca.pem);
  write('etc/kubernetes/pki/ca.key', 'not even a key: a walk must not open it');
  write('etc/kubernetes/pki/apiserver.crt', leaf.pem);
  write('etc/kubernetes/pki/sa.pub', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
  write('etc/kubernetes/pki/sa.key', 'nope');
  write(
    'etc/kubernetes/scheduler.conf',
    `apiVersion: v1\nkind: Config\nclusters:\n- name: k\n  cluster:\n    certificate-authority-data: ${Buffer.from(ca.pem).toString('base64')}\nusers:\n- name: s\n  user:\n    client-certificate-data: ${Buffer.from(leaf.pem).toString('base64')}\n    client-key-data: c2VjcmV0\n`,
  );
  write(
    'etc/kubernetes/manifests/kube-apiserver.yaml',
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\n',
  );
  const found = await readCertificatePaths([join(root, 'etc', 'kubernetes')]);
  assert.deepEqual(found.errors.map(String), []);
  assert.deepEqual(found.notes, []);
  assert.deepEqual(found.certificates.map((c) => describeLocation(c.location).replace(root, '')).sort(), [
    '/etc/kubernetes/pki/apiserver.crt',
    '/etc/kubernetes/pki/ca.crt',
    '/etc/kubernetes/scheduler.conf (cluster k, certificate-authority-data)',
    '/etc/kubernetes/scheduler.conf (user s, client-certificate-data)',
  ]);
});

test('a kubeconfig that references a missing file, a dangling symlink and a directory loop', async () => {
  write(
    'broken/admin.conf',
    'apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster:\n    certificate-authority: missing/ca.crt\n',
  );
  symlinkSync(join(root, 'broken', 'gone.pem'), join(root, 'broken', 'kubelet-client-current.pem'));
  symlinkSync(join(root, 'broken'), join(root, 'broken', 'loop'));
  const found = await readCertificatePaths([join(root, 'broken')]);
  const errors = found.errors
    .map((e) => `${e.source.replace(root, '')}: ${e.message.replace(root, '')}`)
    .sort();
  assert.deepEqual(errors, [
    '/broken/admin.conf: cluster prod certificate-authority /broken/missing/ca.crt: no such file',
    '/broken/kubelet-client-current.pem: no such file or directory',
  ]);
});

test('snapshots: typed lists fill in their items kind; Secrets give their certificates with the key they sit in', async () => {
  const file = write(
    'snap/secrets.json',
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'SecretList',
      items: [
        {
          metadata: { name: 'web', namespace: 'shop' },
          type: 'kubernetes.io/tls',
          data: { 'tls.crt': Buffer.from(leaf.pem + ca.pem).toString('base64'), 'tls.key': 'c2VjcmV0' },
        },
      ],
    }),
  );
  const found = await readCertificatePaths([file]);
  assert.deepEqual(found.errors.map(String), []);
  assert.deepEqual(
    found.certificates.map((c) => [describeLocation(c.location), c.index, c.count]),
    [
      ['Secret shop/web key tls.crt', 0, 2],
      ['Secret shop/web key tls.crt', 1, 2],
    ],
  );
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});
