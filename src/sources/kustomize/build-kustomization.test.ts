import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireBinaries } from '../../../testenv/binaries.ts';
import { fileTree } from '../../testing/file-tree.ts';
import { runCli } from '../../testing/run-cli.ts';
import { loadManifests } from '../manifests/load-manifests.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const shop = join(fixtures, 'shop');
const prod = join(shop, 'overlays', 'prod');

test('an overlay with a base and a strategic-merge patch: each object once, the patch never an object', async (t) => {
  const bin = requireBinaries(t, ['kubectl']);
  if (!bin) return;
  const before = fileTree(shop);
  const result = await loadManifests([prod], { env: { PATH: bin, HOME: tmpdir() } });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.objects
      .map((o) => `${o.object.kind} ${o.object.metadata.namespace}/${o.object.metadata.name}`)
      .sort(),
    ['Deployment shop-prod/cart', 'Service shop-prod/cart'],
  );
  assert.ok(!result.objects.some((o) => o.origin.source.endsWith('cart-capacity.yaml')));
  const deployment = result.objects.find((o) => o.object.kind === 'Deployment');
  // The patch is applied to the base object ...
  const spec = deployment?.object.spec as { replicas: number; template: { spec: { hostNetwork?: boolean } } };
  assert.equal(spec.replicas, 4);
  assert.equal(spec.template.spec.hostNetwork, true);
  // ... which is placed in the base's resource file, at its line; the build note says how it was made.
  assert.deepEqual(deployment?.origin, {
    source: join(shop, 'base', 'deployment.yaml'),
    rendered: `kubectl kustomize ${prod}`,
    document: 0,
    line: 1,
  });
  // The origin annotation hindsight asked kustomize for is gone again.
  assert.equal(deployment?.object.metadata.annotations, undefined);
  assert.deepEqual(fileTree(shop), before);
});

test('a directory walk builds only the top kustomizations: a shared base once per overlay, never alone', async (t) => {
  const bin = requireBinaries(t, ['kubectl']);
  if (!bin) return;
  const result = await loadManifests([shop], { env: { PATH: bin, HOME: tmpdir() } });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.objects
      .map((o) => `${o.object.kind} ${o.object.metadata.namespace}/${o.object.metadata.name}`)
      .sort(),
    [
      'Deployment shop-prod/cart',
      'Deployment shop-staging/cart-staging',
      'Service shop-prod/cart',
      'Service shop-staging/cart-staging',
    ],
  );
  assert.deepEqual(result.rendered, { charts: 0, kustomizations: 2 });
  // Two overlays of one base are alternatives: each is an environment of its own.
  assert.deepEqual([...new Set(result.objects.map((o) => o.origin.environment))].sort(), [
    join(shop, 'overlays', 'prod'),
    join(shop, 'overlays', 'staging'),
  ]);
  assert.ok(
    result.notes.some((n) => /overlays of the same base, each scanned as its own environment/.test(n)),
  );
  assert.ok(
    result.notes.some(
      (n) => n.startsWith(join(shop, 'base')) && /built through them, not on its own/.test(n),
    ),
    result.notes.join('\n'),
  );
});

test('scan of an overlay: findings point at the base file; exit 1 with --fail-on', async (t) => {
  const bin = requireBinaries(t, ['kubectl']);
  if (!bin) return;
  const env = { PATH: bin, HOME: tmpdir(), HINDSIGHT_NOW: '2026-11-12T10:00:00Z' };
  const run = await runCli(['scan', '-o', 'json', '--fail-on', 'high', prod], { env });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.inputs.objects, 2);
  const hostNetwork = report.findings.find((f: { rule: string }) => f.rule === 'pod-host-namespaces');
  assert.equal(hostNetwork.file, join(shop, 'base', 'deployment.yaml'));
  assert.equal(hostNetwork.rendered, `kubectl kustomize ${prod}`);
  assert.equal(typeof hostNetwork.line, 'number');
});

test('a kustomization that does not build is an error naming its directory', async (t) => {
  const bin = requireBinaries(t, ['kubectl']);
  if (!bin) return;
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-kustomize-test-'));
  writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - missing.yaml\n');
  writeFileSync(
    join(dir, 'ok.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  namespace: shop\ndata: {a: b}\n',
  );
  const result = await loadManifests([dir], { env: { PATH: bin, HOME: tmpdir() } });
  assert.equal(result.objects.length, 0);
  assert.equal(result.errors[0]?.source, dir);
  assert.match(result.errors[0]?.message ?? '', /kubectl kustomize failed: .*missing\.yaml/s);
  // Alone in the scan, nothing was read: that is exit 2, never a clean 100/100.
  const run = await runCli(['scan', dir], { env: { PATH: bin, HOME: tmpdir() } });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /nothing to scan/);
});

test('a kustomization file given by name builds its directory', async (t) => {
  const bin = requireBinaries(t, ['kubectl']);
  if (!bin) return;
  const result = await loadManifests([join(prod, 'kustomization.yaml')], {
    env: { PATH: bin, HOME: tmpdir() },
  });
  assert.deepEqual(result.errors, []);
  assert.equal(result.objects.length, 2);
});

test('without kubectl or kustomize on PATH: exit 2 and how to install or build by hand', async () => {
  const run = await runCli(['scan', prod], { env: { HOME: tmpdir(), PATH: '/nonexistent' } });
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /is a kustomization and neither kubectl nor kustomize is on PATH: install kubectl/,
  );
  assert.match(run.stderr, /kubectl kustomize DIR \| hindsight scan -/);
});

test('Flux Kustomization and HelmRelease objects are read as objects, even in a kustomization.yaml', async () => {
  // No kubectl needed: nothing here is built.
  const result = await loadManifests([join(fixtures, 'flux')], { env: { PATH: '/nonexistent' } });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(
    result.objects.map((o) => `${o.object.apiVersion} ${o.object.kind} ${o.object.metadata.name}`),
    [
      'kustomize.toolkit.fluxcd.io/v1 Kustomization shop',
      'helm.toolkit.fluxcd.io/v2 HelmRelease api',
      'kustomize.toolkit.fluxcd.io/v1 Kustomization infra',
    ],
  );
  assert.equal(result.rendered, undefined);
});

test('fix without kubectl leaves kustomizations alone: nothing is edited, and it says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-kustomize-fix-'));
  cpSync(shop, join(dir, 'shop'), { recursive: true });
  const before = fileTree(dir);
  const run = await runCli(['fix', join(dir, 'shop')], { env: { HOME: tmpdir(), PATH: '/nonexistent' } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /overlays\/prod: kustomization, left alone/);
  assert.deepEqual(fileTree(dir), before);
});
