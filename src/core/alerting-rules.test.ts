import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertingRulesOf, normalizedExpr, prometheusDurationMs } from './alerting-rules.ts';

test('durations and normalized expressions', () => {
  assert.equal(prometheusDurationMs('1h30m'), 5_400_000);
  assert.equal(prometheusDurationMs('0s'), 0);
  assert.equal(prometheusDurationMs('0'), 0);
  assert.equal(prometheusDurationMs('{{ .for }}'), undefined);
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
