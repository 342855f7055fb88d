import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { requirePlatform } from '../../../testenv/harness.ts';
import type { KubeObject } from '../../core/resource.ts';
import { runCli } from '../../testing/run-cli.ts';
import { decodeHelmRelease, expandHelmReleases } from './decode-release.ts';

const MANIFEST = `---
# Source: api/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.0.0
          securityContext: {runAsUser: 0}
---
# Source: api/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  ports: [{port: 80}]
`;

/** A release Secret exactly as Helm 3 writes it: JSON, gzipped, base64, then the Secret's own base64. */
function releaseSecret(
  namespace: string,
  name: string,
  revision: number,
  status: string,
  manifest: string,
): KubeObject {
  const release = {
    name,
    namespace,
    version: revision,
    info: { status },
    chart: { metadata: { name: 'api', version: '1.4.2' } },
    manifest,
  };
  const helmEncoded = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.${name}.v${revision}`,
      namespace,
      labels: { owner: 'helm', name, status, version: String(revision) },
    },
    data: { release: Buffer.from(helmEncoded).toString('base64') },
  };
}

test('a Helm 3 release Secret decodes to its rendered manifest', () => {
  const release = decodeHelmRelease(releaseSecret('shop', 'api', 3, 'deployed', MANIFEST));
  assert.equal(release.name, 'api');
  assert.equal(release.revision, 3);
  assert.equal(release.chart, 'api-1.4.2');
  assert.equal(release.manifest, MANIFEST);
});

test('only the newest deployed revision of each release is expanded, namespaced to the release', () => {
  const { objects, errors, releases } = expandHelmReleases([
    releaseSecret('shop', 'api', 1, 'superseded', MANIFEST),
    releaseSecret('shop', 'api', 2, 'deployed', MANIFEST),
    releaseSecret('shop', 'api', 3, 'failed', 'garbage: ['),
  ]);
  assert.deepEqual(errors, []);
  assert.deepEqual(
    releases.map((r) => r.revision),
    [2],
  );
  assert.deepEqual(
    objects.map((o) => `${o.object.kind}/${o.object.metadata.namespace}/${o.object.metadata.name}`),
    ['Deployment/shop/api', 'Service/shop/api'],
  );
  assert.equal(objects[0]?.origin.source, 'helm release shop/api revision 2');
});

test('a corrupt release is one error naming the Secret', () => {
  const bad = releaseSecret('shop', 'broken', 1, 'deployed', MANIFEST);
  (bad as unknown as { data: Record<string, string> }).data.release =
    Buffer.from('not base64 gzip json').toString('base64');
  const { errors, objects } = expandHelmReleases([
    bad,
    releaseSecret('shop', 'api', 1, 'deployed', MANIFEST),
  ]);
  assert.equal(objects.length, 2);
  assert.match(String(errors[0]?.source), /Secret shop\/sh\.helm\.release\.v1\.broken\.v1/);
});

test('scan --helm-releases reads what Helm deployed from the live cluster', async (t) => {
  const platform = requirePlatform(t);
  if (!platform) return;
  const kc = new KubeConfig();
  kc.loadFromFile(platform.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = `helm-${process.pid}`;
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const secret = releaseSecret(namespace, 'api', 1, 'deployed', MANIFEST);
  await core.createNamespacedSecret({ namespace, body: secret as never });
  const run = await runCli(['scan', '--helm-releases', '-o', 'json', '-n', namespace], {
    env: { KUBECONFIG: platform.kubeconfig, HINDSIGHT_NOW: '2026-11-12T10:00:00Z' },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /read 1 Helm releases: .*\/api \(api-1\.4\.2, revision 1\)/);
  const report = JSON.parse(run.stdout);
  assert.ok(
    report.findings.some(
      (f: { rule: string; name: string }) => f.rule === 'container-runs-as-root' && f.name === 'api',
    ),
  );
  await core.deleteNamespace({ name: namespace });
});
