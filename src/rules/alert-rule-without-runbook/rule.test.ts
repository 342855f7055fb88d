import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prometheusRule } from '../../testing/prometheus-rules.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

test('alert-rule-without-runbook', () => {
  const findings = checkRule(rule, [
    prometheusRule('r', [
      // no annotations
      { alert: 'A', expr: 'up == 0', for: '5m', labels: { severity: 'warning' } },
      // an empty link
      {
        alert: 'B',
        expr: 'up == 0',
        for: '5m',
        labels: { severity: 'warning' },
        annotations: { runbook_url: '' },
      },
      // linked
      {
        alert: 'C',
        expr: 'up == 0',
        for: '5m',
        labels: { severity: 'warning' },
        annotations: { runbook_url: 'x' },
      },
      // never delivered
      { alert: 'Watchdog', expr: 'vector(1)', labels: { severity: 'none' } },
    ]),
  ]);
  assert.deepEqual(
    findings.map((f) => f.message.split(' ')[1]),
    ['A', 'B'],
  );
});
