/** `hindsight dashboards generate`: JSON files, ConfigMaps for the Grafana sidecar, stdout, usage errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadAll } from 'js-yaml';
import { runCli } from '../../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-dashboards-'));

test('-o DIR writes one Grafana JSON model per dashboard', async () => {
  const out = join(dir, 'json');
  const r = await runCli(['dashboards', 'generate', '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const files = readdirSync(out).sort();
  assert.deepEqual(files, [
    'hindsight-certificates.json',
    'hindsight-cost.json',
    'hindsight-failure-families.json',
    'hindsight-findings.json',
    'hindsight-requests-vs-usage.json',
  ]);
  for (const file of files) {
    const model = JSON.parse(readFileSync(join(out, file), 'utf8')) as { uid: string; schemaVersion: number };
    assert.equal(`${model.uid}.json`, file);
    assert.ok(model.schemaVersion >= 39);
  }
  assert.match(r.stderr, /wrote 5 files/);
});

test('--configmaps: ConfigMaps labelled for the sidecar, in the namespace asked for, on stdout', async () => {
  const r = await runCli([
    'dashboards',
    'generate',
    '--configmaps',
    '--namespace',
    'grafana',
    '--sidecar-label',
    'grafana_dashboard',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const maps = loadAll(r.stdout) as {
    kind: string;
    metadata: { namespace: string; labels: Record<string, string> };
    data: Record<string, string>;
  }[];
  assert.equal(maps.length, 5);
  for (const map of maps) {
    assert.equal(map.kind, 'ConfigMap');
    assert.equal(map.metadata.namespace, 'grafana');
    assert.equal(map.metadata.labels.grafana_dashboard, '1');
    for (const text of Object.values(map.data)) assert.ok(JSON.parse(text).panels.length >= 6);
  }
});

test('stdout without -o: one JSON model per line; --team-label names the kube_namespace_labels label', async () => {
  const r = await runCli(['dashboards', 'generate', '--team-label', 'app.kubernetes.io/part-of']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 5);
  for (const line of lines) assert.match(line, /label_app_kubernetes_io_part_of/);
});

test('a bad sidecar label or namespace is a usage error (exit 2)', async () => {
  const label = await runCli(['dashboards', 'generate', '--configmaps', '--sidecar-label', 'no spaces']);
  assert.equal(label.code, 2);
  assert.match(label.stderr, /--sidecar-label/);
  const ns = await runCli(['dashboards', 'generate', '--configmaps', '--namespace', 'Monitoring']);
  assert.equal(ns.code, 2);
  assert.match(ns.stderr, /--namespace/);
});
