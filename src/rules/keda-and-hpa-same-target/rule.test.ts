import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const scaledObject = (spec: object = {}, name = 'worker') => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name, namespace: 'jobs' },
  spec: { scaleTargetRef: { name: 'worker' }, ...spec },
});
const hpa = (
  name: string,
  metadata: object = {},
  target: object = { kind: 'Deployment', name: 'worker' },
  min = 2,
) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: 'jobs', ...metadata },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', ...target }, minReplicas: min, maxReplicas: 10 },
});

test('keda-and-hpa-same-target', () => {
  const cases: [string, object[], string[]][] = [
    // a second HPA with minReplicas 2; KEDA scales from zero to one
    ['raises minimum', [scaledObject(), hpa('worker-cpu')], ['conflictRaisesMinimum']],
    // a second HPA that goes down to one: still a fight, no higher floor
    [
      'same floor',
      [scaledObject(), hpa('worker-cpu', {}, { kind: 'Deployment', name: 'worker' }, 1)],
      ['conflict'],
    ],
    // a ScaledObject that never goes below 2
    ['conflict', [scaledObject({ minReplicaCount: 2 }), hpa('worker-cpu')], ['conflict']],
    // KEDA's own HPA, by ownerReference
    [
      'owned by keda',
      [
        scaledObject(),
        hpa('keda-hpa-worker', {
          ownerReferences: [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'worker' }],
        }),
      ],
      [],
    ],
    // KEDA's own HPA, by its label
    [
      'labelled by keda',
      [scaledObject(), hpa('custom', { labels: { 'scaledobject.keda.sh/name': 'worker' } })],
      [],
    ],
    // KEDA's default name
    ['keda default name', [scaledObject(), hpa('keda-hpa-worker')], []],
    // an HPA the ScaledObject adopts by name
    [
      'adopted',
      [
        scaledObject({ advanced: { horizontalPodAutoscalerConfig: { name: 'worker-hpa' } } }),
        hpa('worker-hpa'),
      ],
      [],
    ],
    // another workload
    ['other target', [scaledObject(), hpa('api', {}, { kind: 'Deployment', name: 'api' })], []],
    // the ScaledObject targets a StatefulSet of the same name: different target
    [
      'other kind',
      [scaledObject({ scaleTargetRef: { kind: 'StatefulSet', name: 'worker' } }), hpa('worker-cpu')],
      [],
    ],
    // another namespace
    [
      'other namespace',
      [{ ...scaledObject(), metadata: { name: 'worker', namespace: 'other' } }, hpa('worker-cpu')],
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

test('keda-and-hpa-same-target names both and the raised minimum', () => {
  const [finding] = checkRule(rule, [scaledObject(), hpa('worker-cpu')]);
  assert.equal(finding?.ref.name, 'worker-cpu');
  assert.match(finding?.message ?? '', /KEDA ScaledObject worker already scales/);
  assert.match(
    finding?.message ?? '',
    /holds it at 2 pods or more, above the 1 pod \(from zero\) the ScaledObject allows$/,
  );
});
