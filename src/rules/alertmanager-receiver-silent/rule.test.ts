import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPath } from '../../core/finding.ts';
import { alertmanagerConfig as config } from '../../testing/alertmanager-fixtures.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

test('alertmanager-receiver-silent', () => {
  const cases: [string, object, string[]][] = [
    [
      'every route reaches someone',
      config({ receiver: 'slack', routes: [{ receiver: 'pd', matchers: ['severity="critical"'] }] }),
      [],
    ],
    // the root takes what no child takes; critical goes nowhere
    [
      'critical to a black hole',
      config({ receiver: 'slack', routes: [{ receiver: 'void', matchers: ['severity="critical"'] }] }),
      ['high route.routes[0]'],
    ],
    [
      // critical alerts are taken by the pager route; the rest reach no one
      'the default receiver is empty',
      config({ receiver: 'void', routes: [{ receiver: 'pd', matchers: ['severity="critical"'] }] }),
      ['medium route'],
    ],
    ['no route at all: critical alerts too', config({ receiver: 'void' }), ['high route']],
    // a catch-all child takes everything: the root's empty receiver never gets an alert
    ['root shadowed by a catch-all child', config({ receiver: 'void', routes: [{ receiver: 'slack' }] }), []],
    // alerts muted by name on purpose
    [
      'InfoInhibitor to null',
      config({ receiver: 'slack', routes: [{ receiver: 'void', matchers: ['alertname="InfoInhibitor"'] }] }),
      [],
    ],
    // warnings of one team to nowhere: medium
    [
      'a team route without integrations',
      config({
        receiver: 'slack',
        routes: [{ receiver: 'void', matchers: ['team="payments"', 'severity="warning"'] }],
      }),
      ['medium route.routes[0]'],
    ],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => `${f.severity} ${formatPath(f.path ?? [])}`),
      expected,
      name,
    );
  }
});
