import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runRules } from '../engine/run-rules.ts';
import { buildInventory } from '../inventory/inventory.ts';
import { TEST_NOW } from '../testing/rule-tester.ts';
import { defineRule } from './define-rule.ts';

test('a message id the rule does not declare fails to compile, and fails the rule at run time', () => {
  const typo = defineRule({
    id: 'test-typo',
    category: 'security',
    severity: 'low',
    lesson: 'security-baseline',
    title: 'test',
    appliesTo: ['Pod'],
    messages: { found: 'found {name}' },
    check(entry, ctx) {
      ctx.report({ messageId: 'found', data: { name: entry.ref.name } });
      // @ts-expect-error `fonud` is not a key of `messages`: tsc rejects the call (this line is the proof).
      ctx.report({ messageId: 'fonud' });
    },
  });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api', namespace: 'shop' }, spec: {} };
  const result = runRules(buildInventory([{ object: pod, origin: { source: 'test' } }]), {
    rules: [typo],
    now: TEST_NOW,
  });
  // The engine still guards rules whose ids escaped the compiler (a cast, plain JavaScript).
  assert.deepEqual(
    result.findings.map((f) => [f.ruleId, f.messageId ?? f.message]),
    [
      ['test-typo', 'found'],
      [
        'internal-error',
        'rule test-typo failed on this object: rule test-typo reported unknown message fonud. The rest of the scan went on; please report this.',
      ],
    ],
  );
});
