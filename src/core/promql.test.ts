import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertShape, evaluatesEmpty, outputKeepsLabel, promqlReads } from './promql.ts';

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

test('outputKeepsLabel: whether every series an expression outputs carries a label, as PromQL passes labels on', () => {
  const cases: [string, boolean][] = [
    // a selector's series are taken to carry it, unless it selects those without it
    ['up == 0', true],
    ['x{namespace=""}', false],
    // aggregations keep the labels of by (…), all but those of without (…), none otherwise
    ['sum by (namespace, pod) (x)', true],
    ['sum(x) by (namespace)', true],
    ['sum by ("namespace") (x)', true],
    ['max by (node) (x)', false],
    ['sum without (namespace) (x)', false],
    ['sum without (pod) (x)', true],
    ['count(x) > 0', false],
    ['group(x)', false],
    ['quantile by (namespace) (0.9, x)', true],
    // by (…) keeps what the series it groups have
    ['sum by (namespace) (sum by (pod) (x))', false],
    // topk, bottomk, limitk pick series, labels whole, whatever they group by
    ['topk(3, x)', true],
    ['bottomk by (node) (3, x)', true],
    ['limitk(2, sum(x))', false],
    // count_values writes the values into the label it names
    ['count_values("namespace", x)', true],
    ['count_values("value", x)', false],
    // functions keep their argument's labels, the metric name aside
    ['sort(x)', true],
    ['rate(x[5m])', true],
    ['max_over_time(x[1h])', true],
    ['-(x offset 5m)', true],
    ['x @ 1700000000', true],
    ['max_over_time((sum by (namespace) (x))[30m:1m])', true],
    ['max_over_time(sum(x)[30m:1m])', false],
    ['histogram_quantile(0.9, sum by (le) (rate(x[5m])))', false],
    ['histogram_quantile(0.9, sum by (le, namespace) (rate(x[5m])))', true],
    ['minute(x)', true],
    // scalars and vector() have no labels; neither do the time functions without an argument
    ['vector(1)', false],
    ['scalar(x) > 1', false],
    ['minute() > 30', false],
    ['time() - x > 3600', true],
    // absent() carries its selector's equality matchers only, a label matched twice not
    ['absent(up{namespace="a"})', true],
    ['absent(up{job="a", namespace=~"a|b"})', false],
    ['absent(up{namespace="a", namespace="b"})', false],
    ['absent((up{namespace="a"}))', true],
    ['absent(sum(up{namespace="a"}))', false],
    ['absent_over_time(up{namespace="a"}[5m])', true],
    ['absent_over_time(up{namespace="a"}[5m:1m])', false],
    // label_replace sets the label to the expansion, removes it when empty, passes series the regex misses
    ['label_replace(sum(x), "namespace", "shop", "", "")', true],
    ['label_replace(sum by (job) (x), "namespace", "$1", "job", "(.*)")', true],
    // sum(x) has no job: $1 is empty
    ['label_replace(sum(x), "namespace", "$1", "job", "(.*)")', false],
    ['label_replace(x, "namespace", "", "namespace", ".*")', false],
    ['label_replace(x, "namespace", "$1", "pod", "(.*)-[a-z0-9]+")', false],
    ['label_replace(sum(x), "pod", "p", "", "")', false],
    ['label_join(sum(x), "namespace", "-", "a", "b")', true],
    ['label_join(sum(x), "namespace", "", "a")', false],
    // one-to-one: the left's labels, only those of on (…), all but those of ignoring (…)
    ['x / on(instance) y', false],
    ['x / on(instance, namespace) y', true],
    ['x / ignoring(instance) y', true],
    ['x / ignoring(namespace) y', false],
    ['x > bool 1', true],
    // paired series share the label's value: one side carrying it is enough, one without it is not
    ['sum(x) / on(namespace) sum by (namespace) (y)', false],
    ['sum by (namespace) (x) / on(namespace) y', true],
    ['sum(x) / sum(y)', false],
    // group_left / group_right: the "many" side's labels, plus those listed taken from the "one" side
    ['sum by (pod) (x) * on(pod) group_left(namespace) kube_pod_info', true],
    ['sum by (pod) (x) * on(pod) group_left kube_pod_info', false],
    ['x * on(pod) group_left(namespace) sum by (pod) (y)', false],
    ['kube_pod_info * on(pod) group_right sum by (pod) (x)', false],
    ['sum by (pod) (x) * on(pod) group_right kube_pod_info', true],
    // and, unless: the left's series; or: either side's
    ['sum(a) and on(pod) b', false],
    ['a unless sum(b)', true],
    ['sum by (namespace) (a) or b', true],
    ['sum by (namespace) (a) or sum(b)', false],
    [
      '(rate(x[5m]) > 1) * on (namespace) group_left (label_team) max by (namespace, label_team) (kube_namespace_labels) or (rate(x[5m]) > 1) unless on (namespace) kube_namespace_labels',
      true,
    ],
  ];
  for (const [expr, expected] of cases) assert.equal(outputKeepsLabel(expr, 'namespace'), expected, expr);
  assert.equal(outputKeepsLabel('histogram_quantile(0.9, rate(x[5m]))', 'le'), false);
  assert.equal(outputKeepsLabel('sum(rate(x[5m])', 'namespace'), undefined);
  assert.equal(outputKeepsLabel('rate(x[5m])', '__name__'), undefined);
});
