import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (containers: object[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { template: { metadata: { labels: { app: 'api' } }, spec: { containers } } },
});
const hpa = (spec: object, apiVersion = 'autoscaling/v2') => ({
  apiVersion,
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
    maxReplicas: 5,
    ...spec,
  },
});
const resource = (name: string, type: string, extra: object = {}) => ({
  type: 'Resource',
  resource: { name, target: { type, ...extra } },
});
const app = (requests?: object) => ({ name: 'app', ...(requests ? { resources: { requests } } : {}) });

test('hpa-utilization-without-requests', () => {
  const cases: [string, object[], string[]][] = [
    // the request is there
    [
      'cpu requested',
      [deployment([app({ cpu: '100m' })]), hpa({ metrics: [resource('cpu', 'Utilization')] })],
      [],
    ],
    // missing cpu request
    ['cpu missing', [deployment([app()]), hpa({ metrics: [resource('cpu', 'Utilization')] })], ['app']],
    // memory utilization needs a memory request
    [
      'memory missing',
      [deployment([app({ cpu: '1' })]), hpa({ metrics: [resource('memory', 'Utilization')] })],
      ['app'],
    ],
    // AverageValue does not divide by the request
    ['average value', [deployment([app()]), hpa({ metrics: [resource('cpu', 'AverageValue')] })], []],
    // no metrics: the 80% CPU default applies
    ['default metric', [deployment([app()]), hpa({})], ['app']],
    // autoscaling/v1: targetCPUUtilizationPercentage
    ['v1', [deployment([app()]), hpa({ targetCPUUtilizationPercentage: 70 }, 'autoscaling/v1')], ['app']],
    // autoscaling/v2beta1 shape
    [
      'v2beta1',
      [
        deployment([app()]),
        hpa(
          { metrics: [{ type: 'Resource', resource: { name: 'cpu', targetAverageUtilization: 70 } }] },
          'autoscaling/v2beta1',
        ),
      ],
      ['app'],
    ],
    // every container counts: the sidecar lacks it
    [
      'sidecar missing',
      [
        deployment([app({ cpu: '1' }), { name: 'sidecar' }]),
        hpa({ metrics: [resource('cpu', 'Utilization')] }),
      ],
      ['sidecar'],
    ],
    // ContainerResource only needs its own container's request
    [
      'container resource',
      [
        deployment([app({ cpu: '1' }), { name: 'sidecar' }]),
        hpa({
          metrics: [
            {
              type: 'ContainerResource',
              containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization' } },
            },
          ],
        }),
      ],
      [],
    ],
    // a limit defaults the request
    [
      'limit only',
      [
        deployment([{ name: 'app', resources: { limits: { cpu: '1' } } }]),
        hpa({ metrics: [resource('cpu', 'Utilization')] }),
      ],
      [],
    ],
    // target not in the inventory: nothing to say
    ['no target', [hpa({ metrics: [resource('cpu', 'Utilization')] })], []],
  ];
  for (const [name, objects, expected] of cases) {
    const findings = checkRule(rule, objects);
    assert.deepEqual(
      findings.map((f) => /container (\S+) has no/.exec(f.message)?.[1]),
      expected,
      name,
    );
  }
});

test('hpa-utilization-without-requests points at the metric', () => {
  const [finding] = checkRule(rule, [
    deployment([app()]),
    hpa({
      metrics: [
        resource('memory', 'AverageValue'),
        resource('cpu', 'Utilization', { averageUtilization: 60 }),
      ],
    }),
  ]);
  assert.deepEqual(finding?.path, ['spec', 'metrics', 1]);
  assert.match(
    finding?.message ?? '',
    /^scales Deployment api on cpu utilization 60%, but container app has no cpu request/,
  );
  const [byDefault] = checkRule(rule, [deployment([app()]), hpa({})]);
  assert.match(byDefault?.message ?? '', /cpu utilization 80% \(the default, no metrics set\)/);
});
