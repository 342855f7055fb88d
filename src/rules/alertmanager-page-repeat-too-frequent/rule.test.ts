import assert from 'node:assert/strict';
import { test } from 'node:test';
import { underSlack as route } from '../../testing/alertmanager-fixtures.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

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
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});
