import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CERT_MANAGER_CRDS,
  certManagerWebhook,
  KUBE2IAM_ROLE,
  LEDGER_VOLUME,
  MIGRATION_TRUTH,
  newClusterBase,
  oldClusterObjects,
  oldNodes,
  planAnswers,
  sortedTruth,
  ZONE,
} from '../../../testenv/fixtures/migration.ts';
import type { KubeObject } from '../../core/resource.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { planMigration } from './plan.ts';

const NOW = new Date('2026-12-04T12:00:00Z');

/** The fixture as an API server returns it: the bound claim, namespace labels, creation times. */
function asServed(objects: readonly unknown[], created: string): KubeObject[] {
  return (objects as KubeObject[]).map((o) => {
    const copy = structuredClone(o) as KubeObject;
    copy.metadata.creationTimestamp = created;
    if (copy.kind === 'Namespace')
      copy.metadata.labels = {
        ...copy.metadata.labels,
        'kubernetes.io/metadata.name': copy.metadata.name as string,
      };
    if (copy.kind === 'PersistentVolumeClaim' && copy.metadata.name === 'data-ledger-0')
      (copy.spec as Record<string, unknown>).volumeName = 'pvc-ledger-data';
    return copy;
  });
}

function inventories() {
  const old = asServed(
    [...CERT_MANAGER_CRDS, ...oldNodes(), ...oldClusterObjects(), certManagerWebhook()],
    '2026-01-10T08:00:00Z',
  );
  const neu = asServed([...CERT_MANAGER_CRDS, ...newClusterBase()], '2026-11-30T08:00:00Z');
  const toInventory = (objects: KubeObject[], source: string) =>
    buildInventory(objects.map((object) => ({ object, origin: { source } })));
  return { source: toInventory(old, 'old'), target: toInventory(neu, 'new') };
}

function plan() {
  const { source, target } = inventories();
  return planMigration({
    source,
    target,
    sourceName: 'old',
    targetName: 'new',
    targetVersion: 'v1.35.4',
    fallbackDays: 14,
    now: NOW,
  });
}

test('the plan gives the fixture answers: order, dependencies, blockers, actions, what the target lacks', () => {
  const p = plan();
  assert.deepEqual(planAnswers(p), sortedTruth());
  assert.equal(p.verdict, 'blocked');
  assert.ok(p.skipped.some((s) => s.namespace === 'kube-system'));
  const web = p.namespaces.find((n) => n.namespace === 'web');
  assert.ok(web?.dependsOn.some((d) => d.why.includes('env PAYMENTS_API')));
  assert.ok(
    web?.dependsOn.some((d) => d.why.includes('ValidatingWebhookConfiguration cert-manager-webhook')),
  );
});

test('holdings: DNS names, the EBS volume and its zone, Secrets by name, the kube2iam role', () => {
  const p = plan();
  const by = (ns: string) => p.namespaces.find((n) => n.namespace === ns)?.holdings;
  assert.deepEqual(
    by('payments')?.dnsNames.map((d) => [d.name, d.ttl]),
    [['pay.example.com', '300']],
  );
  assert.deepEqual(
    by('web')?.dnsNames.map((d) => d.name),
    ['example.com', 'www.example.com'],
  );
  assert.deepEqual(
    by('accounting')?.volumes.map((v) => [v.claim, v.ebsVolumeId, v.zones]),
    [['data-ledger-0', LEDGER_VOLUME, [ZONE]]],
  );
  assert.deepEqual(by('payments')?.secrets, ['payments-db']);
  assert.deepEqual(by('web')?.configMaps, ['frontend-config']);
  assert.deepEqual(by('payments')?.serviceAccounts, [
    {
      name: 'payments-api',
      roles: [{ role: KUBE2IAM_ROLE, via: 'kube2iam/kiam', workloads: ['Deployment/api'] }],
    },
  ]);
  const checklist = p.namespaces.find((n) => n.namespace === 'accounting')?.checklist.join('\n') ?? '';
  assert.match(checklist, new RegExp(`create-snapshot --volume-id ${LEDGER_VOLUME}`));
  assert.match(checklist, /--availability-zone us-east-1a/);
  const payments = p.namespaces.find((n) => n.namespace === 'payments')?.checklist.join('\n') ?? '';
  assert.match(payments, /owner=kops-prod to external-dns\/owner=eks-prod/);
  assert.match(payments, /hindsight migrate verify --from old --to new -n payments/);
});

