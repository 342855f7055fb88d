/**
 * The generated routing in a running Alertmanager: Debian's prometheus-alertmanager started on
 * loopback with the alertmanager.yaml `hindsight alerts generate` wrote, alerts posted to its
 * API, and the notifications caught by a local webhook receiver. Only two things are changed in
 * the configuration for the test: every receiver's integrations become a webhook to that
 * receiver (named by path), and the group waits are shortened so the test does not sit out 30 s
 * windows. The routing tree itself is the generated one.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dump, load } from 'js-yaml';
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

test('a running Alertmanager with the generated routing: critical pages and reaches the team, warnings the team only, the unowned the catch-all', async (t) => {
  if (!existsSync(ALERTMANAGER)) {
    if (process.env.HINDSIGHT_TESTENV === 'off') return t.skip('no alertmanager and HINDSIGHT_TESTENV=off');
    assert.fail(
      `alertmanager not found at ${ALERTMANAGER}: run testenv/ensure.sh or set HINDSIGHT_ALERTMANAGER`,
    );
  }
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

  // Who was notified of what: receiver → alert names.
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
  try {
    const api = `http://127.0.0.1:${port}/api/v2`;
    await until(`alertmanager on ${port}`, 20_000, async () =>
      (await fetch(`${api}/status`)).ok ? true : undefined,
    ).catch((error) => assert.fail(`${error}: ${log.slice(-800)}`));
    const alert = (alertname: string, labels: Record<string, string>) => ({
      labels: { alertname, ...labels },
      annotations: { summary: alertname },
      startsAt: new Date().toISOString(),
    });
    const post = await fetch(`${api}/alerts`, {
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
    const got = (receiver: string) =>
      received.filter((r) => r.receiver === receiver).flatMap((r) => r.alerts);
    await until('five notifications', 20_000, async () => (received.length >= 5 ? true : undefined)).catch(
      (error) => assert.fail(`${error}: got ${JSON.stringify(received)}`),
    );
    // Nothing more arrives once every group has been sent.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(got('pager'), ['PaymentsDown'], 'the pager gets the critical alert only');
    assert.deepEqual(got('team-payments'), ['PaymentsDown'], 'and the team channel gets it too');
    assert.deepEqual(got('team-search'), ['SearchSlow'], 'a warning reaches its team by namespace');
    assert.deepEqual(got('unowned-alerts'), ['SandboxOOM'], 'an unowned namespace reaches the catch-all');
    assert.deepEqual(got('deadmans-switch'), ['Watchdog']);
  } finally {
    am.kill();
    hook.close();
  }
});
