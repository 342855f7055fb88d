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

test('alertmanager-receiver-unused', () => {
  const cases: [string, object, string[]][] = [
    // the root and a child route name slack and pd; void is never named
    [
      'routed',
      config({ receiver: 'slack', routes: [{ receiver: 'pd', matchers: ['severity="critical"'] }] }),
      ['void'],
    ],
    // a child without a receiver inherits the root's
    ['inherited', config({ receiver: 'slack', routes: [{ matchers: ['team="a"'] }] }), ['pd', 'void']],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => /receiver (\S+)/.exec(f.message)?.[1]),
      expected,
      name,
    );
  }
});
