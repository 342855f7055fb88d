/**
 * The API server restarted under `serve`'s watches (as in an upgrade): every watch fails, backs
 * off and resumes from its last resourceVersion; a change made after the restart shows up, and
 * the exported findings equal a fresh scan of the cluster — nothing lost, nothing stale. On a
 * platform of its own, so the shared one is never restarted.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { platformClient } from '../../testenv/apply.ts';
import { loadFixture } from '../../testenv/load.ts';
import { restartApiServer, startPlatform, stopPlatform } from '../../testenv/platform.ts';
import { runCli } from '../testing/run-cli.ts';
import { until } from '../testing/until.ts';
import { HindsightServer } from './serve.ts';

function byRule(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^hindsight_findings\{.*rule="([^"]+)".*\} (\d+)$/.exec(line);
    if (m) out.set(m[1] as string, (out.get(m[1] as string) ?? 0) + Number(m[2]));
  }
  return new Map([...out].sort());
}

test('the API server restarted mid-watch: serve resumes, misses nothing, keeps nothing stale', {
  timeout: 240_000,
}, async (t) => {
  if (process.env.HINDSIGHT_TESTENV === 'off') {
    t.skip('starts a test platform; skipped because HINDSIGHT_TESTENV=off');
    return;
  }
  const state = await startPlatform({ name: 'restart' });
  const work = mkdtempSync(join(tmpdir(), 'hindsight-restart-'));
  let server: HindsightServer | undefined;
  t.after(async () => {
    await server?.stop();
    await stopPlatform(state);
  });
  await loadFixture(state, { seed: 1, scale: 'small', prometheus: false, historyDays: 14, stepSeconds: 60 });
  const env = { KUBECONFIG: state.kubeconfig, HOME: work };
  server = new HindsightServer({
    watch: { env, minBackoffMs: 200, maxBackoffMs: 2000 },
    host: '127.0.0.1',
    port: 0,
    debounceMs: 100,
    probeApiServer: false,
    version: '0.0.0-test',
  });
  const { url } = await server.start();
  await until('ready', 60_000, async () =>
    (await fetch(`${url}/readyz`)).status === 200 ? true : undefined,
  );
  const metrics = async () => (await fetch(`${url}/metrics`)).text();

  // A change just before the restart, then the restart itself.
  const api = platformClient(state);
  t.after(() => api.close());
  await api.json('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'before' },
  });
  const restarted = Date.now();
  await restartApiServer(state);
  t.diagnostic(`API server back in ${Date.now() - restarted} ms`);

  // A change after it: the watches must have resumed to see it.
  await api.json('POST', '/apis/apps/v1/namespaces/before/deployments', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'after', namespace: 'before' },
    spec: {
      selector: { matchLabels: { app: 'after' } },
      template: {
        metadata: { labels: { app: 'after' } },
        spec: {
          containers: [
            { name: 'c', image: 'registry.example.com/c:1.0.0', securityContext: { privileged: true } },
          ],
        },
      },
    },
  });
  const seen = Date.now();
  await until('the change after the restart', 30_000, async () =>
    (await metrics())
      .split('\n')
      .some(
        (l) =>
          l.startsWith('hindsight_findings{rule="container-privileged"') && l.includes('namespace="before"'),
      )
      ? true
      : undefined,
  );
  t.diagnostic(`change after the restart exported in ${Date.now() - seen} ms`);
  const text = await metrics();
  assert.ok(/hindsight_watch_errors_total\{kind="Pod"\} [1-9]/.test(text), 'the watches saw the restart');

  // Nothing lost, nothing stale: the same findings as a fresh scan, rule by rule (scan rules only;
  // this server did not probe certificates of a server that restarted).
  const scan = await runCli(['scan', '-o', 'json'], { env });
  const fresh = new Map<string, number>();
  for (const f of (JSON.parse(scan.stdout) as { findings: { rule: string }[] }).findings)
    fresh.set(f.rule, (fresh.get(f.rule) ?? 0) + 1);
  const served = byRule(await metrics());
  for (const rule of [...served.keys()]) if (rule.startsWith('certificate-')) served.delete(rule);
  assert.deepEqual(served, new Map([...fresh].sort()));
});
