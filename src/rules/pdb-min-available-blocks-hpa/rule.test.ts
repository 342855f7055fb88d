import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const pdb = (spec: object) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'api' } }, ...spec },
});
const deployment = (replicas?: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    ...(replicas !== undefined ? { replicas } : {}),
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'app' }] } },
  },
});
const hpa = (minReplicas?: number) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
    ...(minReplicas !== undefined ? { minReplicas } : {}),
    maxReplicas: 10,
  },
});
const scaledObject = (minReplicaCount?: number) => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { scaleTargetRef: { name: 'api' }, ...(minReplicaCount !== undefined ? { minReplicaCount } : {}) },
});

test('pdb-min-available-blocks-hpa', () => {
  const cases: [string, object[], string[]][] = [
    // minAvailable 1, HPA down to 1
    ['min 1 vs 1', [pdb({ minAvailable: 1 }), deployment(), hpa(1)], ['blocksAtMinimum']],
    // minReplicas unset defaults to 1
    ['min unset', [pdb({ minAvailable: 1 }), deployment(), hpa()], ['blocksAtMinimum']],
    // minAvailable 2 vs minimum 3: one can go
    ['room', [pdb({ minAvailable: 2 }), deployment(), hpa(3)], []],
    // minAvailable 3 vs minimum 3
    ['equal', [pdb({ minAvailable: 3 }), deployment(), hpa(3)], ['blocksAtMinimum']],
    // 50% of one pod rounds up to one
    ['percent', [pdb({ minAvailable: '50%' }), deployment(), hpa(1)], ['blocksAtMinimum']],
    // 50% of four leaves two
    ['percent with room', [pdb({ minAvailable: '50%' }), deployment(), hpa(4)], []],
    // maxUnavailable does not depend on the replica count
    ['maxUnavailable', [pdb({ maxUnavailable: 1 }), deployment(), hpa(1)], []],
    // no autoscaler: pdb-allows-no-disruption's job
    ['no autoscaler', [pdb({ minAvailable: 1 }), deployment(1)], []],
    // KEDA scaling to zero: at its first pod the budget blocks
    ['keda from zero', [pdb({ minAvailable: 1 }), deployment(), scaledObject()], ['blocksAtMinimum']],
    // 100% is pdb-allows-no-disruption's
    ['100%', [pdb({ minAvailable: '100%' }), deployment(), hpa(1)], []],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('pdb-min-available-blocks-hpa: names the autoscaler, fixes only with two pods at the minimum', () => {
  const [single] = checkRule(rule, [pdb({ minAvailable: 1 }), deployment(), hpa()]);
  assert.equal(
    single?.message,
    'minAvailable 1 allows no eviction once HorizontalPodAutoscaler api (minReplicas 1, the default) scales Deployment api down to a single pod: from then on (at night, typically) kubectl drain, cluster upgrades and Karpenter consolidation stall on every node that runs one of its pods',
  );
  assert.equal(single?.fix, undefined);
  const [two] = checkRule(rule, [pdb({ minAvailable: 2 }), deployment(), hpa(2)]);
  assert.deepEqual(two?.fix?.edits, [
    { op: 'remove', path: ['spec', 'minAvailable'] },
    { op: 'set', path: ['spec', 'maxUnavailable'], value: 1 },
  ]);
});
