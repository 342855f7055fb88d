import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { KubeObject } from '../../core/resource.ts';
import { decodeHelmRevision, type HelmRevision } from '../../sources/helm-releases/storage.ts';
import { analyzeHelmReleases, changedValuePaths } from './releases.ts';

const NOW = new Date('2026-12-03T12:00:00Z');
const options = { now: NOW, targetVersion: '1.35', stuckAfterMs: 15 * 60_000 };

function revision(r: Partial<HelmRevision> & { revision: number; status: string }): HelmRevision {
  return {
    name: 'web',
    namespace: 'shop',
    chart: { name: 'web', version: '1.2.0', appVersion: '2.1', deprecated: false },
    lastDeployed: '2026-12-03T10:00:00Z',
    config: {},
    manifest: '',
    storage: { kind: 'Secret', namespace: 'shop', name: `sh.helm.release.v1.web.v${r.revision}` },
    ...r,
  };
}

test('value paths that changed, never the values', () => {
  assert.deepEqual(
    changedValuePaths(
      { image: { tag: '1.0', repo: 'r' }, password: 'a', replicas: 2 },
      { image: { tag: '1.1', repo: 'r' }, password: 'b', extra: true, replicas: 2 },
    ),
    ['extra', 'image.tag', 'password'],
  );
  assert.deepEqual(changedValuePaths({ a: [1] }, { a: [1] }), []);
});

test('a pending revision past the limit holds the lock: stuck, with the rollback to the deployed revision', () => {
  const report = analyzeHelmReleases(
    [
      revision({ revision: 1, status: 'superseded' }),
      revision({ revision: 2, status: 'deployed', config: { tag: 'b' } }),
      revision({ revision: 3, status: 'pending-upgrade', lastDeployed: '2026-12-03T11:00:00Z' }),
    ],
    [],
    options,
  );
  const [web] = report.releases;
  assert.equal(web?.deployedRevision, 2);
  assert.equal(web?.revision, 3);
  assert.deepEqual(web?.valuesChanged, ['tag']);
  assert.equal(web?.problems[0]?.id, 'release-stuck-pending');
  assert.match(web?.problems[0]?.message ?? '', /pending-upgrade for 60 min/);
  assert.match(web?.problems[0]?.message ?? '', /helm rollback web 2 -n shop/);
  // Younger than the limit: a helm may still be working on it.
  const young = analyzeHelmReleases(
    [revision({ revision: 1, status: 'pending-install', lastDeployed: '2026-12-03T11:55:00Z' })],
    [],
    options,
  );
  assert.deepEqual(young.releases[0]?.problems, []);
});

test('a failed upgrade says what Helm said and which revision still runs', () => {
  const report = analyzeHelmReleases(
    [
      revision({ revision: 1, status: 'deployed' }),
      revision({ revision: 2, status: 'failed', description: 'Upgrade "web" failed: timed out waiting' }),
    ],
    [],
    options,
  );
  const problem = report.releases[0]?.problems[0];
  assert.equal(problem?.id, 'release-failed');
  assert.equal(problem?.severity, 'medium');
  assert.match(problem?.message ?? '', /timed out waiting; the cluster still runs revision 1/);
});

test('APIs the target release removed, in the deployed manifest only, and a deprecated chart', () => {
  const manifest = [
    'apiVersion: resource.k8s.io/v1beta1\nkind: DeviceClass\nmetadata: {name: gpu}',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}',
  ].join('\n---\n');
  const revisions = [
    revision({
      revision: 1,
      status: 'deployed',
      manifest,
      chart: { name: 'web', version: '1.2.0', deprecated: true },
    }),
  ];
  const at138 = analyzeHelmReleases(revisions, [], { ...options, targetVersion: '1.38' });
  assert.deepEqual(
    at138.releases[0]?.problems.map((p) => p.id),
    ['release-api-removed', 'release-chart-deprecated'],
  );
  assert.match(
    at138.releases[0]?.problems[0]?.message ?? '',
    /resource\.k8s\.io\/v1beta1 DeviceClass .*gpu; removed in 1\.38/,
  );
  const at135 = analyzeHelmReleases(revisions, [], options);
  assert.deepEqual(
    at135.releases[0]?.problems.map((p) => p.id),
    ['release-api-deprecated', 'release-chart-deprecated'],
  );
});

test('the Flux HelmRelease that owns a release: by its status, or by helm-controller’s defaults', () => {
  const hr = (name: string, spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject =>
    ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name, namespace: 'flux-system' },
      spec,
      ...(status ? { status } : {}),
    }) as KubeObject;
  const stored = (name: string, namespace: string) =>
    revision({
      revision: 1,
      status: 'deployed',
      name,
      storage: { kind: 'Secret', namespace, name: `sh.helm.release.v1.${name}.v1` },
    });
  const report = analyzeHelmReleases(
    [stored('shop-web', 'flux-system'), stored('api', 'payments'), stored('loose', 'shop')],
    [
      hr('web', { targetNamespace: 'shop' }),
      hr(
        'api',
        { suspend: true },
        {
          storageNamespace: 'payments',
          history: [{ name: 'api' }],
          conditions: [{ type: 'Ready', status: 'False', message: 'install retries exhausted' }],
        },
      ),
    ],
    options,
  );
  const owners = Object.fromEntries(report.releases.map((r) => [r.name, r.owner]));
  assert.deepEqual(owners['shop-web'], { namespace: 'flux-system', name: 'web', suspended: false });
  assert.deepEqual(owners.api, {
    namespace: 'flux-system',
    name: 'api',
    ready: 'False',
    message: 'install retries exhausted',
    suspended: true,
  });
  assert.equal(owners.loose, undefined);
});

test('both storage drivers decode: a Secret (base64 twice) and a ConfigMap (once)', () => {
  const record = {
    name: 'web',
    namespace: 'shop',
    version: 4,
    info: { status: 'deployed', last_deployed: '2026-12-01T00:00:00Z', description: 'Upgrade complete' },
    chart: { metadata: { name: 'web', version: '1.2.0', appVersion: '2.1', deprecated: true } },
    config: { tag: 'x' },
    manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
  };
  const helmText = gzipSync(Buffer.from(JSON.stringify(record))).toString('base64');
  const labels = { owner: 'helm', name: 'web', status: 'deployed', version: '4' };
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: { name: 'sh.helm.release.v1.web.v4', namespace: 'shop', labels },
    data: { release: Buffer.from(helmText).toString('base64') },
  } as unknown as KubeObject;
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'sh.helm.release.v1.web.v4', namespace: 'shop', labels },
    data: { release: helmText },
  } as unknown as KubeObject;
  for (const object of [secret, configMap]) {
    const decoded = decodeHelmRevision(object);
    assert.equal(decoded.revision, 4);
    assert.deepEqual(decoded.chart, { name: 'web', version: '1.2.0', appVersion: '2.1', deprecated: true });
    assert.deepEqual(decoded.config, { tag: 'x' });
    assert.equal(decoded.storage.kind, object.kind);
  }
  assert.throws(
    () => decodeHelmRevision({ ...secret, data: {} } as unknown as KubeObject),
    /no data\.release/,
  );
});
