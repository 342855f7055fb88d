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

test('alertmanager-watchdog-missing', () => {
  const cases: [string, object, string[]][] = [
    // Watchdog to a receiver with an integration
    [
      'heartbeat',
      config({ receiver: 'slack', routes: [{ receiver: 'pd', matchers: ['alertname="Watchdog"'] }] }),
      [],
    ],
    // regex on alertname counts as a dedicated route
    [
      'regex',
      config({
        receiver: 'slack',
        routes: [{ receiver: 'pd', matchers: ['alertname=~"Watchdog|Heartbeat"'] }],
      }),
      [],
    ],
    // no route: the heartbeat goes to the default receiver
    ['none', config({ receiver: 'slack' }), ['noWatchdogRoute']],
    // a Watchdog route shadowed by an earlier catch-all is no route
    [
      'shadowed',
      config({
        receiver: 'slack',
        routes: [{ receiver: 'slack' }, { receiver: 'pd', matchers: ['alertname="Watchdog"'] }],
      }),
      ['noWatchdogRoute'],
    ],
    // routed to a receiver without integrations
    [
      'silent',
      config({ receiver: 'slack', routes: [{ receiver: 'void', matchers: ['alertname="Watchdog"'] }] }),
      ['watchdogSilent'],
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
