import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

function nodePool(disruption?: object, apiVersion = 'karpenter.sh/v1') {
  return {
    apiVersion,
    kind: 'NodePool',
    metadata: { name: 'pool' },
    spec: { template: { spec: { requirements: [] } }, ...(disruption ? { disruption } : {}) },
  };
}

test('nodepool-consolidation-disabled', () => {
  const cases: [string, object, string[]][] = [
    // Karpenter's defaults consolidate.
    ['no disruption block', nodePool(), []],
    ['the post', nodePool({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1m' }), []],
    // Never turns it off entirely; one finding even with WhenEmpty as well.
    ['Never', nodePool({ consolidationPolicy: 'WhenEmpty', consolidateAfter: 'Never' }), ['never']],
    [
      'Never with the full policy',
      nodePool({ consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: 'Never' }),
      ['never'],
    ],
    // WhenEmpty only removes empty nodes.
    ['WhenEmpty', nodePool({ consolidationPolicy: 'WhenEmpty', consolidateAfter: '5m' }), ['whenEmpty']],
    // v1beta1 spelled the full policy WhenUnderutilized.
    [
      'v1beta1 WhenUnderutilized',
      nodePool({ consolidationPolicy: 'WhenUnderutilized' }, 'karpenter.sh/v1beta1'),
      [],
    ],
    [
      'v1beta1 WhenEmpty',
      nodePool({ consolidationPolicy: 'WhenEmpty' }, 'karpenter.sh/v1beta1'),
      ['whenEmpty'],
    ],
    // A zero budget without a schedule blocks it always; with a schedule it is a freeze window.
    ['zero budget', nodePool({ budgets: [{ nodes: '0' }] }), ['zeroBudget']],
    ['zero percent budget', nodePool({ budgets: [{ nodes: '10%' }, { nodes: '0%' }] }), ['zeroBudget']],
    [
      'scheduled zero budget',
      nodePool({ budgets: [{ nodes: '0', schedule: '0 9 * * 1-5', duration: '8h' }] }),
      [],
    ],
    // A zero budget for drift only leaves consolidation alone.
    ['zero budget for drift', nodePool({ budgets: [{ nodes: '0', reasons: ['Drifted'] }] }), []],
    [
      'zero budget for underutilized',
      nodePool({ budgets: [{ nodes: '0', reasons: ['Underutilized'] }] }),
      ['zeroBudget'],
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

test('nodepool-consolidation-disabled: quotes the post and names the right policy per API version', () => {
  const [v1] = checkRule(rule, [nodePool({ consolidationPolicy: 'WhenEmpty' })]);
  assert.match(v1?.message ?? '', /Consolidation actually consolidates/);
  assert.match(v1?.message ?? '', /use WhenEmptyOrUnderutilized/);
  const [v1beta1] = checkRule(rule, [nodePool({ consolidationPolicy: 'WhenEmpty' }, 'karpenter.sh/v1beta1')]);
  assert.match(v1beta1?.message ?? '', /use WhenUnderutilized/);
  assert.deepEqual(v1beta1?.path, ['spec', 'disruption', 'consolidationPolicy']);
});