test('the kops deadline: control-plane boot certificates and an etcd-manager with one-year certificates', () => {
  const p = plan();
  assert.equal(p.deadline.kops, true);
  assert.deepEqual(
    p.deadline.controlPlane.map((c) => [c.node, c.certificatesExpire]),
    [['master-us-east-1a-1', '2027-01-10']],
  );
  assert.deepEqual(
    p.deadline.etcdManager.map((e) => [e.version, e.oneYearCertificates]),
    [['3.0.20200116', true]],
  );
  assert.equal(p.deadline.migrateBefore, '2027-01-10');
  assert.equal(p.deadline.daysLeft, 36);
});

test('without a target: nothing is called missing, and the order stands', () => {
  const { source } = inventories();
  const p = planMigration({ source, sourceName: 'old', fallbackDays: 14, now: NOW });
  assert.ok(p.prerequisites.every((x) => x.onTarget === undefined));
  assert.ok(
    p.namespaces.every((n) => !n.incompatibilities.some((i) => i.problem.includes('missing on the target'))),
  );
  assert.deepEqual(
    p.namespaces.map((n) => n.namespace),
    MIGRATION_TRUTH.order.flat(),
  );
});

test('aggregated metrics APIs: autoscalers need the namespace serving them, and a target serving them already is said', () => {
  const apiService = (namespace: string, name: string) => ({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io' },
    spec: { group: 'metrics.k8s.io', version: 'v1beta1', service: { namespace, name } },
  });
  const objects = [
    apiService('monitoring', 'prometheus-adapter'),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'prometheus-adapter', namespace: 'monitoring' },
      spec: { template: { spec: { containers: [{ name: 'a', image: 'adapter:0.12' }] } } },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'a', image: 'shop:1' }] } } },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'shop' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'api' },
        maxReplicas: 4,
        metrics: [{ type: 'Resource', resource: { name: 'cpu' } }],
      },
    },
  ];
  const inventory = (list: unknown[]) =>
    buildInventory((list as KubeObject[]).map((object) => ({ object, origin: { source: 'x' } })));
  const p = planMigration({
    source: inventory(objects),
    target: inventory([apiService('kube-system', 'metrics-server')]),
    sourceName: 'old',
    targetName: 'new',
    fallbackDays: 14,
    now: NOW,
  });
  assert.deepEqual(
    p.namespaces.map((n) => n.namespace),
    ['monitoring', 'shop'],
  );
  const shop = p.namespaces.find((n) => n.namespace === 'shop');
  assert.deepEqual(
    shop?.dependsOn.map((d) => d.why),
    [
      'HorizontalPodAutoscaler/api reads metrics.k8s.io, which APIService v1beta1.metrics.k8s.io serves from monitoring',
    ],
  );
  const monitoring = p.namespaces.find((n) => n.namespace === 'monitoring');
  assert.deepEqual(
    monitoring?.incompatibilities.map((i) => [i.level, i.subject]),
    [['action', 'APIService/v1beta1.metrics.k8s.io']],
  );
  assert.match(monitoring?.incompatibilities[0]?.problem ?? '', /already serves from kube-system/);
});

test('-n: only the namespaces asked for are planned, and what they need elsewhere is still said', () => {
  const { source, target } = inventories();
  const p = planMigration({
    source,
    target,
    sourceName: 'old',
    targetName: 'new',
    namespaces: ['web', 'payments', 'nope'],
    fallbackDays: 14,
    now: NOW,
  });
  assert.deepEqual(
    p.namespaces.map((n) => [n.step, n.namespace]),
    [
      [1, 'payments'],
      [2, 'web'],
    ],
  );
  const payments = p.namespaces.find((n) => n.namespace === 'payments');
  assert.deepEqual([...new Set(payments?.dependsOn.map((d) => d.on))], ['accounting']);
  assert.deepEqual(p.skipped, [{ namespace: 'nope', reason: 'not on the source' }]);
});
