import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SourceError } from '../../core/errors.ts';
import { planInputs } from './plan-inputs.ts';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-plan-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const configMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

async function plan(paths: string[]) {
  const report = { errors: [] as SourceError[], notes: [] as string[] };
  const inputs = await planInputs(paths, report);
  return { inputs, ...report };
}

test('charts and kustomizations are single inputs; the walk does not descend into them', async () => {
  const dir = tree({
    'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
    'charts/api/templates/deployment.yaml': 'kind: {{ .Values.kind }}\n',
    'deploy/prod/kustomization.yaml': 'resources: [app.yaml]\n',
    'deploy/prod/app.yaml': configMap('app'),
    'deploy/prod/patch.yaml': configMap('app'),
    'plain/config.yaml': configMap('plain'),
  });
  const { inputs, errors } = await plan([dir]);
  assert.deepEqual(errors, []);
  assert.deepEqual(inputs, [
    { type: 'chart', dir: join(dir, 'charts/api') },
    { type: 'kustomization', dir: join(dir, 'deploy/prod'), file: 'kustomization.yaml' },
    { type: 'file', path: join(dir, 'plain/config.yaml') },
  ]);
});

test('only top kustomizations are built: bases, components and files they use are not inputs', async () => {
  const dir = tree({
    'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
    'base/deployment.yaml': configMap('d'),
    'components/tracing/kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches: [{path: patch.yaml}]\n',
    'overlays/prod/kustomization.yaml':
      'resources:\n  - ../../base\n  - https://github.com/example/repo//deploy?ref=v1\ncomponents: [../../components/tracing]\npatches:\n  - path: ../../shared/replicas.yaml\nconfigMapGenerator:\n  - name: settings\n    files: [app.properties=../../shared/app.properties]\n',
    'overlays/staging/kustomization.yaml': 'bases: [../../base]\n',
    'shared/replicas.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 3\n',
    'shared/app.properties': 'level=info\n',
    'shared/other.yaml': configMap('other'),
  });
  const { inputs, notes } = await plan([dir]);
  assert.deepEqual(inputs, [
    { type: 'kustomization', dir: join(dir, 'overlays/prod'), file: 'kustomization.yaml' },
    { type: 'kustomization', dir: join(dir, 'overlays/staging'), file: 'kustomization.yaml' },
    { type: 'file', path: join(dir, 'shared/other.yaml') },
  ]);
  assert.ok(notes.some((n) => n.startsWith(`${join(dir, 'base')}: kustomization used by`)));
  assert.ok(notes.some((n) => n.includes('kustomize Component')));
  assert.ok(notes.some((n) => n.startsWith(`${join(dir, 'shared/replicas.yaml')}: used by kustomization`)));
});

test('a kustomization another one uses but that is outside the scan is built on its own', async () => {
  const dir = tree({
    'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
    'base/deployment.yaml': configMap('d'),
    'overlays/prod/kustomization.yaml': 'resources: [../../base]\n',
  });
  const { inputs } = await plan([join(dir, 'base')]);
  assert.deepEqual(inputs, [{ type: 'kustomization', dir: join(dir, 'base'), file: 'kustomization.yaml' }]);
});

test('Chart.yaml and kustomization.yaml named as files mean their directories; a missing path is an error', async () => {
  const dir = tree({
    'api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
    'prod/Kustomization': 'resources: []\n',
  });
  const { inputs, errors } = await plan([
    join(dir, 'api/Chart.yaml'),
    join(dir, 'prod/Kustomization'),
    join(dir, 'nope'),
  ]);
  assert.deepEqual(inputs, [
    { type: 'chart', dir: join(dir, 'api') },
    { type: 'kustomization', dir: join(dir, 'prod'), file: 'Kustomization' },
  ]);
  assert.match(errors[0]?.message ?? '', /no such file/);
});
