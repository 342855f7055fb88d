import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const receivers = [
  { name: 'slack', slack_configs: [{ channel: '#a' }] },
  { name: 'pd', pagerduty_configs: [{ routing_key_file: '/k' }] },
  { name: 'void' },
];
/** An alertmanager.yaml as the reader makes it, with this root route. */
const config = (root: object) => ({
  apiVersion: 'hindsight.dev/v1',
  kind: 'AlertmanagerConfiguration',
  metadata: { name: 'alertmanager' },
  route: root,
  receivers,
  inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'] }],
});

test('alertmanager-inhibit-rules-missing', () => {
  const cases: [string, object, string[]][] = [
    // with inhibit rules
    ['present', config({ receiver: 'slack' }), []],
    // an empty list is none
    ['empty', { ...config({ receiver: 'slack' }), inhibit_rules: [] }, ['noInhibitRules']],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object])
        .map((f) => f.messageId)
        .filter((id) => id !== 'unusedReceiver'),
      expected,
      name,
    );
  }
});
