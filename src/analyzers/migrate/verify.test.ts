import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../core/resource.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { type VerifyInputs, type VerifyReport, verifyMigration } from './verify.ts';

const NOW = new Date('2026-06-01T12:00:00Z');

const meta = (name: string, namespace = 'shop', extra: Record<string, unknown> = {}) => ({
  name,
  namespace,
  ...extra,
});

/** The `shop` namespace as a live API server returns it, everything running and ready. */
function shop(): KubeObject[] {
  const template = {
    metadata: { labels: { app: 'api' } },
    spec: {
      serviceAccountName: 'api',
      imagePullSecrets: [{ name: 'registry' }],
      initContainers: [{ name: 'migrate', image: 'registry.example.com/shop/api:1.4.0' }],
      containers: [
        {
          name: 'api',
          image: 'registry.example.com/shop/api:1.4.0',
          env: [
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
            { name: 'FLAG', valueFrom: { configMapKeyRef: { name: 'flags', key: 'x', optional: true } } },
            { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'maybe-token', key: 't', optional: true } } },
          ],
          envFrom: [{ configMapRef: { name: 'api-config' } }],
        },
        { name: 'proxy', image: 'envoyproxy/envoy:v1.30.1' },
      ],
      volumes: [{ name: 'tls', secret: { secretName: 'api-tls' } }],
    },
  };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('api', 'shop', { generation: 3 }),
      spec: { replicas: 3, selector: { matchLabels: { app: 'api' } }, template },
      status: { observedGeneration: 3, replicas: 3, readyReplicas: 3 },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('api'),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
        minReplicas: 2,
        maxReplicas: 10,
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('db', 'shop', { generation: 1 }),
      spec: {
        replicas: 1,
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { containers: [{ name: 'pg', image: 'postgres:16' }] },
        },
      },
      status: { observedGeneration: 1, readyReplicas: 1 },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta('agent'),
      spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } } },
      status: { desiredNumberScheduled: 3, numberReady: 3 },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta('report'),
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          spec: { template: { spec: { containers: [{ name: 'report', image: 'report:1' }] } } },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('api'),
      spec: { type: 'ClusterIP', selector: { app: 'api' }, ports: [{ port: 80, protocol: 'TCP' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('edge'),
      spec: { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ port: 443, protocol: 'TCP' }] },
      status: { loadBalancer: { ingress: [{ hostname: 'abc.elb.us-east-1.amazonaws.com' }] } },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: meta('api-x1', 'shop', { labels: { 'kubernetes.io/service-name': 'api' } }),
      endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: meta('edge-x1', 'shop', { labels: { 'kubernetes.io/service-name': 'edge' } }),
      endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta('web'),
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'shop.example.com' }],
        tls: [{ hosts: ['shop.example.com', 'www.shop.example.com'], secretName: 'web-tls' }],
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
    },
    {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: meta('data'),
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } },
      status: { phase: 'Bound' },
    },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: meta('web-tls'),
      spec: { secretName: 'web-tls', dnsNames: ['shop.example.com'] },
      status: { conditions: [{ type: 'Ready', status: 'True' }], notAfter: '2026-08-30T00:00:00Z' },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('api'),
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'api' } } },
    },
    // Names only, as the cluster source reads them.
    { apiVersion: 'v1', kind: 'Secret', metadata: meta('db-credentials') },
    { apiVersion: 'v1', kind: 'Secret', metadata: meta('api-tls') },
    { apiVersion: 'v1', kind: 'Secret', metadata: meta('registry') },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('api-config') },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('api') },
  ];
}

/** A namespace the target never got, and the system ones every cluster has. */
function sourceOnly(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('old', 'legacy') },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('coredns', 'kube-system') },
  ];
}

const inventory = (objects: KubeObject[]) =>
  buildInventory(objects.map((object) => ({ object, origin: { source: 'test' } })));

