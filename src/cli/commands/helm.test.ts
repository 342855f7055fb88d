/**
 * `hindsight helm` against releases the real helm made on a real API server (testenv): an
 * install and an upgrade (values drift), a failed upgrade, and, with the ConfigMap driver, an
 * upgrade killed while it waited (the classic "another operation is in progress" lock). The
 * platform runs no controllers, so a Deployment never becomes ready and `--wait` waits.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { requireBinaries } from '../../../testenv/binaries.ts';
import { startPlatform, stopPlatform } from '../../../testenv/platform.ts';
import type { HelmInventoryReport } from '../../analyzers/helm/releases.ts';
import { runCli } from '../../testing/run-cli.ts';

const run = promisify(execFile);

function writeChart(dir: string): string {
  const chart = join(dir, 'demo');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 1.4.0\nappVersion: "2.1"\n');
  writeFileSync(join(chart, 'values.yaml'), 'greeting: hi\nbroken: false\ndeployment: false\n');
  writeFileSync(
    join(chart, 'templates', 'config.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
  );
  // A name the API server refuses (Helm itself lets it through): the upgrade fails as it applies.
  writeFileSync(
    join(chart, 'templates', 'broken.yaml'),
    '{{- if .Values.broken }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-Not_A_Name\n{{- end }}\n',
  );
  writeFileSync(
    join(chart, 'templates', 'deployment.yaml'),
    '{{- if .Values.deployment }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  selector: {matchLabels: {app: {{ .Release.Name }}}}\n  template:\n    metadata: {labels: {app: {{ .Release.Name }}}}\n    spec:\n      containers: [{name: app, image: registry.example.com/app:1.0.0}]\n{{- end }}\n',
  );
  return chart;
}

test('hindsight helm reads what helm stored: history, values drift, a failed upgrade, a stuck one (ConfigMap driver)', {
  timeout: 240_000,
}, async (t) => {
  const bin = requireBinaries(t, ['helm']);
  if (!bin) return;
  if (process.env.HINDSIGHT_TESTENV === 'off') {
    t.skip('starts a test platform; skipped because HINDSIGHT_TESTENV=off');
    return;
  }
  const state = await startPlatform({ name: 'helm-releases' });
  t.after(() => stopPlatform(state));
  const work = mkdtempSync(join(tmpdir(), 'hindsight-helm-releases-'));
  const chart = writeChart(work);
  const helm = join(bin, 'helm');
  const env = { ...process.env, KUBECONFIG: state.kubeconfig, HOME: work };
  const ns = ['-n', 'shop'];

  await run(helm, ['install', 'web', chart, ...ns, '--create-namespace', '--set', 'greeting=hi'], { env });
  await run(helm, ['upgrade', 'web', chart, ...ns, '--set', 'greeting=hello', '--set', 'replicas=2'], {
    env,
  });
  await assert.rejects(
    run(
      helm,
      [
        'upgrade',
        'web',
        chart,
        ...ns,
        '--set',
        'greeting=hello',
        '--set',
        'replicas=2',
        '--set',
        'broken=true',
      ],
      { env },
    ),
    /is invalid/,
  );

  // The ConfigMap driver; an upgrade that waits for a Deployment no controller will ever roll out, killed.
  const cmEnv = { ...env, HELM_DRIVER: 'configmap' };
  await run(helm, ['install', 'api', chart, '-n', 'payments', '--create-namespace'], { env: cmEnv });
  const upgrade = spawn(
    helm,
    ['upgrade', 'api', chart, '-n', 'payments', '--set', 'deployment=true', '--wait', '--timeout', '5m'],
    {
      env: cmEnv,
      stdio: 'ignore',
    },
  );
  const exited = new Promise((resolve) => upgrade.on('exit', resolve));
  let pending = false;
  for (let i = 0; i < 100 && !pending; i++) {
    await sleep(200);
    const { stdout } = await run(helm, ['history', 'api', '-n', 'payments', '-o', 'json'], { env: cmEnv });
    pending = (JSON.parse(stdout) as { status: string }[]).some((r) => r.status === 'pending-upgrade');
  }
  upgrade.kill('SIGKILL');
  await exited;
  assert.ok(pending, 'helm upgrade --wait stored a pending-upgrade revision');

  const cli = await runCli(['helm', '-o', 'json', '--stuck-after', '0s'], {
    env: { ...env, HINDSIGHT_NOW: '' },
  });
  assert.equal(cli.code, 1, cli.stderr);
  const report = JSON.parse(cli.stdout) as HelmInventoryReport;
  assert.equal(report.targetVersion, '1.35', 'the cluster’s own version by default');
  const byName = new Map(report.releases.map((r) => [r.name, r]));

  const web = byName.get('web');
  assert.equal(web?.revision, 3);
  assert.equal(web?.status, 'failed');
  assert.equal(web?.deployedRevision, 2);
  assert.equal(web?.revisions, 3);
  assert.equal(`${web?.chart}-${web?.chartVersion} ${web?.appVersion}`, 'demo-1.4.0 2.1');
  assert.deepEqual(web?.valuesChanged, ['greeting', 'replicas']);
  assert.deepEqual(
    web?.problems.map((p) => p.id),
    ['release-failed'],
  );
  assert.match(web?.problems[0]?.message ?? '', /Not_A_Name.*is invalid.*the cluster still runs revision 2/s);

  const api = byName.get('api');
  assert.equal(api?.status, 'pending-upgrade');
  assert.equal(api?.deployedRevision, 1);
  assert.deepEqual(
    api?.problems.map((p) => p.id),
    ['release-stuck-pending'],
  );
  assert.match(api?.problems[0]?.message ?? '', /helm rollback api 1 -n payments/);

  // What the message tells the user to do works: the rollback releases the lock.
  await run(helm, ['rollback', 'api', '1', '-n', 'payments'], { env: cmEnv });
  const after = await runCli(['helm', '-n', 'payments', '--stuck-after', '0s'], { env });
  assert.equal(after.code, 0, after.stdout + after.stderr);
  assert.match(after.stdout, /^payments\s+api\s+3\s+deployed\s+demo-1\.4\.0\s+2\.1/m);
  assert.match(after.stdout, /1 releases, 0 need attention; manifests checked against Kubernetes 1\.35/);
});
