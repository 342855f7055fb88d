import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (containers: object[], podResources?: object, initContainers?: object[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        containers,
        ...(initContainers ? { initContainers } : {}),
        ...(podResources ? { resources: podResources } : {}),
      },
    },
  },
});
const c = (resources?: object, extra: object = {}) => ({
  name: 'app',
  image: 'app:1',
  ...(resources ? { resources } : {}),
  ...extra,
});
const limitRange = (item: object) => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name: 'defaults', namespace: 'shop' },
  spec: { limits: [{ type: 'Container', ...item }] },
});

test('container-requests-missing', () => {
  const cases: [string, object[], string[]][] = [
    // both requests written
    ['both requests', [deployment([c({ requests: { cpu: '100m', memory: '128Mi' } })])], []],
    // limits default the requests
    ['limits only', [deployment([c({ limits: { cpu: '1', memory: '1Gi' } })])], []],
    // memory request only
    ['no cpu', [deployment([c({ requests: { memory: '128Mi' } })])], ['cpu']],
    // cpu request only
    ['no memory', [deployment([c({ requests: { cpu: '100m' } })])], ['memory']],
    // nothing: both, and the pod is BestEffort
    ['nothing', [deployment([c()])], ['both']],
    // a LimitRange defaultRequest covers cpu, its default limit covers memory
    [
      'limit range defaults',
      [deployment([c()]), limitRange({ defaultRequest: { cpu: '100m' }, default: { memory: '256Mi' } })],
      [],
    ],
    // a LimitRange max defaults the limit, which defaults the request
    [
      'limit range max',
      [deployment([c({ requests: { cpu: '1' } })]), limitRange({ max: { memory: '2Gi' } })],
      [],
    ],
    // a LimitRange of type Pod defaults nothing for containers
    [
      'pod-type limit range',
      [
        deployment([c()]),
        {
          ...limitRange({}),
          spec: { limits: [{ type: 'Pod', max: { cpu: '2', memory: '2Gi' } }] },
        },
      ],
      ['both'],
    ],
    // a LimitRange in another namespace does not apply
    [
      'other namespace',
      [
        deployment([c()]),
        {
          ...limitRange({ defaultRequest: { cpu: '1', memory: '1Gi' } }),
          metadata: { name: 'x', namespace: 'other' },
        },
      ],
      ['both'],
    ],
    // pod-level resources cover containers that set none
    ['pod-level resources', [deployment([c()], { requests: { cpu: '1', memory: '1Gi' } })], []],
    // a one-shot init container is not checked; a native sidecar is
    [
      'init and sidecar',
      [
        deployment([c({ requests: { cpu: '100m', memory: '128Mi' } })], undefined, [
          { name: 'migrate', image: 'app:1' },
          {
            name: 'proxy',
            image: 'envoy:1',
            restartPolicy: 'Always',
            resources: { requests: { cpu: '50m' } },
          },
        ]),
      ],
      ['memory'],
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

test('container-requests-missing: a BestEffort pod is high, one container without requests next to others is medium', () => {
  const [bestEffort] = checkRule(rule, [deployment([c()])]);
  assert.equal(bestEffort?.severity, 'high');
  assert.match(bestEffort?.message ?? '', /BestEffort/);
  const findings = checkRule(rule, [
    deployment([
      c(),
      { name: 'sidecar', image: 's:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } },
    ]),
  ]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.severity, 'medium');
  assert.equal(findings[0]?.container, 'app');
  assert.deepEqual(findings[0]?.path, ['spec', 'template', 'spec', 'containers', 0, 'resources']);
});

test('container-requests-missing: pods of one ReplicaSet missing from a snapshot are reported once', () => {
  const pod = (name: string, phase: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7d9', controller: true }],
    },
    spec: { containers: [c()] },
    status: { phase },
  });
  const findings = checkRule(rule, [
    pod('api-7d9-b', 'Running'),
    pod('api-7d9-a', 'Failed'),
    pod('api-7d9-c', 'Running'),
  ]);
  assert.deepEqual(
    findings.map((f) => f.ref.name),
    ['api-7d9-b'],
  );
});
