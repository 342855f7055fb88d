import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../testing/run-cli.ts';

const env = { HOME: '/nonexistent-home', HINDSIGHT_NOW: '2026-11-12T10:00:00Z' };
const configMap =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop\ndata: {a: b}\n';

function stdinOf(text: string): AsyncIterable<Buffer> {
  return (async function* () {
    yield Buffer.from(text);
  })();
}

test('a scan that read no objects exits 2 with the reason, whatever --fail-on says', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-scan-inputs-'));
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'values.yaml'), 'replicaCount: 2\n');
  // Table: inputs that give no objects, and what stderr says.
  const cases: [string[], RegExp][] = [
    // A missing path.
    [
      [join(dir, 'missing.yaml')],
      /no such file or directory[\s\S]*nothing to scan: .*\(1 unreadable input, above\)/,
    ],
    // An empty directory.
    [
      [join(dir, 'empty')],
      /no \.yaml, \.yml or \.json files[\s\S]*nothing to scan: .*no manifests, charts or kustomizations/,
    ],
    // YAML that is no Kubernetes object.
    [[join(dir, 'values.yaml')], /without apiVersion and kind[\s\S]*nothing to scan/],
  ];
  for (const [paths, stderr] of cases) {
    const run = await runCli(['scan', '--fail-on', 'low', ...paths], { env });
    assert.equal(run.code, 2, paths.join(' '));
    assert.match(run.stderr, stderr);
    assert.equal(run.stdout, '');
  }
});

test('stdin with objects still scans; empty stdin is nothing to scan', async () => {
  const ok = await runCli(['scan', '-'], { env, stdin: stdinOf(configMap) });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /1 objects, 0 unreadable/);
  const empty = await runCli(['scan', '-'], { env, stdin: stdinOf('') });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /nothing to scan/);
});

test('same-name objects in different files are all scanned, said in every format, each as if scanned alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-scan-duplicates-'));
  mkdirSync(join(dir, 'v1'));
  mkdirSync(join(dir, 'v2'));
  const deployment = (privileged: boolean) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: api, namespace: shop}',
      'spec:',
      '  replicas: 3',
      '  selector: {matchLabels: {app: api}}',
      '  template:',
      '    metadata: {labels: {app: api}}',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          image: registry.example.com/api:1.2.3',
      '          ports: [{containerPort: 8080}]',
      `          securityContext: {privileged: ${privileged}}`,
      '',
    ].join('\n');
  const pdb =
    'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: api, namespace: shop}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: api}}\n';
  writeFileSync(join(dir, 'v1', 'app.yaml'), `${deployment(true)}---\n${pdb}`);
  writeFileSync(join(dir, 'v2', 'app.yaml'), deployment(false));
  // Paths as a user types them, relative to where they stand.
  const before = process.cwd();
  process.chdir(dir);
  t.after(() => process.chdir(before));

  const keys = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { rule: string; file?: string }[] }).findings
      .map((f) => `${f.rule} ${f.file}`)
      .sort();
  const whole = await runCli(['scan', '-o', 'json', '.'], { env });
  assert.equal(whole.code, 0, whole.stderr);
  const report = JSON.parse(whole.stdout) as { inputs: { objects: number; notes: string[] } };
  assert.equal(report.inputs.objects, 3);
  assert.ok(
    report.inputs.notes.some((n) =>
      /^Deployment shop\/api is defined 2 times \(v1\/app\.yaml:1, v2\/app\.yaml:1\)/.test(n),
    ),
    report.inputs.notes.join('\n'),
  );
  assert.match(whole.stderr, /note: Deployment shop\/api is defined 2 times/);
  // Every file's findings are the same in the directory scan as when it is scanned alone.
  const all = keys(whole.stdout);
  for (const file of ['v1/app.yaml', 'v2/app.yaml']) {
    const alone = await runCli(['scan', '-o', 'json', file], { env });
    assert.equal(alone.code, 0, alone.stderr);
    assert.deepEqual(
      all.filter((k) => k.endsWith(` ${file}`)),
      keys(alone.stdout),
      file,
    );
  }
  assert.ok(all.includes('container-privileged v1/app.yaml'), all.join('\n'));
  // v2's copy has no PDB in its own file or directory: v1's PDB is not taken for it.
  assert.ok(all.includes('workload-pdb-missing v2/app.yaml'), all.join('\n'));
  assert.ok(!all.includes('workload-pdb-missing v1/app.yaml'), all.join('\n'));

  const sarif = await runCli(['scan', '-o', 'sarif', '.'], { env });
  const notifications = (
    JSON.parse(sarif.stdout) as {
      runs: {
        invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
      }[];
    }
  ).runs[0]?.invocations[0]?.toolExecutionNotifications;
  assert.ok(notifications?.some((n) => n.level === 'note' && /defined 2 times/.test(n.message.text)));
  const markdown = await runCli(['scan', '-o', 'markdown', '.'], { env });
  assert.match(markdown.stdout, /> note: Deployment shop\/api is defined 2 times/);
});
