/**
 * `hindsight upgrade` against the real test platform: a real client request to a deprecated API
 * shows up from the API server's own metric, and the drain blockers, kubelet skew and calendar
 * come out as the fixture (seed 1) has them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { platformClient } from '../../../testenv/apply.ts';
import { requirePlatform } from '../../../testenv/harness.ts';
import type { UpgradeReport } from '../../analyzers/upgrade/readiness.ts';
import { runCli } from '../../testing/run-cli.ts';

test('upgrade readiness of the test platform: deprecated calls from the metric, drain blockers, skew', async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const api = platformClient(state);
  try {
    // v1 ComponentStatus is deprecated (1.19+): the API server counts this call in apiserver_requested_deprecated_apis.
    await api.json('GET', '/api/v1/componentstatuses');
  } finally {
    api.close();
  }
  const env = { KUBECONFIG: state.kubeconfig, HINDSIGHT_NOW: '2026-12-03T12:00:00Z' };
  const run = await runCli(['upgrade', '--to', '1.36', '-o', 'json'], { env });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as UpgradeReport;
  const item = (id: string) => report.items.find((i) => i.id === id);
  assert.equal(report.from, '1.35');
  assert.deepEqual(report.path, ['1.36']);
  assert.ok(
    item('requested-deprecated-apis')?.details.includes(
      'v1 componentstatuses: deprecated, no removal planned',
    ),
    JSON.stringify(item('requested-deprecated-apis')),
  );
  assert.equal(item('requested-deprecated-apis')?.verdict, 'ok');
  assert.equal(item('drain-blockers')?.verdict, 'blocker');
  assert.deepEqual(
    item('drain-blockers')?.details.map((d) => d.split(':')[0]),
    ['PodDisruptionBudget observability/prometheus', 'PodDisruptionBudget search/query-sync'],
  );
  assert.equal(item('node-skew')?.verdict, 'ok');
  assert.match(item('node-skew')?.summary ?? '', /every one of \d+ kubelets is within three minors of 1\.36/);
  assert.match(item('eks-support')?.summary ?? '', /1\.35 is in standard support for 113 more days/);
  assert.equal(item('helm-release-apis')?.verdict, 'unknown');

  const table = await runCli(['upgrade', '--to', '1.36'], { env });
  assert.match(table.stdout, /^Upgrade 1\.35 → 1\.36: blocked \(1 of 8 items could not be checked\)$/m);
  assert.match(
    table.stdout,
    /^ 6\. BLOCKER {2}PDBs that stop node drains: 2 PodDisruptionBudgets allow no eviction/m,
  );
});
