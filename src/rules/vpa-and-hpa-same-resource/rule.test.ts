import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const vpa = (spec: object = {}) => ({
  apiVersion: 'autoscaling.k8s.io/v1',
  kind: 'VerticalPodAutoscaler',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, ...spec },
});
const hpa = (metrics?: object[], extra: object = {}) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'api', namespace: 'shop', ...extra },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
    maxReplicas: 5,
    ...(metrics ? { metrics } : {}),
  },
});
const cpu = {
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
};
const memory = {
  type: 'Resource',
  resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } },
};
const memoryAverage = {
  type: 'Resource',
  resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1Gi' } },
};
const external = {
  type: 'External',
  external: { metric: { name: 'sqs_depth' }, target: { type: 'AverageValue', averageValue: '5' } },
};
const policies = (...containerPolicies: object[]) => ({ resourcePolicy: { containerPolicies } });

test('vpa-and-hpa-same-resource', () => {
  const cases: [string, object[], string[]][] = [
    // default VPA (Recreate, cpu+memory) and a CPU HPA
    ['cpu', [vpa(), hpa([cpu])], ['cpu']],
    // the HPA default metric is CPU
    ['hpa default metric', [vpa(), hpa()], ['cpu']],
    // both resources
    ['both', [vpa(), hpa([cpu, memory])], ['cpu and memory']],
    // VPA recommend-only: no conflict
    ['vpa off', [vpa({ updatePolicy: { updateMode: 'Off' } }), hpa([cpu])], []],
    // VPA controls memory only
    ['memory only', [vpa(policies({ containerName: '*', controlledResources: ['memory'] })), hpa([cpu])], []],
    // the container policy is Off
    ['policy off', [vpa(policies({ containerName: '*', mode: 'Off' })), hpa([cpu])], []],
    // an AverageValue target does not divide by the request VPA moves
    ['average value', [vpa(), hpa([memoryAverage])], []],
    // an HPA on an external metric only
    ['external', [vpa(), hpa([external])], []],
    // KEDA's own HPA is skipped (its ScaledObject is checked instead)
    [
      'keda-owned hpa',
      [
        vpa(),
        hpa([cpu], {
          name: 'keda-hpa-api',
          ownerReferences: [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'api' }],
        }),
      ],
      [],
    ],
    // a ScaledObject with a cpu trigger
    [
      'keda cpu trigger',
      [
        vpa(),
        {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name: 'api', namespace: 'shop' },
          spec: {
            scaleTargetRef: { name: 'api' },
            triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '60' } }],
          },
        },
      ],
      ['cpu'],
    ],
    // an HPA for another Deployment
    [
      'other target',
      [
        vpa(),
        { ...hpa([cpu]), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, metrics: [cpu] } },
      ],
      [],
    ],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => /sets the (.+?) requests/.exec(f.message)?.[1]),
      expected,
      name,
    );
  }
});

test('vpa-and-hpa-same-resource: the fix hands the contested resource to the HPA', () => {
  const [noPolicies] = checkRule(rule, [vpa(), hpa([cpu])]);
  assert.deepEqual(noPolicies?.fix?.edits, [
    {
      op: 'set',
      path: ['spec', 'resourcePolicy', 'containerPolicies'],
      value: [{ containerName: '*', controlledResources: ['memory'] }],
    },
  ]);
  const [named] = checkRule(rule, [
    vpa(policies({ containerName: 'app', controlledResources: ['cpu'] })),
    hpa([cpu]),
  ]);
  assert.deepEqual(named?.fix?.edits, [
    { op: 'set', path: ['spec', 'resourcePolicy', 'containerPolicies', 0, 'mode'], value: 'Off' },
    {
      op: 'add-to-list',
      path: ['spec', 'resourcePolicy', 'containerPolicies'],
      value: { containerName: '*', controlledResources: ['memory'] },
    },
  ]);
  const [both] = checkRule(rule, [vpa(), hpa([cpu, memory])]);
  assert.deepEqual(both?.fix?.edits, [
    { op: 'set', path: ['spec', 'updatePolicy', 'updateMode'], value: 'Off' },
  ]);
});

test('vpa-and-hpa-same-resource: Initial mode is medium', () => {
  const [finding] = checkRule(rule, [vpa({ updatePolicy: { updateMode: 'Initial' } }), hpa([cpu])]);
  assert.equal(finding?.severity, 'medium');
});
