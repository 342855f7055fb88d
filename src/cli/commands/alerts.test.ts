/**
 * `hindsight alerts generate` proved with the real Alertmanager tooling: every generated
 * alertmanager.yaml passes `amtool check-config`, and `amtool config routes test
 * --verify.receivers` shows, team by team, where critical, warning, Watchdog and unowned alerts
 * go. amtool comes from Debian's prometheus-alertmanager (testenv/ensure.sh installs it;
 * HINDSIGHT_AMTOOL points elsewhere); without it the test fails unless HINDSIGHT_TESTENV=off.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadAll } from 'js-yaml';
import { CHANNELS, PAGERS } from '../../analyzers/alerts/alert-routing.ts';
import { amtool } from '../../testing/amtool.ts';
import { runCli } from '../../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-alerts-'));
const namespaces = join(dir, 'namespaces.yaml');
writeFileSync(
  namespaces,
  [
    ['payments', 'team: payments'],
    ['payments-jobs', 'team: payments'],
    ['search', 'app.kubernetes.io/part-of: search'],
    ['sandbox', undefined],
  ]
    .map(
      ([name, label]) =>
        `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${label ? `  labels:\n    ${label}\n` : ''}`,
    )
    .join('---\n'),
);

function run(tool: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(tool, args, { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

async function generate(extra: string[]): Promise<string> {
  const out = mkdtempSync(join(dir, 'out-'));
  const r = await runCli(['alerts', 'generate', namespaces, '-o', out, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

/** Alertmanager 0.26 added msteams_configs; an older amtool can only say it does not know them. */
function supportsMsteams(tool: string): boolean {
  const version = /version (\d+)\.(\d+)/.exec(run(tool, ['--version']).out);
  return version !== null && (Number(version[1]) > 0 || Number(version[2]) >= 26);
}

test('every generated alertmanager.yaml passes amtool check-config', async (t) => {
  const tool = amtool(t);
  if (!tool) return;
  for (const channel of CHANNELS) {
    for (const pager of PAGERS) {
      const file = join(await generate(['--channel', channel, '--pager', pager]), 'alertmanager.yaml');
      const check = run(tool, ['check-config', file]);
      if (channel === 'msteams' && !supportsMsteams(tool)) {
        // The only complaint an old amtool has is the receiver type it predates.
        const unknown = check.out.match(/field \w+ not found/g) ?? [];
        assert.ok(unknown.length > 0, check.out);
        assert.deepEqual(new Set(unknown), new Set(['field msteams_configs not found']), check.out);
        t.diagnostic(
          `${channel}/${pager}: amtool predates msteams_configs (Alertmanager 0.26); checked the rest`,
        );
        continue;
      }
      assert.equal(check.code, 0, `${channel}/${pager}:\n${check.out}`);
      assert.match(check.out, /SUCCESS/);
    }
  }
});

test('amtool routes each team: critical pages and reaches the channel, warning the channel only, Watchdog the switch, unowned the catch-all', async (t) => {
  const tool = amtool(t);
  if (!tool) return;
  const file = join(await generate([]), 'alertmanager.yaml');
  const cases: [receivers: string, labels: string[]][] = [
    // a critical alert of a team, by its team label: the pager and the team's channel
    ['pager,team-payments', ['alertname=KubePodCrashLooping', 'severity=critical', 'team=payments']],
    // by namespace alone (no team label), in a second namespace of the same team
    ['pager,team-payments', ['alertname=KubeJobFailed', 'severity=critical', 'namespace=payments-jobs']],
    // a team named by app.kubernetes.io/part-of on its Namespace
    ['pager,team-search', ['alertname=KubePodCrashLooping', 'severity=critical', 'namespace=search']],
    // warning and info: the team's channel only, never the pager
    ['team-payments', ['alertname=KubePodCrashLooping', 'severity=warning', 'team=payments']],
    ['team-search', ['alertname=CPUThrottlingHigh', 'severity=info', 'namespace=search']],
    // no severity at all: not a page
    ['team-payments', ['alertname=Custom', 'namespace=payments']],
    // the team label wins over the namespace of another team
    ['team-search', ['alertname=Custom', 'severity=warning', 'namespace=payments', 'team=search']],
    // Watchdog: the dead-man's switch and nothing else
    ['deadmans-switch', ['alertname=Watchdog', 'severity=none']],
    ['deadmans-switch', ['alertname=Watchdog', 'severity=none', 'namespace=payments']],
    // unknown team, unlabelled namespace, no labels: the catch-all, never silence
    ['unowned-alerts', ['alertname=Custom', 'severity=warning', 'team=nobody']],
    ['unowned-alerts', ['alertname=Custom', 'severity=warning', 'namespace=sandbox']],
    ['unowned-alerts', ['alertname=Custom']],
    // an unowned critical alert still pages, and is seen in the catch-all
    ['pager,unowned-alerts', ['alertname=KubeNodeNotReady', 'severity=critical']],
    // InfoInhibitor only inhibits
    ['blackhole', ['alertname=InfoInhibitor', 'severity=none', 'namespace=payments']],
  ];
  for (const [receivers, labels] of cases) {
    const r = run(tool, [
      'config',
      'routes',
      'test',
      `--config.file=${file}`,
      `--verify.receivers=${receivers}`,
      ...labels,
    ]);
    assert.equal(r.code, 0, `${labels.join(' ')} → expected ${receivers}:\n${r.out}`);
  }
  // And the check itself can fail: a warning does not page.
  const wrong = run(tool, [
    'config',
    'routes',
    'test',
    `--config.file=${file}`,
    '--verify.receivers=pager,team-payments',
    'severity=warning',
    'team=payments',
  ]);
  assert.notEqual(wrong.code, 0, wrong.out);
});

