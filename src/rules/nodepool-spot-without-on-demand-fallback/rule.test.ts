import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

function nodePool(
  name: string,
  capacityTypes: string[],
  extra: { taints?: object[]; labels?: Record<string, string> } = {},
) {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name },
    spec: {
      template: {
        ...(extra.labels ? { metadata: { labels: extra.labels } } : {}),
        spec: {
          ...(extra.taints ? { taints: extra.taints } : {}),
          requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: capacityTypes }],
        },
      },
    },
  };
}

const taint = { key: 'dedicated', value: 'ci', effect: 'NoSchedule' };
const toleration = { key: 'dedicated', operator: 'Equal', value: 'ci', effect: 'NoSchedule' };

function runner(podSpec: object) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'runner', namespace: 'ci' },
    spec: { replicas: 4, template: { spec: { containers: [{ name: 'r', image: 'runner:1' }], ...podSpec } } },
  };
}

test('nodepool-spot-without-on-demand-fallback', () => {
  const cases: [string, object[], string[]][] = [
    // The only pool, spot only.
    ['only pool', [nodePool('spot', ['spot'])], ['noFallbackPool']],
    // Spot and on-demand in one pool: the post's setup.
    ['mixed', [nodePool('default', ['spot', 'on-demand'])], []],
    // An untainted on-demand pool takes the pods when spot is short.
    ['untainted on-demand pool', [nodePool('spot', ['spot']), nodePool('od', ['on-demand'])], []],
    // A tainted spot pool, an on-demand pool with the same taint: a fallback for the same pods.
    [
      'same taint on both',
      [
        nodePool('ci-spot', ['spot'], { taints: [taint] }),
        nodePool('ci-od', ['on-demand'], { taints: [taint] }),
      ],
      [],
    ],
    // The on-demand pool has a taint the spot pool's pods need not tolerate: no fallback.
    [
      'on-demand pool tainted differently',
      [
        nodePool('spot', ['spot']),
        nodePool('gpu', ['on-demand'], { taints: [{ key: 'gpu', effect: 'NoSchedule' }] }),
      ],
      ['noFallbackPool'],
    ],
    // Pods that select the spot pool's label cannot use the on-demand pool: stranded.
    [
      'workload selects the spot pool',
      [
        nodePool('ci-spot', ['spot'], { taints: [taint], labels: { pool: 'ci' } }),
        nodePool('default', ['spot', 'on-demand']),
        runner({ tolerations: [toleration], nodeSelector: { pool: 'ci' } }),
      ],
      ['strandedWorkloads'],
    ],
    // Pods that only tolerate the taint can fall back to the mixed pool: quiet.
    [
      'workload only tolerates the spot pool',
      [
        nodePool('ci-spot', ['spot'], { taints: [taint] }),
        nodePool('default', ['spot', 'on-demand']),
        runner({ tolerations: [toleration] }),
      ],
      [],
    ],
    // On-demand only pools are not this rule's business.
    ['on-demand only', [nodePool('od', ['on-demand'])], []],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('nodepool-spot-without-on-demand-fallback: names the stranded workloads and allows on-demand', () => {
  const [finding] = checkRule(rule, [
    nodePool('ci-spot', ['spot'], { taints: [taint], labels: { pool: 'ci' } }),
    runner({ tolerations: [toleration], nodeSelector: { pool: 'ci' } }),
  ]);
  assert.match(finding?.message ?? '', /1 workload it runs \(Deployment ci\/runner\)/);
  assert.deepEqual(finding?.fix?.edits, [
    { op: 'set', path: ['spec', 'template', 'spec', 'requirements', 0, 'operator'], value: 'In' },
    {
      op: 'set',
      path: ['spec', 'template', 'spec', 'requirements', 0, 'values'],
      value: ['spot', 'on-demand'],
    },
  ]);
});
