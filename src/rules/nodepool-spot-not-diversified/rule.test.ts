import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../config/config.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

function nodePool(requirements: object[]) {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: 'pool' },
    spec: { template: { spec: { requirements } } },
  };
}

const req = (key: string, operator: string, values: string[]) => ({ key, operator, values });
const spot = req('karpenter.sh/capacity-type', 'In', ['spot']);

test('nodepool-spot-not-diversified', () => {
  const cases: [string, object[], string[]][] = [
    // One family.
    ['one family', [spot, req('karpenter.k8s.aws/instance-family', 'In', ['c5'])], ['fewFamilies']],
    // Two families meet the default minimum.
    ['two families', [spot, req('karpenter.k8s.aws/instance-family', 'In', ['c5', 'm5'])], []],
    // A short list of types.
    [
      'three types',
      [spot, req('node.kubernetes.io/instance-type', 'In', ['c5.xlarge', 'm5.xlarge', 'r5.xlarge'])],
      ['fewTypes'],
    ],
    // Many sizes of one family: one family.
    [
      'five sizes of c5',
      [
        req('node.kubernetes.io/instance-type', 'In', [
          'c5.large',
          'c5.xlarge',
          'c5.2xlarge',
          'c5.4xlarge',
          'c5.9xlarge',
        ]),
      ],
      ['fewFamilies'],
    ],
    // Category and generation both pinned to one.
    [
      'one category, one generation',
      [
        spot,
        req('karpenter.k8s.aws/instance-category', 'In', ['c']),
        req('karpenter.k8s.aws/instance-generation', 'In', ['6']),
      ],
      ['oneGeneration'],
    ],
    // Generation as a lower bound leaves many.
    [
      'category c, generation > 5',
      [
        spot,
        req('karpenter.k8s.aws/instance-category', 'In', ['c']),
        req('karpenter.k8s.aws/instance-generation', 'Gt', ['5']),
      ],
      [],
    ],
    // One zone, otherwise wide.
    ['one zone', [spot, req('topology.kubernetes.io/zone', 'In', ['us-east-1a'])], ['oneZone']],
    // Type and zone together: two findings.
    [
      'few types and one zone',
      [
        req('node.kubernetes.io/instance-type', 'In', ['m5.large']),
        req('topology.kubernetes.io/zone', 'In', ['us-east-1a']),
      ],
      ['fewTypes', 'oneZone'],
    ],
    // On-demand only: spot diversification does not apply.
    [
      'on-demand only',
      [
        req('karpenter.sh/capacity-type', 'In', ['on-demand']),
        req('karpenter.k8s.aws/instance-family', 'In', ['c5']),
      ],
      [],
    ],
    // NotIn excludes, it does not narrow.
    ['NotIn families', [spot, req('karpenter.k8s.aws/instance-family', 'NotIn', ['t3', 't3a'])], []],
  ];
  for (const [name, requirements, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [nodePool(requirements)]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('nodepool-spot-not-diversified: counts in the message, severity and options', () => {
  const pool = nodePool([spot, req('karpenter.k8s.aws/instance-family', 'In', ['c5'])]);
  const [finding] = checkRule(rule, [pool]);
  assert.match(finding?.message ?? '', /only 1 instance family \(c5\)/);
  assert.deepEqual(finding?.path, ['spec', 'template', 'spec', 'requirements', 1]);

  const [generation] = checkRule(rule, [
    nodePool([
      spot,
      req('karpenter.k8s.aws/instance-category', 'In', ['c']),
      req('karpenter.k8s.aws/instance-generation', 'In', ['6']),
    ]),
  ]);
  assert.equal(generation?.severity, 'low');

  // A stricter team asks for three families.
  const config = validateConfig(
    {
      rules: { 'nodepool-spot-not-diversified': { options: { minInstanceFamilies: 3 } } },
    },
    '.hindsight.yaml',
  );
  const two = nodePool([spot, req('karpenter.k8s.aws/instance-family', 'In', ['c5', 'm5'])]);
  assert.equal(checkRule(rule, [two], { config }).length, 1);
});
