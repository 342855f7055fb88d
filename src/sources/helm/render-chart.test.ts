import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireBinaries } from '../../../testenv/binaries.ts';
import { runCli } from '../../testing/run-cli.ts';
import { loadManifests } from '../manifests/load-manifests.ts';
import { environmentName, expandValuesMatrix } from './values-matrix.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const api = join(fixtures, 'api');

/** The tools' environment: testenv's bin directory only, and a HOME of its own for Helm's caches. */
function toolEnv(bin: string): NodeJS.ProcessEnv {
  return {
    PATH: bin,
    HOME: mkdtempSync(join(tmpdir(), 'hindsight-helm-home-')),
    HINDSIGHT_NOW: '2026-11-12T10:00:00Z',
  };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hindsight-helm-test-'));
}

test('a chart root renders with helm: its objects, each placed in its template file', async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  const result = await loadManifests([api], { env: toolEnv(bin) });
  assert.deepEqual(result.errors, []);
  // `helm test` hooks never run in production: the test Pod is not scanned.
  assert.deepEqual(
    result.objects.map((o) => `${o.object.kind} ${o.object.metadata.name} ${o.origin.source}`).sort(),
    [
      `Deployment api ${join(api, 'templates/deployment.yaml')}`,
      `PodDisruptionBudget api ${join(api, 'templates/pdb.yaml')}`,
      `Service api ${join(api, 'templates/service.yaml')}`,
    ],
  );
  assert.deepEqual(result.rendered, { charts: 1, kustomizations: 0 });
  for (const { origin } of result.objects) {
    assert.equal(origin.rendered, `helm template api ${api}`);
    // Template files are not YAML: no line to point at, and nothing `fix` may edit.
    assert.equal(origin.line, undefined);
  }
});

test('values, --set, release name and namespace reach helm template', async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  const result = await loadManifests([api], {
    env: toolEnv(bin),
    helm: {
      valuesFiles: [join(api, 'values-prod.yaml')],
      set: ['image.tag=2.4.2'],
      releaseName: 'orders',
      namespace: 'shop',
      kubeVersion: '1.35.0',
    },
  });
  assert.deepEqual(result.errors, []);
  const deployment = result.objects.find((o) => o.object.kind === 'Deployment');
  assert.equal(deployment?.object.metadata.name, 'orders');
  // Namespaced objects land in the release namespace, as `helm install -n shop` would put them.
  assert.ok(result.objects.every((o) => o.object.metadata.namespace === 'shop'));
  const spec = deployment?.object.spec as {
    replicas: number;
    template: { spec: { containers: { image: string; securityContext: { privileged: boolean } }[] } };
  };
  assert.equal(spec.replicas, 3);
  assert.equal(spec.template.spec.containers[0]?.image, 'registry.example.com/orders-api:2.4.2');
  assert.equal(spec.template.spec.containers[0]?.securityContext.privileged, true);
  assert.equal(
    deployment?.origin.rendered,
    `helm template orders ${api} -f ${join(api, 'values-prod.yaml')} --set image.tag=2.4.2 --namespace shop --kube-version 1.35.0`,
  );
});

test('scan of a chart: findings point at templates/*.yaml, and --fail-on fails', async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  const run = await runCli(
    ['scan', '-o', 'json', '--fail-on', 'high', '-f', join(api, 'values-prod.yaml'), api],
    {
      env: toolEnv(bin),
    },
  );
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.inputs.objects, 3);
  const privileged = report.findings.find((f: { rule: string }) => f.rule === 'container-privileged');
  assert.equal(privileged.file, join(api, 'templates/deployment.yaml'));
  assert.match(privileged.rendered, /^helm template api /);
  // The line in the template: the container's securityContext (its fields come from a helper).
  assert.equal(privileged.line, 35);
  const sarif = await runCli(['scan', '-o', 'sarif', '-f', join(api, 'values-prod.yaml'), api], {
    env: toolEnv(bin),
  });
  const results = JSON.parse(sarif.stdout).runs[0].results as {
    ruleId: string;
    locations: { physicalLocation?: { artifactLocation: { uri: string } } }[];
  }[];
  const located = results.find((r) => r.ruleId === 'container-privileged');
  assert.match(
    located?.locations[0]?.physicalLocation?.artifactLocation.uri ?? '',
    /templates\/deployment\.yaml$/,
  );
});

test('a values matrix renders one environment per file; a finding of prod only says so', async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  const matrix = join(api, 'values-*.yaml');
  const run = await runCli(['scan', '-o', 'json', '--values-matrix', matrix, api], { env: toolEnv(bin) });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /2 environments \(dev, prod\), each scanned as its own inventory/);
  const report = JSON.parse(run.stdout);
  // Three objects per environment, none collapsed into the other environment's.
  assert.equal(report.inputs.objects, 6);
  assert.doesNotMatch(run.stderr, /is defined \d+ times/);
  const privileged = report.findings.filter((f: { rule: string }) => f.rule === 'container-privileged');
  assert.equal(privileged.length, 1);
  assert.deepEqual(privileged[0].environments, ['prod']);
  assert.deepEqual(privileged[0].notInEnvironments, ['dev']);
  // The mutable image tag of dev's release candidate: dev only too.
  const table = await runCli(['scan', '--no-summary', '--values-matrix', matrix, api], { env: toolEnv(bin) });
  assert.match(table.stdout, /container-privileged .*\(in prod; not in dev\)/);
  const sarif = await runCli(['scan', '-o', 'sarif', '--values-matrix', matrix, api], { env: toolEnv(bin) });
  const result = JSON.parse(sarif.stdout).runs[0].results.find(
    (r: { ruleId: string }) => r.ruleId === 'container-privileged',
  );
  assert.match(result.message.text, /\(in prod; not in dev\)$/);
  assert.deepEqual(result.properties.environments, ['prod']);
});

