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
/** One child route under a Slack root. */
const route = (child: object) => config({ receiver: 'slack', routes: [child] });

test('alertmanager-page-repeat-too-frequent', () => {
  const cases: [string, object, string[]][] = [
    // Alertmanager's default 4h
    ['default', route({ receiver: 'pd', matchers: ['severity="critical"'] }), []],
    // an hour is the least
    ['1h', route({ receiver: 'pd', matchers: ['severity="critical"'], repeat_interval: '1h' }), []],
    [
      '59m',
      route({ receiver: 'pd', matchers: ['severity="critical"'], repeat_interval: '59m' }),
      ['repeatTooFrequent'],
    ],
    // composite durations
    ['1h30m', route({ receiver: 'pd', matchers: ['severity="critical"'], repeat_interval: '1h30m' }), []],
    // a short interval on a channel route is not this rule's business
    ['slack 5m', route({ receiver: 'slack', matchers: ['severity="warning"'], repeat_interval: '5m' }), []],
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
