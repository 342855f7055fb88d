import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertmanagerConfig as config } from '../../testing/alertmanager-fixtures.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

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
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});
