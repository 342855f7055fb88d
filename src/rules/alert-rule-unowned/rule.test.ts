import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prometheusRule } from '../../testing/prometheus-rules.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule, { keepsNamespace } from './rule.ts';

test('alert-rule-unowned: does the namespace reach Alertmanager', () => {
  const cases: [string, boolean][] = [
    // no aggregation: the series' labels, namespace included, stay
    ['up == 0', true],
    // aggregated by namespace
    ['sum by (namespace) (rate(x[5m])) > 1', true],
    // aggregated away
    ['sum(rate(x[5m])) > 1', false],
    ['max by (node) (y) > 1', false],
    // a namespace selector does not survive the sum
    ['sum(rate(x{namespace="shop"}[5m])) > 1', false],
    // the word is there, the label is not
    ['sum without (namespace) (rate(x[5m])) > 1', false],
    // aggregated, and the namespace kept
    ['sum without (pod) (rate(x[5m])) > 1', true],
    ['topk(3, rate(x[5m])) > 1', true],
    // no aggregation, and the namespace lost
    ['absent(up{job="orders"})', false],
    ['x / on (instance) y > 1', false],
    // an expression the grammar cannot read falls back to the text
    ['sum(rate(x[5m]) > 1', false],
    ['sum by (namespace) (rate(x[5m]) > 1', true],
    ['rate(x[5m] > 1', true],
  ];
  for (const [expr, expected] of cases) assert.equal(keepsNamespace(expr), expected, expr);
});

test('alert-rule-unowned: owner on the alert, on the object, or none', () => {
  const alert = { alert: 'OrdersStalled', expr: 'sum(rate(orders_total[10m])) == 0', for: '15m' };
  const check = (labels: Record<string, string>, objectLabels?: Record<string, string>) =>
    checkRule(rule, [
      prometheusRule('r', [{ ...alert, labels: { severity: 'critical', ...labels } }], {
        ...(objectLabels ? { labels: objectLabels } : {}),
      }),
    ]).length;
  assert.equal(check({}), 1);
  assert.equal(check({ team: 'orders' }), 0);
  assert.equal(check({}, { team: 'orders' }), 0);
  assert.equal(check({}, { 'app.kubernetes.io/part-of': 'kube-prometheus' }), 0);
  assert.equal(check({ severity: 'none' }), 0);
});
