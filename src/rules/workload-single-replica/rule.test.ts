import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
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
    selector: { matchLabels: { app: 'api' } },
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

test('workload-single-replica: two replicas come with a budget, and never for state a copy would split', () => {
  const [deployment] = checkRule(rule, [workload('Deployment', 1)]);
  assert.deepEqual(deployment?.fix?.edits, [{ op: 'set', path: ['spec', 'replicas'], value: 2 }]);
  // No budget selects the pods: the fix brings one, or it would create workload-pdb-missing.
  assert.deepEqual(deployment?.fix?.companions, [
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'api' } } },
    },
  ]);
  const budget = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'api-pdb', namespace: 'shop' },
    spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'api' } } },
  };
  const [covered] = checkRule(rule, [workload('Deployment', 1), budget]);
  assert.equal(covered?.fix?.companions, undefined, 'an existing budget is enough');

  const withVolume = (volume: object, mountPath: string, image = 'shop/api:1.0') => {
    const w = workload('Deployment', 1) as { spec: { template: { spec: Record<string, unknown> } } };
    w.spec.template.spec.volumes = [{ name: 'data', ...volume }];
    w.spec.template.spec.containers = [
      { name: 'app', image, ports: [{ containerPort: 8080 }], volumeMounts: [{ name: 'data', mountPath }] },
    ];
    return w;
  };
  // Rows: why a second replica would be a second, independent copy → no fix, a reason.
  const unsafe: [string, object, RegExp][] = [
    ['statefulset', workload('StatefulSet', 1), /StatefulSet with one replica/],
    ['claim', workload('Deployment', 1, { pvc: true }), /mounts the claim/],
    ['emptyDir data', withVolume({ emptyDir: {} }, '/data'), /emptyDir volume data at \/data/],
    ['hostPath', withVolume({ hostPath: { path: '/srv' } }, '/srv'), /hostPath/],
    [
      'redis image',
      withVolume({ emptyDir: {} }, '/tmp', 'redis:7-alpine'),
      /redis:7-alpine, a single-instance datastore/,
    ],
    [
      'bitnami mongodb',
      withVolume({ emptyDir: {} }, '/tmp', 'bitnami/mongodb:7.0'),
      /single-instance datastore/,
    ],
  ];
  for (const [name, object, reason] of unsafe) {
    const [finding] = checkRule(rule, [object]);
    assert.equal(finding?.fix, undefined, name);
    assert.match(finding?.manual ?? '', reason, name);
  }
  // Scratch space in an emptyDir is no state: the fix stays.
  const [scratch] = checkRule(rule, [withVolume({ emptyDir: {} }, '/tmp')]);
  assert.ok(scratch?.fix, 'an emptyDir at /tmp holds no data');
});
