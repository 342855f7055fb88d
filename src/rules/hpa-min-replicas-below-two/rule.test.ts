import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (ports = true) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    template: {
      metadata: { labels: { app: 'api' } },
      spec: { containers: [{ name: 'app', ...(ports ? { ports: [{ containerPort: 8080 }] } : {}) }] },
    },
  },
});
const hpa = (spec: object, metadata: object = {}) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'api', namespace: 'shop', ...metadata },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
    maxReplicas: 10,
    ...spec,
  },
});

test('hpa-min-replicas-below-two', () => {
  const cases: [string, object[], string[]][] = [
    // two is enough
    ['min 2', [deployment(), hpa({ minReplicas: 2 })], []],
    // one
    ['min 1', [deployment(), hpa({ minReplicas: 1 })], ['minOne']],
    // unset defaults to 1
    ['unset', [deployment(), hpa({})], ['minUnset']],
    // a worker (no ports, no Service) may go down to one
    ['worker', [deployment(false), hpa({ minReplicas: 1 })], []],
    // the target is not in the inventory: cannot tell whether it serves
    ['no target', [hpa({ minReplicas: 1 })], []],
    // KEDA's own HPA follows the ScaledObject
    [
      'keda-owned',
      [
        deployment(),
        hpa(
          { minReplicas: 1 },
          { ownerReferences: [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'api' }] },
        ),
      ],
      [],
    ],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('hpa-min-replicas-below-two: fixes to 2 unless maxReplicas is below 2', () => {
  const [finding] = checkRule(rule, [deployment(), hpa({ minReplicas: 1 })]);
  assert.deepEqual(finding?.fix?.edits, [{ op: 'set', path: ['spec', 'minReplicas'], value: 2 }]);
  const [capped] = checkRule(rule, [deployment(), hpa({ minReplicas: 1, maxReplicas: 1 })]);
  assert.equal(capped?.fix, undefined, 'minReplicas above maxReplicas would be rejected');
});
