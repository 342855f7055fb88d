import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const pdb = (spec: object, status?: object) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'api' } }, ...spec },
  ...(status ? { status } : {}),
});
const deployment = (replicas?: number, name = 'api') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: {
    ...(replicas !== undefined ? { replicas } : {}),
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'app' }] } },
  },
});
const hpa = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
    minReplicas: 2,
    maxReplicas: 5,
  },
};

test('pdb-allows-no-disruption', () => {
  const cases: [string, object[], string[]][] = [
    // one at a time
    ['maxUnavailable 1', [pdb({ maxUnavailable: 1 }), deployment(3)], []],
    // zero, as a number or a percentage, with or without workloads in view
    ['maxUnavailable 0', [pdb({ maxUnavailable: 0 })], ['maxUnavailableZero']],
    ['maxUnavailable 0%', [pdb({ maxUnavailable: '0%' }), deployment(3)], ['maxUnavailableZero']],
    // a small percentage rounds up to one pod
    ['maxUnavailable 10%', [pdb({ maxUnavailable: '10%' }), deployment(3)], []],
    // 100% of anything
    ['minAvailable 100%', [pdb({ minAvailable: '100%' })], ['minAvailableAll']],
    // minAvailable equal to the replicas
    ['minAvailable = replicas', [pdb({ minAvailable: 3 }), deployment(3)], ['minAvailableAtLeastReplicas']],
    // minAvailable below the replicas
    ['minAvailable < replicas', [pdb({ minAvailable: 2 }), deployment(3)], []],
    // 90% of 3 rounds up to 3
    ['minAvailable 90% of 3', [pdb({ minAvailable: '90%' }), deployment(3)], ['minAvailableAtLeastReplicas']],
    // default replicas (1) with minAvailable 1
    ['minAvailable 1 of default', [pdb({ minAvailable: 1 }), deployment()], ['minAvailableAtLeastReplicas']],
    // pods of two workloads add up
    [
      'two workloads',
      [pdb({ minAvailable: 2 }), deployment(1), deployment(1, 'api-canary')],
      ['minAvailableAtLeastReplicas'],
    ],
    // an autoscaled target is judged by pdb-min-available-blocks-hpa instead
    ['autoscaled', [pdb({ minAvailable: 2 }), deployment(), hpa], []],
    // no workload in view, no status: cannot tell
    ['unknown pods', [pdb({ minAvailable: 2 })], []],
    // a snapshot PDB: status.expectedPods stands in
    [
      'expectedPods',
      [pdb({ minAvailable: 2 }, { expectedPods: 2, disruptionsAllowed: 0 })],
      ['minAvailableAtLeastReplicas'],
    ],
    // a workload scaled to zero has nothing to evict
    ['scaled to zero', [pdb({ minAvailable: 1 }), deployment(0)], []],
    // strings that are not percentages are invalid and ignored
    ['invalid string', [pdb({ minAvailable: '2' }), deployment(2)], []],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('pdb-allows-no-disruption: a fix only when a second pod keeps serving', () => {
  const [multi] = checkRule(rule, [pdb({ minAvailable: 3 }), deployment(3)]);
  assert.deepEqual(multi?.fix?.edits, [
    { op: 'remove', path: ['spec', 'minAvailable'] },
    { op: 'set', path: ['spec', 'maxUnavailable'], value: 1 },
  ]);
  assert.match(multi?.message ?? '', /not below the 3 pods it selects \(Deployment api\)/);
  const [zero] = checkRule(rule, [pdb({ maxUnavailable: 0 }), deployment(2)]);
  assert.deepEqual(zero?.fix?.edits, [{ op: 'set', path: ['spec', 'maxUnavailable'], value: 1 }]);
  const [single] = checkRule(rule, [pdb({ maxUnavailable: 0 }), deployment(1)]);
  assert.equal(single?.fix, undefined, 'a single replica needs a second one, not an open budget');
});
