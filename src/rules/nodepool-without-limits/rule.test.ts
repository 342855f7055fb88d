import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

function nodePool(
  limits?: object,
  apiVersion = 'karpenter.sh/v1',
  requirements: object[] = [],
  group?: string,
) {
  const nodeClassRef = group ? { nodeClassRef: { group, kind: 'NodeClass', name: 'default' } } : {};
  return {
    apiVersion,
    kind: 'NodePool',
    metadata: { name: 'default' },
    spec: {
      template: { spec: { requirements, ...nodeClassRef } },
      ...(limits !== undefined ? { limits } : {}),
    },
  };
}

const gpu = { 'nvidia.com/gpu': 8 };
const families = (...values: string[]) => ({
  key: 'karpenter.k8s.aws/instance-family',
  operator: 'In',
  values,
});

test('nodepool-without-limits', () => {
  const cases: [string, object[], string[]][] = [
    // No limits at all.
    ['no limits', [nodePool()], ['missing']],
    // An empty map is the same.
    ['empty limits', [nodePool({})], ['missing']],
    // A CPU limit alone bounds the pool (the post's NodePool).
    ['cpu only', [nodePool({ cpu: 1000 })], []],
    // Memory alone, or a node count, bound it too.
    ['memory only', [nodePool({ memory: '4000Gi' })], []],
    ['nodes only', [nodePool({ nodes: '50' })], []],
    // GPUs only: CPU instances are unbounded.
    ['gpu only', [nodePool(gpu)], ['unbounded']],
    // ...unless every type the pool allows has an NVIDIA GPU: then at most 8 GPUs' worth of nodes.
    ['gpu families', [nodePool(gpu, undefined, [families('g5', 'g6', 'p4d')])], []],
    [
      'gpu count and maker',
      [
        nodePool(gpu, undefined, [
          { key: 'karpenter.k8s.aws/instance-gpu-manufacturer', operator: 'In', values: ['nvidia'] },
          { key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'Gt', values: ['0'] },
          { key: 'karpenter.k8s.aws/instance-family', operator: 'NotIn', values: ['g6f', 'gr6f'] },
        ]),
      ],
      [],
    ],
    // Category g also has g4ad (AMD GPUs) and g6f (a fraction of a GPU, no nvidia.com/gpu).
    [
      'gpu category',
      [
        nodePool(gpu, undefined, [
          { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['g'] },
        ]),
      ],
      ['unbounded'],
    ],
    // A type hindsight does not know, or another cloud's nodes: it cannot tell.
    ['unknown family', [nodePool(gpu, undefined, [families('g5', 'g99')])], ['unverified']],
    ['not EC2', [nodePool(gpu, undefined, [], 'karpenter.azure.com')], ['unverified']],
    // v1beta1 has the same field.
    ['v1beta1 without limits', [nodePool(undefined, 'karpenter.sh/v1beta1')], ['missing']],
    // Another product's NodePool kind is not Karpenter's.
    ['not karpenter', [{ ...nodePool(), apiVersion: 'hypershift.openshift.io/v1beta1' }], []],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('nodepool-without-limits: says how big the pool is now when its nodes are in the scan', () => {
  const node = (name: string, cpu: string, memory: string) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'karpenter.sh/nodepool': 'default' } },
    status: { capacity: { cpu, memory } },
  });
  const [finding] = checkRule(rule, [nodePool(), node('a', '16', '32Gi'), node('b', '8', '16Gi')]);
  assert.match(finding?.message ?? '', /its 2 nodes hold 24 vCPU and 48Gi of memory now/);
});

test('nodepool-without-limits: names the types a GPU limit does not bound', () => {
  const requirements = [{ key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['g'] }];
  const [finding] = checkRule(rule, [nodePool(gpu, undefined, requirements)]);
  assert.match(
    finding?.message ?? '',
    /allow instance types without nvidia\.com\/gpu \(g6f\.large, g4ad\.xlarge, g6f\.xlarge and 6 more, in hindsight's EC2 catalogue\)/,
  );
});
