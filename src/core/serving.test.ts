import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from './resource.ts';
import { hasServingKind, isServing, servingContainers, servingVerdict } from './serving.ts';

const workload = (kind: string, containers: object[], metadata: object = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'api', namespace: 'shop', ...metadata },
  spec:
    kind === 'Pod'
      ? { containers }
      : { template: { metadata: { labels: { app: 'api' } }, spec: { containers } } },
});
const service = (spec: object, namespace = 'shop'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'api', namespace },
  spec,
});

test('servingVerdict', () => {
  const cases: [string, KubeObject, KubeObject[], boolean][] = [
    // a non-metrics port
    ['port', workload('Deployment', [{ name: 'a', ports: [{ containerPort: 8080 }] }]), [], true],
    // only a metrics port
    [
      'metrics port',
      workload('Deployment', [{ name: 'a', ports: [{ name: 'http-metrics', containerPort: 9090 }] }]),
      [],
      false,
    ],
    // no port, a selecting Service
    ['service', workload('Deployment', [{ name: 'a' }]), [service({ selector: { app: 'api' } })], true],
    // a Service in another namespace
    [
      'other namespace',
      workload('Deployment', [{ name: 'a' }]),
      [service({ selector: { app: 'api' } }, 'web')],
      false,
    ],
    // a Service without selector, or an ExternalName one
    ['no selector', workload('Deployment', [{ name: 'a' }]), [service({ ports: [{ port: 80 }] })], false],
    [
      'external name',
      workload('Deployment', [{ name: 'a' }]),
      [service({ type: 'ExternalName', externalName: 'x.example.com', selector: { app: 'api' } })],
      false,
    ],
    // a selector the labels do not satisfy
    [
      'mismatch',
      workload('Deployment', [{ name: 'a' }]),
      [service({ selector: { app: 'api', tier: 'web' } })],
      false,
    ],
    // no containerPort, but a readiness probe gates traffic to a port
    [
      'readiness probe port',
      workload('Deployment', [
        { name: 'a', readinessProbe: { httpGet: { path: '/_cluster/health', port: 9200 } } },
      ]),
      [],
      true,
    ],
    [
      'readiness probe tcp',
      workload('Deployment', [{ name: 'a', readinessProbe: { tcpSocket: { port: 'http' } } }]),
      [],
      true,
    ],
    // a probe on a metrics port, or an exec probe, is no sign of serving
    [
      'readiness probe on metrics',
      workload('Deployment', [{ name: 'a', readinessProbe: { httpGet: { path: '/', port: 'metrics' } } }]),
      [],
      false,
    ],
    [
      'exec probe',
      workload('Deployment', [{ name: 'a', readinessProbe: { exec: { command: ['true'] } } }]),
      [],
      false,
    ],
    // DaemonSets and Jobs never serve here
    ['daemonset', workload('DaemonSet', [{ name: 'a', ports: [{ containerPort: 53 }] }]), [], false],
    ['job', workload('Job', [{ name: 'a', ports: [{ containerPort: 8080 }] }]), [], false],
  ];
  for (const [name, object, services, expected] of cases) {
    assert.equal(isServing(object, services), expected, name);
  }
  assert.equal(
    servingVerdict(
      workload('Deployment', [{ name: 'a', ports: [{ name: 'http', containerPort: 8080 }] }]),
      [],
    ).port,
    'http/8080',
  );
});

test('hasServingKind: a Pod serves unless a Job or DaemonSet owns it', () => {
  const owned = (kind: string) =>
    workload('Pod', [], { ownerReferences: [{ apiVersion: 'apps/v1', kind, name: 'x', controller: true }] });
  assert.equal(hasServingKind(workload('Pod', [])), true);
  assert.equal(hasServingKind(owned('ReplicaSet')), true);
  assert.equal(hasServingKind(owned('StatefulSet')), true);
  assert.equal(hasServingKind(owned('Job')), false);
  assert.equal(hasServingKind(owned('DaemonSet')), false);
});

test('servingContainers resolves Service targetPorts', () => {
  const object = workload('Deployment', [
    { name: 'app', ports: [{ name: 'metrics', containerPort: 9090 }] },
    { name: 'proxy', ports: [{ name: 'https', containerPort: 8443 }] },
    { name: 'log' },
  ]);
  const names = (services: KubeObject[]) => servingContainers(object, services).map((c) => c.container.name);
  // proxy has a non-metrics port of its own
  assert.deepEqual(names([]), ['proxy']);
  // a Service on the metrics port does not make app serving
  assert.deepEqual(
    names([service({ selector: { app: 'api' }, ports: [{ port: 9090, targetPort: 'metrics' }] })]),
    ['proxy'],
  );
  // an undeclared numeric targetPort with several containers cannot be placed
  assert.deepEqual(names([service({ selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] })]), [
    'proxy',
  ]);
  const single = workload('Deployment', [{ name: 'only' }]);
  assert.deepEqual(
    servingContainers(single, [service({ selector: { app: 'api' }, ports: [{ port: 80 }] })]).map((c) => [
      c.container.name,
      c.path,
      c.reason,
    ]),
    [['only', ['spec', 'template', 'spec', 'containers', 0], 'Service api (targetPort 80)']],
  );
});
