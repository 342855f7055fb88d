import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertShape, evaluatesEmpty, promqlReads } from './promql.ts';

test('the metrics an expression selects, by name or __name__, and those read only for their absence', () => {
  assert.deepEqual(
    promqlReads(
      'sum by (namespace) (rate(container_cpu_cfs_throttled_periods_total{container!=""}[5m])) / on (namespace) group_left (label_team) kube_namespace_labels > 0.5',
    ),
    { metrics: ['container_cpu_cfs_throttled_periods_total', 'kube_namespace_labels'], absenceOnly: [] },
  );
  assert.deepEqual(promqlReads('absent(up{job="kube-state-metrics"}) or {__name__="up"} == 0'), {
    metrics: ['up'],
    absenceOnly: [],
  });
  assert.deepEqual(promqlReads('absent_over_time(node_exporter_build_info[15m])'), {
    metrics: ['node_exporter_build_info'],
    absenceOnly: ['node_exporter_build_info'],
  });
  // A regex on __name__ names no one metric.
  assert.deepEqual(promqlReads('{__name__=~"kube_.*"}'), { metrics: [], absenceOnly: [] });
  assert.match(promqlReads('sum(rate(foo[5m])').error ?? '', /does not parse/);
});

test('an expression is empty without a metric only where PromQL makes it so', () => {
  const gone = new Set(['kube_namespace_labels', 'coredns_dns_responses_total']);
  const team =
    '(sum by (namespace) (rate(x[5m])) > 1) * on (namespace) group_left (label_team) kube_namespace_labels or (sum by (namespace) (rate(x[5m])) > 1) unless on (namespace) kube_namespace_labels';
  // The team join is optional: without the labels the alert still fires, unlabelled.
  assert.equal(evaluatesEmpty(team, gone), false);
  assert.equal(
    evaluatesEmpty('sum(rate(coredns_dns_responses_total{rcode="SERVFAIL"}[5m])) > 1', gone),
    true,
  );
  assert.equal(evaluatesEmpty('x * on (namespace) group_left kube_namespace_labels', gone), true);
  assert.equal(evaluatesEmpty('absent(coredns_dns_responses_total)', gone), false);
  assert.equal(evaluatesEmpty('coredns_dns_responses_total or vector(0)', gone), false);
  assert.equal(
    evaluatesEmpty('histogram_quantile(0.99, sum by (le) (rate(coredns_dns_responses_total[5m])))', gone),
    true,
  );
  assert.equal(evaluatesEmpty('x and coredns_dns_responses_total', gone), true);
  assert.equal(evaluatesEmpty('-(coredns_dns_responses_total offset 1h)', gone), true);
  assert.equal(evaluatesEmpty('sum(rate(x[5m])', gone), undefined);
});

test('alertShape: the series read at one instant, the longest window, time() and failed states', () => {
  const cases: [string, string[]][] = [
    // a constant
    ['vector(1)', []],
    // windowed only
    ['sum by (node) (rate(kubelet_evictions{job="kubelet"}[15m])) > 0', []],
    // an aggregation's by clause and a join's label lists are not series
    ['max by (namespace, pod) (a{x="y"}) * on (namespace) group_left (label_team) b', ['a', 'b']],
    // strings, numbers in exponent form, offsets and subqueries
    ['c{le="+Inf"} offset 5m > 2e3 and rate(d[5m:1m]) > 0', ['c']],
    // a selector inside a subquery is evaluated over its range
    ['max_over_time((x > 1)[30m:1m])', []],
    // a bare matcher
    ['{__name__="up"} == 0', ['{}']],
  ];
  for (const [expr, expected] of cases) assert.deepEqual(alertShape(expr).instant, expected, expr);
  assert.equal(alertShape('rate(a[5m]) / rate(b[1h:5m])').longestRangeMs, 3_600_000);
  assert.equal(alertShape('a > 1').longestRangeMs, 0);
  assert.equal(alertShape('time() - x > 3600').callsTime, true);
  assert.deepEqual(
    [...alertShape('node_md_disks{state="failed"} > 0 or y{phase="Running"} == 0').failedStateOnly],
    ['node_md_disks'],
  );
  assert.match(alertShape('sum(rate(x[5m]) > ').error ?? '', /does not parse/);
});
