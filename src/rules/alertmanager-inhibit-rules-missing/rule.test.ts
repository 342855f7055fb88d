import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertmanagerConfig as config } from '../../testing/alertmanager-fixtures.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

test('alertmanager-inhibit-rules-missing', () => {
  const cases: [string, object, string[]][] = [
    // with inhibit rules
    ['present', config({ receiver: 'slack' }), []],
    // an empty list is none
    ['empty', { ...config({ receiver: 'slack' }), inhibit_rules: [] }, ['noInhibitRules']],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});
