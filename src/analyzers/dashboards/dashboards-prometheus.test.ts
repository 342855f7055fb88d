/**
 * Every query of every generated dashboard, sent to the test platform's Prometheus (14 days of
 * cAdvisor and kube-state-metrics history for the small fixture) with Grafana's variables
 * replaced by real values. Where the fixture holds a query's series it must return data; the
 * series only `hindsight serve` exports (findings, cost, certificates) and the ones of exporters
 * the fixture lacks (listed below, and checked to be absent) must be valid PromQL, Prometheus
 * answering 200. Fails when the platform is not running, unless HINDSIGHT_TESTENV=off.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { Panel } from '@grafana/schema';
import { requirePlatform } from '../../../testenv/harness.ts';
import { generateDashboards } from './generate.ts';
import { MATCH_ALL, metricNames, substituteVariables } from './model.ts';

/** The fixture namespace with OOM kills, throttled containers and Deployments. */
const NAMESPACE = 'checkout';

/** Series of other exporters the dashboards read and the fixture history does not hold. */
const NOT_IN_FIXTURE = new Set([
  'kube_namespace_labels', // kube-state-metrics, namespace.go (the variables)
  'kube_pod_status_reason', // kube-state-metrics, pod.go (evictions)
  'kube_persistentvolumeclaim_status_phase', // kube-state-metrics, persistentvolumeclaim.go
  'coredns_dns_responses_total', // CoreDNS plugin/metrics
  'coredns_dns_request_duration_seconds_bucket',
]);

/** Grafana's variables as the test platform can answer them. */
function substitute(expr: string): string {
  return substituteVariables(expr, { ...MATCH_ALL, namespace: NAMESPACE });
}

interface Answer {
  status: number;
  series: number;
  error?: string;
}

async function ask(url: string, path: string, params: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body: new URLSearchParams(params) });
  const body = (await res.json()) as { data?: { result?: unknown[] } | unknown[]; error?: string };
  const data = body.data;
  const series = Array.isArray(data) ? data.length : (data?.result?.length ?? 0);
  return { status: res.status, series, ...(body.error ? { error: body.error } : {}) };
}

function prometheus(t: TestContext): { url: string; end: Date } | undefined {
  const state = requirePlatform(t, { prometheus: true });
  if (!state?.prometheus) return undefined;
  return { url: state.prometheus.url, end: new Date(state.prometheus.historyEnd) };
}

test('every panel query: data where the fixture holds its series, valid PromQL everywhere', async (t) => {
  const prom = prometheus(t);
  if (!prom) return;
  const names = await fetch(`${prom.url}/api/v1/label/__name__/values`).then(
    (r) => r.json() as Promise<{ data: string[] }>,
  );
  const inFixture = new Set(names.data);
  for (const name of NOT_IN_FIXTURE)
    assert.ok(!inFixture.has(name), `${name} is in the fixture now: prove it`);
  const end = prom.end.toISOString();
  const start = new Date(prom.end.getTime() - 24 * 3600_000).toISOString();
  let withData = 0;
  let validOnly = 0;
  for (const { dashboard } of generateDashboards({ teamLabel: 'team' })) {
    for (const panel of (dashboard.panels ?? []) as Panel[]) {
      for (const target of panel.targets ?? []) {
        const raw = String(target.expr);
        const query = substitute(raw);
        const where = `${dashboard.title} / ${panel.title} [${target.refId}]`;
        const answer: Answer = target.instant
          ? await ask(prom.url, '/api/v1/query', { query, time: end })
          : await ask(prom.url, '/api/v1/query_range', { query, start, end, step: '600' });
        assert.equal(answer.status, 200, `${where}: ${answer.error}\n${query}`);
        const missing = metricNames(raw).filter((n) => !inFixture.has(n));
        if (missing.length === 0) {
          assert.ok(answer.series > 0, `${where}: no data\n${query}`);
          withData++;
          continue;
        }
        for (const name of missing)
          assert.ok(
            /^(hindsight|x509)_/.test(name) || NOT_IN_FIXTURE.has(name),
            `${where}: ${name} is neither in the fixture, nor hindsight's, nor listed as another exporter's`,
          );
        validOnly++;
      }
    }
  }
  t.diagnostic(`${withData} queries returned data; ${validOnly} valid PromQL on series the fixture lacks`);
  assert.ok(withData >= 18, `${withData} queries proven with data`);
});

test('the variables: each label_values() selector is a series match Prometheus accepts', async (t) => {
  const prom = prometheus(t);
  if (!prom) return;
  const [first] = generateDashboards({ teamLabel: 'team' });
  for (const variable of first?.dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const match = /^label_values\((.+), ([a-zA-Z_]+)\)$/.exec(String(variable.query));
    assert.ok(match, `${variable.name}: ${variable.query}`);
    const answer = await ask(prom.url, '/api/v1/series', {
      'match[]': substitute(match[1] as string),
      start: new Date(prom.end.getTime() - 3600_000).toISOString(),
      end: prom.end.toISOString(),
    });
    assert.equal(answer.status, 200, `${variable.name}: ${answer.error}`);
  }
});
