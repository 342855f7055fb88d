import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

function nodePool(limits?: object, apiVersion = 'karpenter.sh/v1') {
  return {
    apiVersion,
    kind: 'NodePool',
    metadata: { name: 'default' },
    spec: { template: { spec: { requirements: [] } }, ...(limits !== undefined ? { limits } : {}) },
  };
}

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
    ['gpu only', [nodePool({ 'nvidia.com/gpu': 8 })], ['unbounded']],
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
