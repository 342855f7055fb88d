/**
 * `alerts lint --prometheus` against the test platform's real Prometheus (14 days of cAdvisor and
 * kube-state-metrics history for the fixture cluster, no CoreDNS, Cilium or certificate
 * exporters): the generated alerts over series it has pass, those over exporters it lacks are
 * found, and every metric named missing is one Prometheus itself has no series of. And lint of
 * the live cluster: a PrometheusRule created through the API server is read and judged.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { platformClient } from '../../../testenv/apply.ts';
import { requirePlatform } from '../../../testenv/harness.ts';
import { runCli } from '../../testing/run-cli.ts';

interface Finding {
  rule: string;
  severity: string;
  message: string;
}

test('alerts lint --prometheus: alerts over metrics the Prometheus lacks are found, the rest pass', async (t) => {
  const state = requirePlatform(t, { prometheus: true });
  if (!state?.prometheus) return;
  const { url, historyStart, historyEnd } = state.prometheus;
  const out = mkdtempSync(join(tmpdir(), 'hindsight-alerts-prom-'));
  const namespaces = join(
    import.meta.dirname,
    '..',
    '..',
    'rules',
    'alertmanager-watchdog-missing',
    'fixtures',
  );
  const generated = await runCli(['alerts', 'generate', namespaces, '-o', out]);
  assert.equal(generated.code, 0, generated.stderr);

  const env = { ...process.env, HINDSIGHT_NOW: historyEnd };
  const r = await runCli(
    ['alerts', 'lint', join(out, 'prometheusrules'), '--prometheus', url, '-o', 'json'],
    {
      env,
    },
  );
  const report = JSON.parse(r.stdout) as { findings: Finding[] };
  const mine = report.findings.filter((f) => f.rule === 'alert-rule-metric-not-scraped');
  const alertOf = (f: Finding) => /^alert (\S+)/.exec(f.message)?.[1];
  const silent = mine.filter((f) => f.severity === 'medium').map(alertOf);
  // No CoreDNS and no Cilium in the fixture: those alerts can never fire there.
  for (const alert of ['HindsightCoreDNSServfailHigh', 'HindsightNetworkPolicyDrops'])
    assert.ok(silent.includes(alert), `${alert} is found: ${silent.join(', ')}`);
  // cAdvisor's throttling counters are in the history: that alert can fire (its team join,
  // over kube_namespace_labels the fixture lacks, is optional and reported as info at most).
  assert.ok(!silent.includes('HindsightCPUThrottlingHigh'), silent.join(', '));

  // Each metric called missing has no series in Prometheus over the history.
  const missing = new Set(
    mine.flatMap((f) => /reads (.+?), which Prometheus/.exec(f.message)?.[1]?.split(', ') ?? []),
  );
  assert.ok(missing.size > 3);
  for (const metric of missing) {
    const params = new URLSearchParams({ 'match[]': metric, start: historyStart, end: historyEnd });
    const answer = (await (await fetch(`${url}/api/v1/series?${params}`)).json()) as { data: unknown[] };
    assert.deepEqual(answer.data, [], `${metric} has series`);
  }

  // Without --prometheus what is scraped is unknown: the rule stays silent.
  const offline = await runCli(['alerts', 'lint', join(out, 'prometheusrules'), '-o', 'json'], { env });
  const offlineReport = JSON.parse(offline.stdout) as { findings: Finding[] };
  assert.deepEqual(
    offlineReport.findings.filter((f) => f.rule === 'alert-rule-metric-not-scraped'),
    [],
  );
});

test('alerts lint reads PrometheusRules from the live cluster', async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const client = platformClient(state);
  const namespace = `alerts-lint-${process.pid}`;
  await client.send('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  try {
    const created = await client.send(
      'POST',
      `/apis/monitoring.coreos.com/v1/namespaces/${namespace}/prometheusrules`,
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: 'probe', namespace },
        spec: {
          groups: [
            {
              name: 'probe',
              rules: [{ alert: 'ProbeDown', expr: 'up == 0', labels: { severity: 'warning' } }],
            },
          ],
        },
      },
    );
    assert.ok(created.status < 300, created.body);
    const r = await runCli(['alerts', 'lint', '-n', namespace, '-o', 'json'], {
      env: { ...process.env, KUBECONFIG: state.kubeconfig },
    });
    const report = JSON.parse(r.stdout) as { findings: (Finding & { kind: string; name: string })[] };
    assert.deepEqual(report.findings.map((f) => `${f.rule} ${f.kind}/${f.name}`).sort(), [
      'alert-rule-without-for PrometheusRule/probe',
      'alert-rule-without-runbook PrometheusRule/probe',
    ]);
  } finally {
    await client.send('DELETE', `/api/v1/namespaces/${namespace}`);
  }
});