test('a library chart is not rendered on its own', async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  const library = join(api, 'charts', 'hs-common');
  const result = await loadManifests([library], { env: toolEnv(bin) });
  assert.equal(result.objects.length, 0);
  assert.deepEqual(result.notes, [`${library}: library chart: scanned through the charts that use it`]);
  const run = await runCli(['scan', library], { env: toolEnv(bin) });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /nothing to scan/);
});

test('local file:// dependencies missing from charts/ are built in a copy; the chart is left as it was', async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  const dir = tempDir();
  cpSync(api, join(dir, 'app'), { recursive: true });
  mkdirSync(join(dir, 'lib'));
  renameSync(join(dir, 'app', 'charts', 'hs-common'), join(dir, 'lib', 'hs-common'));
  const chartFile = join(dir, 'app', 'Chart.yaml');
  writeFileSync(
    chartFile,
    readFileSync(chartFile, 'utf8').replace('file://charts/hs-common', 'file://../lib/hs-common'),
  );
  const chartText = readFileSync(chartFile, 'utf8');
  const result = await loadManifests([join(dir, 'app')], { env: toolEnv(bin) });
  assert.deepEqual(result.errors, []);
  assert.equal(result.objects.length, 3);
  assert.ok(result.objects.every((o) => o.origin.source.startsWith(join(dir, 'app', 'templates'))));
  // Nothing written into the user's chart: no vendored dependency, no lock file.
  assert.equal(existsSync(join(dir, 'app', 'charts', 'hs-common-0.1.0.tgz')), false);
  assert.equal(existsSync(join(dir, 'app', 'Chart.lock')), false);
  assert.equal(readFileSync(chartFile, 'utf8'), chartText);
});

test('a missing remote dependency is an error naming it and the command, without reaching the network', async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  const dir = tempDir();
  cpSync(api, join(dir, 'app'), { recursive: true });
  writeFileSync(
    join(dir, 'app', 'Chart.yaml'),
    `${readFileSync(join(api, 'Chart.yaml'), 'utf8')}  - name: cache\n    version: 19.0.0\n    repository: https://charts.example.com/stable\n`,
  );
  const result = await loadManifests([join(dir, 'app')], { env: toolEnv(bin) });
  assert.equal(result.objects.length, 0);
  assert.equal(result.errors[0]?.source, join(dir, 'app'));
  assert.match(
    result.errors[0]?.message ?? '',
    /dependency cache 19\.0\.0 \(https:\/\/charts\.example\.com\/stable\) not in .*hindsight does not download charts: run helm dependency build /,
  );
});

test("a template that fails is an error naming the chart and helm's message; the rest is still scanned (exit 3)", async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  const dir = tempDir();
  mkdirSync(join(dir, 'broken', 'templates'), { recursive: true });
  writeFileSync(join(dir, 'broken', 'Chart.yaml'), 'apiVersion: v2\nname: broken\nversion: 0.1.0\n');
  writeFileSync(
    join(dir, 'broken', 'templates', 'configmap.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.database.name }}\n',
  );
  writeFileSync(
    join(dir, 'plain.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n  namespace: shop\ndata: {a: b}\n',
  );
  const run = await runCli(['scan', dir], { env: toolEnv(bin) });
  assert.equal(run.code, 3, run.stderr);
  assert.match(
    run.stderr,
    /error: .*broken: helm template failed: .*templates\/configmap\.yaml.*nil pointer/s,
  );
  assert.match(run.stdout, /1 objects, 1 unreadable/);
});

test('no helm on PATH: exit 2 and how to install it or render by hand, never 0 objects and 100/100', async () => {
  const run = await runCli(['scan', '--fail-on', 'low', api], {
    env: { HOME: tmpdir(), PATH: '/nonexistent' },
  });
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /is a Helm chart and helm is not on PATH: install Helm 3\.8\+ or 4 \(https:\/\/helm\.sh\/docs\/intro\/install\/\) or render yourself: helm template CHART \| hindsight scan -/,
  );
  assert.equal(run.stdout, '');
});

test('fix leaves charts alone and needs no helm', async () => {
  const run = await runCli(['fix', '--dry-run', api], { env: { HOME: tmpdir(), PATH: '/nonexistent' } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /Helm chart, left alone/);
  assert.equal(run.stdout, '');
});

test('values matrix: environments are named by their files; the chart values.yaml is not one', async () => {
  // Table: values file → environment.
  assert.equal(environmentName('charts/api/values-prod.yaml'), 'prod');
  assert.equal(environmentName('values.staging.yml'), 'staging');
  assert.equal(environmentName('envs/eu-west.yaml'), 'eu-west');
  assert.deepEqual(await expandValuesMatrix(join(api, 'values-*.yaml')), [
    { name: 'dev', valuesFile: join(api, 'values-dev.yaml') },
    { name: 'prod', valuesFile: join(api, 'values-prod.yaml') },
  ]);
  // A directory: its YAML files, values.yaml left out.
  assert.deepEqual(
    (await expandValuesMatrix(api)).map((e) => e.name),
    ['dev', 'prod'],
  );
  await assert.rejects(expandValuesMatrix(join(api, 'nothing-*.yaml')), /no values files/);
});

test('helm flags without a chart are usage errors', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n');
  const run = await runCli(['scan', '-f', 'values.yaml', dir], { env: { HOME: tmpdir() } });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /-f\/--values apply to Helm charts, and .* has none/);
});
