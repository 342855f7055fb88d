/**
 * The generated routing in a running Alertmanager: Debian's prometheus-alertmanager started on
 * loopback with the alertmanager.yaml `hindsight alerts generate` wrote, alerts posted to its
 * API, and the notifications caught by a local webhook receiver. Only two things are changed in
 * the configuration for the test: every receiver's integrations become a webhook to that
 * receiver (named by path), and the group waits are shortened so the test does not sit out 30 s
 * windows. The routing tree itself is the generated one. Then the whole chain: Debian's
 * Prometheus scrapes a kube-state-metrics page, evaluates the generated alerts over it and sends
 * them to that Alertmanager, which notifies the owning team.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { dump, load } from 'js-yaml';
import { findPrometheus } from '../../../testenv/prometheus.ts';
import { runCli } from '../../testing/run-cli.ts';
import { until } from '../../testing/until.ts';

const ALERTMANAGER = process.env.HINDSIGHT_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager';

interface Config {
  route: Record<string, unknown>;
  receivers: Record<string, unknown>[];
}

/** Webhooks to `base/<receiver>` instead of the real integrations; windows of a second. */
function forTest(config: Config, base: string): Config {
  const quick = (route: Record<string, unknown>): void => {
    if ('group_wait' in route) route.group_wait = '0s';
    if ('group_interval' in route) route.group_interval = '1s';
    for (const child of (route.routes as Record<string, unknown>[] | undefined) ?? []) quick(child);
  };
  quick(config.route);
  config.route.group_wait = '0s';
  config.route.group_interval = '1s';
  config.receivers = config.receivers.map((r) => ({
    name: r.name,
    webhook_configs: [{ url: `${base}/${encodeURIComponent(String(r.name))}`, send_resolved: false }],
  }));
  return config;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The generated routing running in Alertmanager, its notifications caught on a local webhook. */
interface Routing {
  dir: string;
  out: string;
  /** Alertmanager's address, host:port. */
  alertmanager: string;
  /** Alert names notified to a receiver so far. */
  got(receiver: string): string[];
  count(): number;
  stop(): void;
}

async function startRouting(): Promise<Routing> {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-am-e2e-'));
  const namespaces = join(dir, 'namespaces.yaml');
  writeFileSync(
    namespaces,
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  labels: {team: payments}\n---\n' +
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: search\n  labels: {team: search}\n',
  );
  const out = join(dir, 'out');
  const generated = await runCli(['alerts', 'generate', namespaces, '-o', out]);
  assert.equal(generated.code, 0, generated.stderr);

  const received: { receiver: string; alerts: string[] }[] = [];
  const hook: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const payload = JSON.parse(body) as { alerts: { labels: Record<string, string> }[] };
      received.push({
        receiver: decodeURIComponent((req.url ?? '/').slice(1)),
        alerts: payload.alerts.map((a) => a.labels.alertname as string),
      });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;

  const config = forTest(load(readFileSync(join(out, 'alertmanager.yaml'), 'utf8')) as Config, base);
  writeFileSync(join(dir, 'am.yaml'), dump(config));
  const port = await freePort();
  const am: ChildProcess = spawn(
    ALERTMANAGER,
    [
      `--config.file=${join(dir, 'am.yaml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  am.stderr?.on('data', (c) => {
    log += c;
  });
  const stop = () => {
    am.kill();
    hook.close();
  };
  await until(`alertmanager on ${port}`, 20_000, async () =>
    (await fetch(`http://127.0.0.1:${port}/api/v2/status`)).ok ? true : undefined,
  ).catch((error) => {
    stop();
    assert.fail(`${error}: ${log.slice(-800)}`);
  });
  return {
    dir,
    out,
    alertmanager: `127.0.0.1:${port}`,
    got: (receiver) => received.filter((r) => r.receiver === receiver).flatMap((r) => r.alerts),
    count: () => received.length,
    stop,
  };
}

function needAlertmanager(t: TestContext): boolean {
  if (existsSync(ALERTMANAGER)) return true;
  if (process.env.HINDSIGHT_TESTENV === 'off') {
    t.skip('no alertmanager and HINDSIGHT_TESTENV=off');
    return false;
  }
  assert.fail(
    `alertmanager not found at ${ALERTMANAGER}: run testenv/ensure.sh or set HINDSIGHT_ALERTMANAGER`,
  );
}

test('a running Alertmanager with the generated routing: critical pages and reaches the team, warnings the team only, the unowned the catch-all', async (t) => {
  if (!needAlertmanager(t)) return;
  const routing = await startRouting();
  try {
    const alert = (alertname: string, labels: Record<string, string>) => ({
      labels: { alertname, ...labels },
      annotations: { summary: alertname },
      startsAt: new Date().toISOString(),
    });
    const post = await fetch(`http://${routing.alertmanager}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        alert('PaymentsDown', { severity: 'critical', namespace: 'payments', team: 'payments' }),
        alert('SearchSlow', { severity: 'warning', namespace: 'search' }),
        alert('SandboxOOM', { severity: 'warning', namespace: 'sandbox' }),
        alert('Watchdog', { severity: 'none' }),
      ]),
    });
    assert.equal(post.status, 200, await post.text());
    await until('five notifications', 20_000, async () => (routing.count() >= 5 ? true : undefined));
    // Nothing more arrives once every group has been sent.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(routing.got('pager'), ['PaymentsDown'], 'the pager gets the critical alert only');
    assert.deepEqual(routing.got('team-payments'), ['PaymentsDown'], 'and the team channel gets it too');
    assert.deepEqual(routing.got('team-search'), ['SearchSlow'], 'a warning reaches its team by namespace');
    assert.deepEqual(
      routing.got('unowned-alerts'),
      ['SandboxOOM'],
      'an unowned namespace reaches the catch-all',
    );
    assert.deepEqual(routing.got('deadmans-switch'), ['Watchdog']);
  } finally {
    routing.stop();
  }
});

/** kube-state-metrics as a fixed page: a container OOM-killed in payments and one in sandbox. */
function fakeKubeStateMetrics(): Promise<Server> {
  let restarts = 0;
  const server = createServer((_req, res) => {
    restarts++;
    const lines = [];
    for (const namespace of ['payments', 'sandbox']) {
      const at = `namespace="${namespace}",pod="worker-0",container="worker"`;
      lines.push(`kube_pod_container_status_restarts_total{${at}} ${restarts}`);
      lines.push(`kube_pod_container_status_last_terminated_reason{${at},reason="OOMKilled"} 1`);
    }
    // The payments namespace's team, as kube-state-metrics exports allow-listed labels.
    lines.push('kube_namespace_labels{namespace="payments",label_team="payments"} 1');
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(`${lines.join('\n')}\n`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('generated alerts evaluated by a real Prometheus reach the owning team through the generated routing', async (t) => {
  if (!needAlertmanager(t)) return;
  const { prometheus } = findPrometheus();
  const routing = await startRouting();
  const exporter = await fakeKubeStateMetrics();
  let prom: ChildProcess | undefined;
  try {
    // The generated rules as Prometheus loads them; `for` shortened so the test does not wait
    // out a minute (the expressions, labels and annotations are the generated ones).
    const rules = (
      load(readFileSync(join(routing.out, 'prometheusrules', 'hindsight-resources.yaml'), 'utf8')) as {
        spec: { groups: { rules: Record<string, unknown>[] }[] };
      }
    ).spec;
    for (const group of rules.groups) for (const rule of group.rules) rule.for = '0s';
    writeFileSync(join(routing.dir, 'rules.yml'), dump({ groups: rules.groups }));
    const exporterAt = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
    writeFileSync(
      join(routing.dir, 'prometheus.yml'),
      dump({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [join(routing.dir, 'rules.yml')],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [routing.alertmanager] }] }] },
        scrape_configs: [
          { job_name: 'kube-state-metrics', honor_labels: true, static_configs: [{ targets: [exporterAt] }] },
        ],
      }),
    );
    const port = await freePort();
    prom = spawn(
      prometheus,
      [
        `--config.file=${join(routing.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(routing.dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    await until('the OOM kills notified', 60_000, async () =>
      routing.got('team-payments').length > 0 && routing.got('unowned-alerts').length > 0 ? true : undefined,
    ).catch((error) =>
      assert.fail(
        `${error}: payments ${routing.got('team-payments')}, unowned ${routing.got('unowned-alerts')}`,
      ),
    );
    assert.deepEqual([...new Set(routing.got('team-payments'))], ['HindsightContainerOOMKilled']);
    // Without a team label on its namespace the alert still fires, and the catch-all hears it.
    assert.deepEqual([...new Set(routing.got('unowned-alerts'))], ['HindsightContainerOOMKilled']);
    assert.deepEqual(routing.got('pager'), [], 'a warning pages no one');
  } finally {
    prom?.kill();
    exporter.close();
    routing.stop();
  }
});