test('generate writes alertmanager.yaml and one AlertmanagerConfig per team namespace, secrets as files and references', async () => {
  const out = await generate(['--pager', 'opsgenie']);
  const yaml = readFileSync(join(out, 'alertmanager.yaml'), 'utf8');
  assert.match(yaml, /api_key_file: \/etc\/alertmanager\/secrets\/alertmanager-receivers\/opsgenie-api-key/);
  assert.match(yaml, /api_url_file: /);
  assert.deepEqual(readdirSync(join(out, 'alertmanagerconfigs')).sort(), [
    'payments-jobs-team-alert-routing.yaml',
    'payments-team-alert-routing.yaml',
    'search-team-alert-routing.yaml',
  ]);
  const [config] = loadAll(
    readFileSync(join(out, 'alertmanagerconfigs', 'search-team-alert-routing.yaml'), 'utf8'),
  ) as {
    spec: {
      route: { receiver: string; routes: { receiver: string; continue?: boolean }[] };
      receivers: unknown[];
    };
  }[];
  assert.equal(config?.spec.route.receiver, 'team-search');
  assert.deepEqual(
    config?.spec.route.routes.map((r) => [r.receiver, r.continue ?? false]),
    [
      ['pager', true],
      ['team-search', false],
    ],
  );
  assert.match(
    JSON.stringify(config?.spec.receivers),
    /"apiKey":\{"name":"alertmanager-receivers","key":"opsgenie-api-key"\}/,
  );
});

test('generate on stdout: one YAML stream, alertmanager.yaml first and the objects after a marked separator', async () => {
  const r = await runCli(['alerts', 'generate', namespaces]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# ---- alertmanager\.yaml ----$/m);
  assert.match(r.stdout, /^# ---- Kubernetes objects: AlertmanagerConfig \(prometheus-operator\) ----$/m);
  const docs = loadAll(r.stdout) as { kind?: string; route?: unknown }[];
  assert.ok(docs[0]?.route && docs[0].kind === undefined);
  assert.deepEqual(
    docs.slice(1).map((d) => d.kind),
    [...Array(3).fill('AlertmanagerConfig'), ...Array(5).fill('PrometheusRule')],
  );
  assert.match(r.stderr, /1 namespace has no team label; its alerts reach unowned-alerts: sandbox/);
});

test('generate without team labels still routes: pager and catch-all, with a warning', async () => {
  const bare = join(dir, 'bare.yaml');
  writeFileSync(bare, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n');
  const r = await runCli(['alerts', 'generate', bare, '--team-label', 'owner']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /no Namespace carries a team label \(owner\)/);
  assert.match(r.stdout, /receiver: unowned-alerts/);
  assert.doesNotMatch(r.stdout, /kind: AlertmanagerConfig/);
  // The alerts join the team from the namespace label asked for.
  assert.match(r.stdout, /label_owner/);
});

test('generate refuses an alert team label Prometheus cannot carry', async () => {
  const r = await runCli([
    'alerts',
    'generate',
    namespaces,
    '--alert-team-label',
    'app.kubernetes.io/part-of',
  ]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /expected a Prometheus label name/);
});

test('generate | lint: the generated configuration and AlertmanagerConfigs pass every alerting rule', async () => {
  const generated = await runCli(['alerts', 'generate', namespaces]);
  const r = await runCli(['alerts', 'lint', '-', '-o', 'json'], {
    stdin: (async function* () {
      yield generated.stdout;
    })(),
  });
  const report = JSON.parse(r.stdout) as { findings: unknown[]; inputs: { objects: number } };
  // The configuration, three AlertmanagerConfigs and five PrometheusRules: routing and alerts
  // pass every alerting rule together.
  assert.equal(report.inputs.objects, 9);
  assert.deepEqual(report.findings, []);
  assert.equal(r.code, 0);
});

test('lint runs the alerting rules only, on a Secret shaped as kube-prometheus ships it, and never prints its values', async () => {
  const planted = 'https://hooks.slack.com/services/T000/B000/plantedsecretvalue';
  const config = [
    'route:',
    '  receiver: Default',
    '  routes:',
    '    - receiver: Watchdog',
    '      matchers: ["alertname = Watchdog"]',
    'inhibit_rules:',
    '  - source_matchers: ["severity = critical"]',
    '    target_matchers: ["severity = warning"]',
    'receivers:',
    '  - name: Default',
    `    slack_configs: [{api_url: "${planted}", channel: "#alerts"}]`,
    '  - name: Watchdog',
  ].join('\n');
  const file = join(dir, 'alertmanager-secret.yaml');
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: alertmanager-main\n  namespace: monitoring\ndata:\n  alertmanager.yaml: ${Buffer.from(config).toString('base64')}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: monitoring\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: nginx}]\n`,
  );
  for (const format of ['table', 'json', 'yaml', 'sarif', 'junit', 'markdown']) {
    const r = await runCli(['alerts', 'lint', file, '-o', format, '--fail-on', 'high']);
    assert.equal(r.code, 1, `${format}: ${r.stderr}`);
    assert.ok(!r.stdout.includes('plantedsecretvalue') && !r.stderr.includes('plantedsecretvalue'), format);
    assert.match(r.stdout, /alertmanager-watchdog-missing/, format);
    // the Deployment's missing probes and limits are scan's business, not lint's
    assert.doesNotMatch(r.stdout, /container-readiness-probe-missing/, format);
  }
});
