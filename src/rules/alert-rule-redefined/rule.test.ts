import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prometheusRule } from '../../testing/prometheus-rules.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const crash = (expr: string, severity = 'warning') => ({
  alert: 'KubePodCrashLooping',
  expr,
  for: '15m',
  labels: { severity },
});

test('alert-rule-redefined', () => {
  const cases: [string, object[], number][] = [
    // the same name, labels and expression in two objects: a harmless duplicate
    ['identical copies', [prometheusRule('a', [crash('x > 1')]), prometheusRule('b', [crash('x  >  1')])], 0],
    // tiers: different severities
    ['tiers', [prometheusRule('a', [crash('x > 1'), crash('x > 5', 'critical')])], 0],
    // a changed copy in another object: both reported
    ['forked', [prometheusRule('a', [crash('x > 1')]), prometheusRule('b', [crash('x > 3')])], 2],
    // two definitions in one group
    ['same group', [prometheusRule('a', [crash('x > 1'), crash('x > 3')])], 2],
  ];
  for (const [name, objects, expected] of cases)
    assert.equal(checkRule(rule, objects).length, expected, name);
});

test('alert-rule-redefined names the other copy', () => {
  const [finding] = checkRule(rule, [
    prometheusRule('kubernetes-apps', [crash('x > 1')], { group: 'kubernetes-apps' }),
    prometheusRule('shop-alerts', [crash('x > 3')], { namespace: 'shop', group: 'shop' }),
  ]);
  assert.equal(
    finding?.message,
    'alert KubePodCrashLooping is also defined in PrometheusRule shop/shop-alerts group shop with the same labels and a different expression: both are evaluated and reach Alertmanager as one alert, so which condition fired depends on the moment, and a fix to one copy leaves the other',
  );
});
