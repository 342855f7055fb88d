import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadManifests } from './load-manifests.ts';

function workdir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-manifests-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const deployment = (name: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  replicas: 2\n`;

test('multi-document YAML gives every object with its file and line', async () => {
  const dir = workdir({ 'app.yaml': `# comment\n${deployment('a')}---\n${deployment('b')}` });
  const result = await loadManifests([dir]);
  assert.equal(result.errors.length, 0);
  assert.deepEqual(
    result.objects.map((o) => [o.object.metadata.name, o.origin.line]),
    [
      ['a', 2],
      ['b', 10],
    ],
  );
  assert.equal(result.objects[0]?.origin.source, join(dir, 'app.yaml'));
});

test('Lists are flattened; typed lists from the raw API get their items kind', async () => {
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }],
  };
  const podList = {
    apiVersion: 'v1',
    kind: 'PodList',
    items: [{ metadata: { name: 'p', namespace: 'shop' } }],
  };
  const dir = workdir({ 'snap.json': JSON.stringify(list), 'pods.json': JSON.stringify(podList) });
  const result = await loadManifests([dir]);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.objects.map((o) => `${o.object.apiVersion}/${o.object.kind}/${o.object.metadata.name}`).sort(),
    ['v1/Namespace/shop', 'v1/Pod/p'],
  );
});

test('each bad input is one error naming its file, and the good files are still read', async () => {
  const dir = workdir({
    'good.yaml': deployment('good'),
    'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n',
    'binary.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
    'empty.yaml': '',
    'wrong-types.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels:\n    tier: [a, b]\n',
    'scalar.yaml': '"just a string"\n',
    'no-name.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n',
    'metadata-string.json': '{"apiVersion":"v1","kind":"Pod","metadata":"oops"}',
    'bad.json': '{"apiVersion": "v1", ',
  });
  const result = await loadManifests([dir]);
  assert.deepEqual(
    result.objects.map((o) => o.object.metadata.name),
    ['good'],
  );
  const bySource = new Map(result.errors.map((e) => [e.source.slice(dir.length + 1), e.message]));
  assert.match(bySource.get('broken.yaml') ?? '', /line \d+: invalid YAML/);
  assert.match(bySource.get('binary.yaml') ?? '', /binary file/);
  assert.match(bySource.get('empty.yaml') ?? '', /empty file/);
  assert.match(bySource.get('wrong-types.yaml') ?? '', /metadata\.labels\.tier must be a string/);
  assert.match(bySource.get('scalar.yaml') ?? '', /not a Kubernetes object/);
  assert.match(bySource.get('no-name.yaml') ?? '', /metadata\.name is missing/);
  assert.match(bySource.get('metadata-string.json') ?? '', /metadata must be a mapping/);
  assert.match(bySource.get('bad.json') ?? '', /invalid JSON/);
  assert.equal(result.errors.length, 8);
});

test('a file over the size limit is refused by name, unread', async () => {
  const dir = workdir({ 'huge.yaml': `${deployment('x')}#${'x'.repeat(4096)}\n` });
  const result = await loadManifests([dir], { maxFileBytes: 1024 });
  assert.equal(result.objects.length, 0);
  assert.match(result.errors[0]?.message ?? '', /over the 1 KiB limit/);
});

test('a missing path and an empty directory are reported, not fatal', async () => {
  const dir = workdir({ 'ok.yaml': deployment('ok') });
  mkdirSync(join(dir, 'empty'));
  const result = await loadManifests([join(dir, 'nope.yaml'), dir]);
  assert.equal(result.objects.length, 1);
  assert.match(result.errors[0]?.message ?? '', /no such file/);
  assert.ok(result.notes.some((n) => n.includes('empty') && n.includes('no .yaml')));
});

test('documents that are not Kubernetes objects (values files) are noted, not errors', async () => {
  const dir = workdir({ 'values.yaml': 'replicaCount: 3\nimage: {tag: 1.2}\n' });
  const result = await loadManifests([dir]);
  assert.equal(result.errors.length, 0);
  assert.equal(result.objects.length, 0);
  assert.match(result.notes[0] ?? '', /without apiVersion and kind/);
});

test('an alertmanager.yaml is read as an AlertmanagerConfiguration named by its file, fields kept for paths', async () => {
  const dir = workdir({
    'monitoring/alertmanager.yaml': 'route:\n  receiver: a\nreceivers:\n  - name: a\n',
    'values.yaml': 'route: {}\n',
  });
  const result = await loadManifests([dir]);
  assert.equal(result.errors.length, 0);
  assert.deepEqual(
    result.objects.map((o) => [
      o.object.apiVersion,
      o.object.kind,
      o.object.metadata.name,
      o.object.route,
      o.origin.line,
    ]),
    [['hindsight.dev/v1', 'AlertmanagerConfiguration', 'alertmanager', { receiver: 'a' }, 1]],
  );
  // route without receivers is not a configuration
  assert.match(
    result.notes.join('\n'),
    /values\.yaml: line 1: skipped a document without apiVersion and kind/,
  );
});

test("a Secret's alertmanager.yaml (data or stringData) is read beside the Secret; other Secrets are not", async () => {
  const config = 'route:\n  receiver: a\nreceivers:\n  - name: a\n';
  const secret = (name: string, field: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: monitoring\n${field}\n`;
  const dir = workdir({
    'secrets.yaml': [
      secret('alertmanager-main', `data:\n  alertmanager.yaml: ${Buffer.from(config).toString('base64')}`),
      secret(
        'alertmanager-b',
        `stringData:\n  alertmanager.yaml: |\n    ${config.replaceAll('\n', '\n    ')}`,
      ),
      secret('other', 'data:\n  password: aHVudGVyMg=='),
      secret('alertmanager-bad', 'stringData:\n  alertmanager.yaml: "just text"'),
    ].join('---\n'),
  });
  const result = await loadManifests([dir]);
  assert.equal(result.errors.length, 0);
  assert.deepEqual(
    result.objects
      .filter((o) => o.object.kind === 'AlertmanagerConfiguration')
      .map((o) => [o.object.metadata.namespace, o.object.metadata.name, o.origin.line]),
    [
      ['monitoring', 'alertmanager-main', 1],
      ['monitoring', 'alertmanager-b', 9],
    ],
  );
  assert.match(
    result.notes.join('\n'),
    /Secret alertmanager-bad: alertmanager\.yaml is not an Alertmanager configuration/,
  );
});

test('Helm chart templates are never read as manifests: passed over whole when not rendered', async () => {
  const dir = workdir({
    'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
    'chart/values.yaml': 'replicaCount: 1\n',
    'chart/templates/deployment.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n',
  });
  // Rendering needs helm (src/sources/helm tests it); `fix` passes charts over.
  const result = await loadManifests([dir], { renderedInputs: 'skip' });
  assert.equal(result.errors.length, 0);
  assert.deepEqual(result.notes, [
    `${join(dir, 'chart')}: Helm chart, left alone: change its templates or values by hand`,
  ]);
  assert.deepEqual(result.rendered, { charts: 1, kustomizations: 0 });
});

test('unknown kinds are read like any other object', async () => {
  const dir = workdir({
    'crd.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: x\n',
  });
  const result = await loadManifests([dir]);
  assert.equal(result.objects[0]?.object.kind, 'Widget');
});

test('stdin is read for -', async () => {
  const stdin = (async function* () {
    yield Buffer.from(deployment('from-stdin'));
  })();
  const result = await loadManifests(['-'], { stdin });
  assert.equal(result.objects[0]?.object.metadata.name, 'from-stdin');
  assert.equal(result.objects[0]?.origin.source, '-');
});
