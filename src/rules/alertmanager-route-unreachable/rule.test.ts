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

test('alertmanager-route-unreachable', () => {
  const cases: [string, object, string[]][] = [
    // specific first, then general: both reachable
    [
      'ordered',
      config({
        receiver: 'slack',
        routes: [
          { receiver: 'pd', matchers: ['team="a"', 'severity="critical"'] },
          { receiver: 'slack', matchers: ['team="a"'] },
        ],
      }),
      [],
    ],
    // general first: the specific one is shadowed
    [
      'shadowed',
      config({
        receiver: 'slack',
        routes: [
          { receiver: 'slack', matchers: ['team="a"'] },
          { receiver: 'pd', matchers: ['team="a"', 'severity="critical"'] },
        ],
      }),
      ['shadowedRoute'],
    ],
    // continue lets later siblings match
    [
      'continue',
      config({
        receiver: 'slack',
        routes: [
          { receiver: 'slack', matchers: ['team="a"'], continue: true },
          { receiver: 'pd', matchers: ['team="a"'] },
        ],
      }),
      [],
    ],
    // overlapping but not a subset: not provable, not reported
    [
      'disjoint',
      config({
        receiver: 'slack',
        routes: [
          { receiver: 'slack', matchers: ['team="a"'] },
          { receiver: 'pd', matchers: ['severity="critical"'] },
        ],
      }),
      [],
    ],
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
