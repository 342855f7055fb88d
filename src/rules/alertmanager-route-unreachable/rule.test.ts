import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertmanagerConfig as config } from '../../testing/alertmanager-fixtures.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

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
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});
