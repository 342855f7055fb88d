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
    // a namespace selector names the owner
    ['sum(rate(x{namespace="shop"}[5m])) > 1', true],
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
