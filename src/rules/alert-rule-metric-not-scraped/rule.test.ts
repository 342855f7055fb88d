import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricNamesObject } from '../../core/prometheus-metric-names.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const rules = (...exprs: string[]) => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'r', namespace: 'monitoring' },
  spec: { groups: [{ name: 'g', rules: exprs.map((expr, i) => ({ alert: `A${i}`, expr, for: '5m' })) }] },
});

test('alert-rule-metric-not-scraped: only with a Prometheus, only what it lacks', () => {
  const names = metricNamesObject('http://prom:9090', ['up', 'kube_pod_info']);
  const ids = (objects: object[]) =>
    checkRule(rule, objects).map((f) => `${f.messageId} ${f.message.split(' reads ')[1] ?? ''}`);
  // No Prometheus: nothing is known about what is scraped.
  assert.deepEqual(ids([rules('foo > 1')]), []);
  assert.deepEqual(ids([names, rules('up == 0', 'kube_pod_info * on (pod) foo')]), [
    'missing foo, which Prometheus (http://prom:9090) has no series of: its expression evaluates to nothing, so it never fires (an exporter not scraped, a renamed metric, a typo)',
  ]);
  assert.deepEqual(ids([names, rules('absent(foo)')]), []);
  // An optional part: the alert fires without it.
  assert.deepEqual(
    checkRule(rule, [names, rules('up == 0 or foo > 1')]).map((f) => [f.messageId, f.severity]),
    [['partlyMissing', 'info']],
  );
  assert.deepEqual(
    checkRule(rule, [names, rules('sum(rate(up[5m])')]).map((f) => [f.messageId, f.severity]),
    [['unparsable', 'low']],
  );
});
