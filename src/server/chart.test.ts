/**
 * charts/hindsight, the in-cluster install: hindsight finds nothing in its own chart (every
 * option on), its alerts fire on crafted series and stay quiet otherwise (promtool), its Grafana
 * dashboard asks only for series hindsight exports, and it installs on the real test platform
 * with testenv's helm, its pod reaching Running.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { createKwokNode, platformClient } from '../../testenv/apply.ts';
import { requireBinaries } from '../../testenv/binaries.ts';
import { REPO_ROOT } from '../../testenv/paths.ts';
import { startPlatform, stopPlatform } from '../../testenv/platform.ts';
import { findPrometheus } from '../../testenv/prometheus.ts';
import { runCli } from '../testing/run-cli.ts';

const run = promisify(execFile);
const chart = join(REPO_ROOT, 'charts', 'hindsight');
const everything = [
  '--set',
  'serviceMonitor.enabled=true',
  '--set',
  'prometheusRule.enabled=true',
  '--set',
  'grafanaDashboard.enabled=true',
  '--set',
  'policyReports.enabled=true',
  '--set',
  'prometheus.url=http://prometheus.monitoring:9090',
  '--set',
  'cluster=prod',
];

test('hindsight scan of its own chart, every option on: no finding (exemptions with their reasons)', async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  const env = { PATH: bin, HOME: mkdtempSync(join(tmpdir(), 'hindsight-chart-')) };
  const scan = await runCli(['scan', '-o', 'json', '--fail-on', 'info', chart, ...everything], { env });
  assert.equal(scan.code, 0, scan.stdout.slice(0, 2000) + scan.stderr);
  const report = JSON.parse(scan.stdout) as {
    inputs: { objects: number };
    findings: unknown[];
    exempted: { rule: string }[];
  };
  assert.equal(report.inputs.objects, 9);
  assert.deepEqual(report.findings, []);
  assert.deepEqual(
    report.exempted.map((f) => f.rule),
    ['workload-single-replica', 'workload-without-opentelemetry'],
  );
});

test("the container's NODE_OPTIONS are flags this Node.js takes, sizing the heap from the memory limit", async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  const env = { PATH: bin, HOME: mkdtempSync(join(tmpdir(), 'hindsight-chart-')) };
  const { stdout } = await run(join(bin, 'helm'), ['template', 'hindsight', chart], { env });
  const options = /- name: NODE_OPTIONS\n\s+value: (.+)\n/.exec(stdout)?.[1];
  assert.ok(options, 'the Deployment sets NODE_OPTIONS');
  const limitOf = async (flags: string[]) =>
    Number(
      (
        await run(process.execPath, [
          ...flags,
          '-e',
          'process.stdout.write(String(require("v8").getHeapStatistics().heap_size_limit))',
        ])
      ).stdout,
    );
  // Here the "limit" is the machine's memory: 75% of it is far above V8's own default.
  assert.ok((await limitOf(options.split(' '))) > (await limitOf([])), options);
});

test('the shipped alerts: promtool checks them, and its unit tests see each fire and stay quiet', async () => {
  const { promtool } = findPrometheus();
  await run(promtool, ['check', 'rules', join(chart, 'files', 'hindsight.rules.yaml')]);
  const { stdout } = await run(promtool, [
    'test',
    'rules',
    join(chart, 'tests', 'hindsight.rules.test.yaml'),
  ]);
  assert.match(stdout, /SUCCESS/);
  // Every alert in the file has a unit test.
  const rules = readFileSync(join(chart, 'files', 'hindsight.rules.yaml'), 'utf8');
  const tests = readFileSync(join(chart, 'tests', 'hindsight.rules.test.yaml'), 'utf8');
  for (const [, name] of rules.matchAll(/- alert: (\w+)/g))
    assert.ok(tests.includes(`alertname: ${name}`), `${name} has no promtool test`);
});

test('the Grafana dashboard asks only for series hindsight exports', () => {
  const dashboard = JSON.parse(readFileSync(join(chart, 'files', 'hindsight-dashboard.json'), 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  const documented = readFileSync(join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
  assert.ok(dashboard.panels.length >= 8);
  for (const panel of dashboard.panels) {
    for (const target of panel.targets) {
      for (const [name] of target.expr.matchAll(/\b(?:hindsight|x509)_[a-z_]+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        assert.ok(
          documented.includes(`\`${base}\``) || documented.includes(base),
          `${panel.title}: ${name} is not exported`,
        );
      }
    }
  }
});

test('helm install on a platform running every controller: its pod Running, read-only RBAC, then uninstalled', {
  timeout: 240_000,
}, async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  if (process.env.HINDSIGHT_TESTENV === 'off') {
    t.skip('starts a test platform; skipped because HINDSIGHT_TESTENV=off');
    return;
  }
  // The shared platform runs without workload controllers (its fixture writes pods itself): this
  // test starts one with every controller and a KWOK node, so a Deployment makes a Running pod.
  const up = performance.now();
  const state = await startPlatform({ name: 'chart', controllers: 'all' });
  const api = platformClient(state);
  t.after(async () => {
    api.close();
    await stopPlatform(state);
  });
  await createKwokNode(api);

  t.diagnostic(`platform chart up in ${((performance.now() - up) / 1000).toFixed(1)} s`);
  const helm = join(bin, 'helm');
  const env = {
    ...process.env,
    KUBECONFIG: state.kubeconfig,
    HOME: mkdtempSync(join(tmpdir(), 'hindsight-helm-')),
  };
  const ns = 'hindsight-system';
  await run(helm, ['install', 'hindsight', chart, '-n', ns, '--create-namespace', '--set', 'cluster=test'], {
    env,
  });
  const started = Date.now();
  for (;;) {
    const pods = (await api.json('GET', `/api/v1/namespaces/${ns}/pods`)) as {
      items: { status?: { phase?: string } }[];
    };
    if (pods.items.some((p) => p.status?.phase === 'Running')) break;
    if (Date.now() - started > 90_000)
      assert.fail(`no hindsight pod Running within 90 s: ${JSON.stringify(pods.items.map((p) => p.status))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  t.diagnostic(`pod Running ${Date.now() - started} ms after helm install`);
  const role = (await api.json('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles/hindsight')) as {
    rules: { verbs: string[] }[];
  };
  // Read-only: no verb but get, list and watch anywhere.
  assert.deepEqual([...new Set(role.rules.flatMap((r) => r.verbs))].sort(), ['get', 'list', 'watch']);
  await run(helm, ['uninstall', 'hindsight', '-n', ns, '--wait'], { env });
  const left = (await api.json('GET', `/apis/apps/v1/namespaces/${ns}/deployments`)) as { items: unknown[] };
  assert.deepEqual(left.items, []);
});

test('every shipped alert links a runbook that exists', () => {
  const rules = readFileSync(join(chart, 'files', 'hindsight.rules.yaml'), 'utf8');
  const runbooks = readFileSync(join(REPO_ROOT, 'docs', 'alerting-runbooks.md'), 'utf8');
  const alerts = [...rules.matchAll(/- alert: (\S+)/g)].map((m) => m[1] as string);
  const links = [...rules.matchAll(/runbook_url: "[^"#]*#([^"]+)"/g)].map((m) => m[1] as string);
  assert.ok(alerts.length > 3);
  assert.deepEqual(
    links,
    alerts.map((a) => a.toLowerCase()),
  );
  for (const alert of alerts) assert.match(runbooks, new RegExp(`^### ${alert}$`, 'm'), alert);
});
