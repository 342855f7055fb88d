import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertmanagerConfig as config } from '../../testing/alertmanager-fixtures.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

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
