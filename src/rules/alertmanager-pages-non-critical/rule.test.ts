import assert from 'node:assert/strict';
import { test } from 'node:test';
import { underSlack as route } from '../../testing/alertmanager-fixtures.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

test('alertmanager-pages-non-critical', () => {
  const cases: [string, object, string[]][] = [
    // the pager takes critical alerts only
    ['critical only', route({ receiver: 'pd', matchers: ['severity="critical"'] }), []],
    // a regex that admits warning
    [
      'critical or warning',
      route({ receiver: 'pd', matchers: ['severity=~"critical|warning"'] }),
      ['pagesNonCritical'],
    ],
    // a negative matcher admits info and no severity
    ['not warning', route({ receiver: 'pd', matchers: ['severity!="warning"'] }), ['pagesNonCritical']],
    // no severity matcher: every alert the route takes pages
    ['by namespace', route({ receiver: 'pd', matchers: ['namespace="payments"'] }), ['pagesWithoutSeverity']],
    // legacy match: form
    ['legacy match', route({ receiver: 'pd', match: { severity: 'critical' } }), []],
    // the severity matcher is inherited from the parent
    [
      'inherited',
      route({ matchers: ['severity="critical"'], routes: [{ receiver: 'pd', matchers: ['team="a"'] }] }),
      [],
    ],
    // a heartbeat to the pager by alert name is not a page per severity
    ['watchdog', route({ receiver: 'pd', matchers: ['alertname="Watchdog"'] }), []],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});