function verify(
  target: KubeObject[],
  source: KubeObject[] = shop(),
  extra: Partial<VerifyInputs> = {},
): VerifyReport {
  return verifyMigration({ from: inventory(source), to: inventory(target), now: NOW, ...extra });
}

/** The target's copy of one object, to change. */
function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} in the fixture`);
  return found;
}

const without = (objects: KubeObject[], kind: string, name: string) =>
  objects.filter((o) => !(o.kind === kind && o.metadata.name === name));

/** The differences of the one namespace verified. */
function differences(report: VerifyReport): string[] {
  assert.equal(report.namespaces.length, 1);
  return report.namespaces[0]?.differences ?? [];
}

test('a namespace with the same objects, all ready, is ready for cutover, and every check is listed', () => {
  const report = verify(
    [...shop(), { apiVersion: 'v1', kind: 'Secret', metadata: meta('target-only') }],
    [...shop(), ...sourceOnly()],
  );
  assert.equal(report.ready, true);
  assert.deepEqual(report.notMoved, []);
  assert.deepEqual(
    report.namespaces.map((n) => n.namespace),
    ['shop'],
  );
  const shopParity = report.namespaces[0];
  assert.equal(shopParity?.ready, true);
  assert.deepEqual(shopParity?.differences, []);
  assert.ok(shopParity?.checks.every((c) => c.ok));
  // Kind order, then name; every source object and referenced name is checked.
  const subjects = [...new Set(shopParity?.checks.map((c) => c.subject))];
  assert.deepEqual(subjects, [
    'Deployment/shop/api',
    'StatefulSet/shop/db',
    'DaemonSet/shop/agent',
    'CronJob/shop/report',
    'Service/shop/api',
    'Service/shop/edge',
    'Ingress/shop/web',
    'PersistentVolumeClaim/shop/data',
    'Certificate/shop/web-tls',
    'HorizontalPodAutoscaler/shop/api',
    'PodDisruptionBudget/shop/api',
    'Secret/shop/api-tls',
    'Secret/shop/db-credentials',
    'Secret/shop/registry',
    'ConfigMap/shop/api-config',
    'ServiceAccount/shop/api',
  ]);
  const details = shopParity?.checks.map((c) => `${c.subject}: ${c.detail}`) ?? [];
  assert.ok(details.includes('Deployment/shop/api: 3/3 replicas ready on the target'));
  assert.ok(details.includes('Deployment/shop/api: replicas 2–10 (HorizontalPodAutoscaler api) on both'));
  assert.ok(details.includes('Service/shop/api: 1 ready endpoint on the target (EndpointSlices)'));
  // The address DNS will point at is printed.
  assert.ok(
    details.includes(
      'Service/shop/edge: load balancer address abc.elb.us-east-1.amazonaws.com on the target',
    ),
  );
  assert.ok(details.includes('Ingress/shop/web: load balancer address 203.0.113.7 on the target'));
  assert.ok(
    details.includes('Certificate/shop/web-tls: Ready on the target, valid until 2026-08-30T00:00:00Z'),
  );
});

test('a workload missing on the target is one difference, and nothing else is checked of it', () => {
  const report = verify(without(shop(), 'StatefulSet', 'db'));
  assert.equal(report.ready, false);
  assert.deepEqual(differences(report), ['StatefulSet/shop/db is missing on the target']);
  assert.equal(report.namespaces[0]?.checks.filter((c) => c.subject === 'StatefulSet/shop/db').length, 1);
});

test('a workload not ready on the target: replicas short, a rollout not observed, a DaemonSet with no pods', () => {
  const target = shop();
  find(target, 'Deployment', 'api').status = { observedGeneration: 3, readyReplicas: 1 };
  const db = find(target, 'StatefulSet', 'db');
  db.metadata.generation = 2;
  find(target, 'DaemonSet', 'agent').status = { desiredNumberScheduled: 0, numberReady: 0 };
  assert.deepEqual(differences(verify(target)), [
    'Deployment/shop/api: 1/3 replicas ready on the target',
    'StatefulSet/shop/db: generation 2 not yet observed by its controller on the target (observed 1)',
    'DaemonSet/shop/agent: 0/0 pods ready on the target',
  ]);
});

test('an image mismatch names the container and both images; init containers are compared too', () => {
  const target = shop();
  const spec = (find(target, 'Deployment', 'api').spec as { template: { spec: Record<string, unknown> } })
    .template.spec;
  const containers = spec.containers as { name: string; image: string }[];
  for (const c of containers) {
    if (c.name === 'api') c.image = 'registry.example.com/shop/api:1.3.9';
    // `envoyproxy/envoy:v1.30.1` is the same image written in full: not a difference.
    if (c.name === 'proxy') c.image = 'docker.io/envoyproxy/envoy:v1.30.1';
  }
  spec.initContainers = [{ name: 'migrate', image: 'registry.example.com/shop/api:1.3.9' }];
  assert.deepEqual(differences(verify(target)), [
    'Deployment/shop/api: container api runs registry.example.com/shop/api:1.4.0 on the source but ' +
      'registry.example.com/shop/api:1.3.9 on the target; init container migrate runs ' +
      'registry.example.com/shop/api:1.4.0 on the source but registry.example.com/shop/api:1.3.9 on the target',
  ]);
});

test('a container the target lacks is a difference', () => {
  const target = shop();
  const spec = (find(target, 'Deployment', 'api').spec as { template: { spec: Record<string, unknown> } })
    .template.spec;
  spec.containers = (spec.containers as { name: string }[]).filter((c) => c.name !== 'proxy');
  assert.deepEqual(differences(verify(target)), [
    'Deployment/shop/api: container proxy (envoyproxy/envoy:v1.30.1) is missing on the target',
  ]);
});

test('replica bounds differ when the source has an HPA and the target has none (and the HPA is missing)', () => {
  const report = verify(without(shop(), 'HorizontalPodAutoscaler', 'api'));
  assert.deepEqual(differences(report), [
    'Deployment/shop/api: replicas 2–10 (HorizontalPodAutoscaler api) on the source, 3 on the target',
    'HorizontalPodAutoscaler/shop/api is missing on the target',
  ]);
});

test('a CronJob compares its schedule and suspend state', () => {
  const target = shop();
  const spec = find(target, 'CronJob', 'report').spec as Record<string, unknown>;
  spec.schedule = '0 4 * * *';
  spec.suspend = true;
  assert.deepEqual(differences(verify(target)), [
    'CronJob/shop/report: schedule 0 3 * * * on the source, 0 4 * * * on the target',
    'CronJob/shop/report: not suspended on the source, suspended on the target',
  ]);
});

test('a Service without ready endpoints on the target, from EndpointSlices', () => {
  const target = shop();
  find(target, 'EndpointSlice', 'api-x1').endpoints = [
    { addresses: ['10.0.0.1'], conditions: { ready: false } },
    // No address: not an endpoint traffic can reach.
    { addresses: [], conditions: { ready: true } },
  ];
  assert.deepEqual(differences(verify(target)), [
    'Service/shop/api: no ready endpoint on the target (EndpointSlices)',
  ]);
});

test('without EndpointSlices, the target Service is judged from the Ready pods it selects, and says so', () => {
  const pod = (name: string, ready: string, app = 'api'): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, 'shop', { labels: { app } }),
    status: { conditions: [{ type: 'Ready', status: ready }] },
  });
  const base = shop().filter((o) => o.kind !== 'EndpointSlice');
  const notReady = verify([...base, pod('api-1', 'False'), pod('other-1', 'True', 'other')]);
  assert.deepEqual(differences(notReady), [
    'Service/shop/api: no ready endpoint on the target (Ready pods matching the selector: the target has no EndpointSlices)',
    'Service/shop/edge: no ready endpoint on the target (Ready pods matching the selector: the target has no EndpointSlices)',
  ]);
  const ready = verify([...base, pod('api-1', 'True')]);
  assert.equal(ready.ready, true);
  assert.ok(
    ready.namespaces[0]?.checks.some(
      (c) =>
        c.subject === 'Service/shop/api' && /^1 ready endpoint on the target \(Ready pods/.test(c.detail),
    ),
  );
});

test('a Service type or port change is a difference; ExternalName Services need no endpoints', () => {
  const target = shop();
  (find(target, 'Service', 'api').spec as Record<string, unknown>).ports = [{ port: 8080, protocol: 'TCP' }];
  const source = [
    ...shop(),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('db-ext'),
      spec: { type: 'ExternalName', externalName: 'db' },
    },
  ];
  const report = verify([...target, source.at(-1) as KubeObject], source);
  assert.deepEqual(differences(report), [
    'Service/shop/api: ports 80/TCP only on the source, ports 8080/TCP only on the target',
  ]);
  assert.deepEqual(
    report.namespaces[0]?.checks.filter((c) => c.subject === 'Service/shop/db-ext').map((c) => c.detail),
    ['present on the target', 'type ExternalName, ports (none) on both'],
  );
  const retyped = shop();
  (find(retyped, 'Service', 'edge').spec as Record<string, unknown>).type = 'NodePort';
  assert.deepEqual(differences(verify(retyped)), [
    'Service/shop/edge: type LoadBalancer on the source, NodePort on the target',
  ]);
});

test('a LoadBalancer Service without an address on the target', () => {
  const target = shop();
  find(target, 'Service', 'edge').status = { loadBalancer: {} };
  assert.deepEqual(differences(verify(target)), [
    'Service/shop/edge: no load balancer address on the target (status.loadBalancer.ingress is empty)',
  ]);
});

test('an Ingress without an address, with a host less and another class', () => {
  const target = shop();
  const web = find(target, 'Ingress', 'web');
  web.status = {};
  web.spec = {
    ingressClassName: 'alb',
    rules: [{ host: 'shop.example.com' }],
    tls: [{ hosts: ['shop.example.com'] }],
  };
  assert.deepEqual(differences(verify(target)), [
    'Ingress/shop/web: hosts www.shop.example.com only on the source; class nginx on the source, alb on the target',
    'Ingress/shop/web: no load balancer address on the target (status.loadBalancer.ingress is empty)',
  ]);
});

test('the class annotation of older clusters counts as the ingressClassName', () => {
  const source = shop();
  const web = find(source, 'Ingress', 'web');
  delete (web.spec as Record<string, unknown>).ingressClassName;
  web.metadata.annotations = { 'kubernetes.io/ingress.class': 'nginx' };
  assert.equal(verify(shop(), source).ready, true);
});

test('an unbound claim, and one of another size', () => {
  const target = shop();
  const claim = find(target, 'PersistentVolumeClaim', 'data');
  claim.status = { phase: 'Pending' };
  claim.spec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } };
  assert.deepEqual(differences(verify(target)), [
    'PersistentVolumeClaim/shop/data: Pending on the target, not Bound',
    'PersistentVolumeClaim/shop/data: storage 20Gi on the source, 10Gi on the target',
  ]);
  // The same size written another way is the same size.
  (claim.spec as { resources: { requests: { storage: string } } }).resources.requests.storage = '21474836480';
  claim.status = { phase: 'Bound' };
  assert.equal(verify(target).ready, true);
});

test('a Certificate not Ready, or expired, on the target', () => {
  const target = shop();
  const cert = find(target, 'Certificate', 'web-tls');
  cert.status = {
    conditions: [{ type: 'Ready', status: 'False', reason: 'Issuing', message: 'order pending' }],
    notAfter: '2026-05-01T00:00:00Z',
  };
  assert.deepEqual(differences(verify(target)), [
    'Certificate/shop/web-tls: not Ready on the target (Issuing: order pending); expired on the target (notAfter 2026-05-01T00:00:00Z)',
  ]);
  cert.status = { conditions: [{ type: 'Ready', status: 'True' }] };
  assert.deepEqual(differences(verify(target)), [
    'Certificate/shop/web-tls: no status.notAfter on the target',
  ]);
});

test('a missing PDB, and one with another budget', () => {
  assert.deepEqual(differences(verify(without(shop(), 'PodDisruptionBudget', 'api'))), [
    'PodDisruptionBudget/shop/api is missing on the target',
  ]);
  const target = shop();
  find(target, 'PodDisruptionBudget', 'api').spec = { maxUnavailable: '50%', selector: {} };
  assert.deepEqual(differences(verify(target)), [
    'PodDisruptionBudget/shop/api: minAvailable 1 on the source, (unset) on the target; maxUnavailable (unset) on the source, 50% on the target',
  ]);
});

test('a referenced Secret missing on the target names who uses it and how; optional ones are not required', () => {
  const report = verify(without(without(shop(), 'Secret', 'db-credentials'), 'ConfigMap', 'api-config'));
  assert.deepEqual(differences(report), [
    'Secret/shop/db-credentials is missing on the target (used by Deployment/shop/api: env DB_PASSWORD of container api)',
    'ConfigMap/shop/api-config is missing on the target (used by Deployment/shop/api: envFrom of container api)',
  ]);
  // `maybe-token` and `flags` are optional: neither on the source nor the target, and not checked.
  const subjects = report.namespaces[0]?.checks.map((c) => c.subject) ?? [];
  assert.ok(!subjects.includes('Secret/shop/maybe-token'));
  assert.ok(!subjects.includes('ConfigMap/shop/flags'));
});

test('a Secret several workloads use lists each, and a pull secret and volume secret are references too', () => {
  const source = shop();
  const db = find(source, 'StatefulSet', 'db');
  (db.spec as { template: { spec: Record<string, unknown> } }).template.spec.volumes = [
    { name: 'creds', projected: { sources: [{ secret: { name: 'db-credentials' } }] } },
  ];
  const report = verify(without(without(shop(), 'Secret', 'db-credentials'), 'Secret', 'registry'), source);
  assert.deepEqual(differences(report), [
    'Secret/shop/db-credentials is missing on the target (used by Deployment/shop/api: env DB_PASSWORD of container api; StatefulSet/shop/db: volume creds)',
    'Secret/shop/registry is missing on the target (used by Deployment/shop/api: imagePullSecrets)',
  ]);
});

test('a ServiceAccount the workloads run as, missing on the target', () => {
  assert.deepEqual(differences(verify(without(shop(), 'ServiceAccount', 'api'))), [
    'ServiceAccount/shop/api is missing on the target (used by Deployment/shop/api: serviceAccountName)',
  ]);
});

test('by default: namespaces on both sides but the system ones; -n for one not on the target is not moved', () => {
  const both = [...shop(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('coredns', 'kube-system') }];
  const byDefault = verify(both, [...shop(), ...sourceOnly()]);
  assert.deepEqual(
    byDefault.namespaces.map((n) => n.namespace),
    ['shop'],
  );
  assert.deepEqual(byDefault.notMoved, []);

  const asked = verify(shop(), [...shop(), ...sourceOnly()], { namespaces: ['legacy', 'shop'] });
  assert.deepEqual(asked.notMoved, ['legacy']);
  assert.deepEqual(
    asked.namespaces.map((n) => n.namespace),
    ['shop'],
  );
  // A namespace asked for and not moved keeps the cluster from cutover, even when the rest is ready.
  assert.equal(asked.namespaces[0]?.ready, true);
  assert.equal(asked.ready, false);
});

test('a namespace asked for that the source does not have is not judged ready', () => {
  const report = verify(shop(), sourceOnly(), { namespaces: ['shop'] });
  assert.deepEqual(differences(report), [
    'Namespace/shop is not on the source: nothing to compare it with (is --from the old cluster?)',
  ]);
  assert.equal(report.ready, false);
});

test('nothing to verify is not ready for cutover', () => {
  const report = verify(sourceOnly().slice(1), sourceOnly());
  assert.deepEqual(report.namespaces, []);
  assert.equal(report.ready, false);
});
