import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alertingRulesOf,
  instantSelectors,
  longestRangeMs,
  normalizedExpr,
  prometheusDurationMs,
} from './alerting-rules.ts';

test('instantSelectors: the series read without a range', () => {
  const cases: [string, string[]][] = [
    // a constant
    ['vector(1)', []],
    // windowed only
    ['sum by (node) (rate(kubelet_evictions{job="kubelet"}[15m])) > 0', []],
    // an aggregation's by clause and a join's label lists are not series
    ['max by (namespace, pod) (a{x="y"}) * on (namespace) group_left (label_team) b', ['a', 'b']],
    // strings, numbers in exponent form, offsets and subqueries
    ['c{le="+Inf"} offset 5m > 2e3 and rate(d[5m:1m]) > 0', ['c']],
    // a bare matcher
    ['{__name__="up"} == 0', ['{}']],
  ];
  for (const [expr, expected] of cases) assert.deepEqual(instantSelectors(expr), expected, expr);
});

test('durations, windows and normalized expressions', () => {
  assert.equal(prometheusDurationMs('1h30m'), 5_400_000);
  assert.equal(prometheusDurationMs('0s'), 0);
  assert.equal(prometheusDurationMs('0'), 0);
  assert.equal(prometheusDurationMs('{{ .for }}'), undefined);
  assert.equal(longestRangeMs('rate(a[5m]) / rate(b[1h:5m])'), 3_600_000);
  assert.equal(longestRangeMs('a > 1'), 0);
  assert.equal(normalizedExpr('sum by(x) (a)  >  1'), normalizedExpr('sum by (x)(a) > 1'));
});

test('alertingRulesOf: alerts with their paths, recording rules left out, malformed parts skipped', () => {
  const rules = alertingRulesOf({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'r' },
    spec: {
      groups: [
        {
          name: 'g',
          rules: [
            { record: 'x', expr: 'y' },
            { alert: 'A', expr: 'up == 0', for: '5m', labels: { severity: 'info' } },
          ],
        },
        { name: 'broken', rules: 'nope' },
        null,
      ],
    },
  });
  assert.deepEqual(rules, [
    {
      alert: 'A',
      expr: 'up == 0',
      for: '5m',
      labels: { severity: 'info' },
      annotations: {},
      group: 'g',
      path: ['spec', 'groups', 0, 'rules', 1],
    },
  ]);
});
