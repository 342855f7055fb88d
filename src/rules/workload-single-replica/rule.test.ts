import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../rule-tester.ts';
import rule from './rule.ts';

const workload = (
  kind: string,
  replicas: number | undefined,
  opts: { ports?: boolean; pvc?: boolean } = {},
) => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    ...(replicas !== undefined ? { replicas } : {}),
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        containers: [{ name: 'app', ...(opts.ports === false ? {} : { ports: [{ containerPort: 8080 }] }) }],
        ...(opts.pvc ? { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } : {}),
      },
    },
  },
});
const scaler = (kind: 'HorizontalPodAutoscaler' | 'ScaledObject') => ({
  apiVersion: kind === 'ScaledObject' ? 'keda.sh/v1alpha1' : 'autoscaling/v2',
  kind,
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    scaleTargetRef: { name: 'api', ...(kind === 'ScaledObject' ? {} : { kind: 'Deployment' }) },
    maxReplicas: 5,
  },
});

test('workload-single-replica', () => {
  const cases: [string, object[], string[]][] = [
    // replicas: 1, serving
    ['explicit one', [workload('Deployment', 1)], ['singleReplica']],
    // no replicas field: the default 1
    ['default', [workload('Deployment', undefined)], ['defaultReplicas']],
    // two replicas
    ['two', [workload('Deployment', 2)], []],
    // replicas unset with an HPA: the right pattern
    ['hpa', [workload('Deployment', undefined), scaler('HorizontalPodAutoscaler')], []],
    // replicas: 1 with a KEDA ScaledObject: the autoscaler rules judge it
    ['keda', [workload('Deployment', 1), scaler('ScaledObject')], []],
    // scaled to zero on purpose
    ['zero', [workload('Deployment', 0)], []],
    // not serving: a worker
    ['worker', [workload('Deployment', 1, { ports: false })], []],
    // a one-replica StatefulSet database
    ['statefulset', [workload('StatefulSet', 1)], ['singleReplica']],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('workload-single-replica: fixes Deployments only, and not those holding a volume claim', () => {
  const [deployment] = checkRule(rule, [workload('Deployment', 1)]);
  assert.deepEqual(deployment?.fix?.edits, [{ op: 'set', path: ['spec', 'replicas'], value: 2 }]);
  const [statefulSet] = checkRule(rule, [workload('StatefulSet', 1)]);
  assert.equal(statefulSet?.fix, undefined);
  const [withClaim] = checkRule(rule, [workload('Deployment', 1, { pvc: true })]);
  assert.equal(withClaim?.fix, undefined, 'a second pod could not mount a ReadWriteOnce claim');
});
