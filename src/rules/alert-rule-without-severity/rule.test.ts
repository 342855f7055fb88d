import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../config/config.ts';
import { prometheusRule } from '../../testing/prometheus-rules.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const alerts = [
  // no labels at all
  { alert: 'A', expr: 'up == 0', for: '5m' },
  // empty severity
  { alert: 'B', expr: 'up == 0', for: '5m', labels: { severity: '' } },
  // outside the set
  { alert: 'C', expr: 'up == 0', for: '5m', labels: { severity: 'page' } },
  // inside it
  { alert: 'D', expr: 'up == 0', for: '5m', labels: { severity: 'info' } },
];

test('alert-rule-without-severity: missing and unknown values', () => {
  assert.deepEqual(
    checkRule(rule, [prometheusRule('r', alerts)]).map((f) => `${f.messageId} ${f.message.split(' ')[1]}`),
    ['missing A', 'missing B', 'unknown C'],
  );
});

test('alert-rule-without-severity: the option widens the set', () => {
  const config = {
    ...DEFAULT_CONFIG,
    rules: { 'alert-rule-without-severity': { options: { severities: ['page', 'info'] } } },
  };
  assert.deepEqual(
    checkRule(rule, [prometheusRule('r', alerts)], { config }).map((f) => f.messageId),
    ['missing', 'missing'],
  );
});
