import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/resource.ts';
import { buildInventory } from '../inventory/inventory.ts';
import { type SpotReasonCode, type SpotVerdictValue, spotVerdict } from './spot-verdict.ts';

const NOW = new Date('2026-11-12T10:00:00Z');

function inventoryOf(objects: object[]) {
  return buildInventory(objects.map((o) => ({ object: o as KubeObject, origin: { source: 'test' } })));
}

/** A NodePool offering spot and on-demand, like the post's `default`. */
const mixedPool = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'default' },
  spec: {
    template: {
      spec: {
        requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] }],
      },
    },
  },
};

const spotPool = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'batch' },
  spec: {
    template: {
      spec: {
        taints: [{ key: 'workload-type', value: 'batch', effect: 'NoSchedule' }],
        requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] }],
      },
    },
  },
};

const onDemandPool = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'critical' },
  spec: {
    template: {
      metadata: { labels: { tier: 'critical' } },
      spec: { requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] }] },
    },
  },
};

interface PodOptions {
  containers?: object[];
  [key: string]: unknown;
}

function podSpec(extra: PodOptions = {}) {
  const { containers, ...rest } = extra;
  return {
    containers: containers ?? [
      { name: 'app', image: 'registry.example.com/app:1.0', ports: [{ name: 'http', containerPort: 8080 }] },
    ],
    ...rest,
  };
}

function deployment(name: string, replicas: number | undefined, spec: PodOptions = {}, namespace = 'shop') {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      ...(replicas !== undefined ? { replicas } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec(spec) },
    },
  };
}

function pdb(name: string, budget: object, namespace = 'shop') {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace },
    spec: { ...budget, selector: { matchLabels: { app: name } } },
  };
}

const goodServing: PodOptions = {
  terminationGracePeriodSeconds: 30,
  topologySpreadConstraints: [
    {
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: {},
    },
  ],
  containers: [
    {
      name: 'app',
      image: 'registry.example.com/app:1.0',
      ports: [{ name: 'http', containerPort: 8080 }],
      lifecycle: { preStop: { sleep: { seconds: 10 } } },
    },
  ],
};

function job(
  name: string,
  jobSpec: object,
  pod: PodOptions = {},
  annotations: { job?: Record<string, string>; pod?: Record<string, string> } = {},
) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'batch', ...(annotations.job ? { annotations: annotations.job } : {}) },
    spec: {
      ...jobSpec,
      template: {
        ...(annotations.pod ? { metadata: { annotations: annotations.pod } } : {}),
        spec: podSpec({
          restartPolicy: 'Never',
          containers: [{ name: 'run', image: 'registry.example.com/job:1' }],
          ...pod,
        }),
      },
    },
  };
}

interface Row {
  name: string;
  objects: object[];
  /** Index of the workload in `objects` (default: the last object). */
  subject?: number;
  verdict: SpotVerdictValue;
  /** Reason codes, blocking ones marked with `!`. */
  reasons: string[];
  spot: boolean;
  onDemand: boolean;
}

const rows: Row[] = [
  // The reference service: replicas, PDB, spread, preStop, short grace: spot-safe, lands anywhere.
  {
    name: 'stateless service done right',
    objects: [mixedPool, pdb('web', { maxUnavailable: 1 }), deployment('web', 3, goodServing)],
    verdict: 'spot-safe',
    reasons: [],
    spot: true,
    onDemand: true,
  },
  // The HPA's minimum is what runs at night: minReplicas 1 makes a single-replica service.
  {
    name: 'HPA minReplicas counts',
    objects: [
      mixedPool,
      pdb('api', { maxUnavailable: 1 }),
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'api', namespace: 'shop' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
          minReplicas: 1,
          maxReplicas: 5,
        },
      },
      deployment('api', 4, goodServing),
    ],
    verdict: 'on-demand-only',
    reasons: ['!single-replica'],
    spot: true,
    onDemand: true,
  },
  // An HPA with minReplicas 3 makes a Deployment without replicas a three-replica one.
  {
    name: 'HPA minReplicas 3 without spec.replicas',
    objects: [
      mixedPool,
      pdb('api', { maxUnavailable: 1 }),
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'api', namespace: 'shop' },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' }, minReplicas: 3, maxReplicas: 50 },
      },
      deployment('api', undefined, goodServing),
    ],
    verdict: 'spot-safe',
    reasons: [],
    spot: true,
    onDemand: true,
  },
  // No PDB, no spread, no preStop on a two-replica service: notes, not blockers.
  {
    name: 'multi-replica service without PDB, spread or preStop',
    objects: [mixedPool, deployment('api', 2)],
    verdict: 'spot-safe',
    reasons: ['pdb-missing', 'no-prestop', 'no-spread'],
    spot: true,
    onDemand: true,
  },
  // A single-replica queue worker (no ports, no Service) is slower after a reclaim, not down.
  {
    name: 'single-replica worker',
    objects: [
      mixedPool,
      deployment('worker', 1, { containers: [{ name: 'w', image: 'registry.example.com/w:1' }] }),
    ],
    verdict: 'spot-safe',
    reasons: ['single-replica'],
    spot: true,
    onDemand: true,
  },
  // maxUnavailable: 0 says "never interrupt": a reclaim does not ask.
  {
    name: 'PDB allowing no disruption',
    objects: [mixedPool, pdb('api', { maxUnavailable: 0 }), deployment('api', 3, goodServing)],
    verdict: 'on-demand-only',
    reasons: ['!pdb-blocks'],
    spot: true,
    onDemand: true,
  },
  // minAvailable 100% blocks as well.
  {
    name: 'PDB minAvailable 100%',
    objects: [mixedPool, pdb('api', { minAvailable: '100%' }), deployment('api', 3, goodServing)],
    verdict: 'on-demand-only',
    reasons: ['!pdb-blocks'],
    spot: true,
    onDemand: true,
  },
  // maxUnavailable 10% of 3 pods rounds up to 1: drains can go on.
  {
    name: 'PDB maxUnavailable 10%',
    objects: [mixedPool, pdb('api', { maxUnavailable: '10%' }), deployment('api', 3, goodServing)],
    verdict: 'spot-safe',
    reasons: [],
    spot: true,
    onDemand: true,
  },
  // A grace period longer than the 2-minute notice is cut short by the reclaim.
  {
    name: 'terminationGracePeriodSeconds 300',
    objects: [
      mixedPool,
      pdb('api', { maxUnavailable: 1 }),
      deployment('api', 3, { ...goodServing, terminationGracePeriodSeconds: 300 }),
    ],
    verdict: 'on-demand-only',
    reasons: ['!long-grace'],
    spot: true,
    onDemand: true,
  },
  // The database StatefulSet: stateful, a database image, one replica, a zonal EBS claim.
  {
    name: 'postgres StatefulSet',
    objects: [
      mixedPool,
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'shop' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'db' } },
          template: {
            metadata: { labels: { app: 'db' } },
            spec: {
              containers: [
                {
                  name: 'pg',
                  image: 'postgres:16.4',
                  ports: [{ containerPort: 5432 }],
                  volumeMounts: [{ name: 'data', mountPath: '/d' }],
                },
              ],
            },
          },
          volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
        },
      },
    ],
    verdict: 'on-demand-only',
    reasons: ['!stateful-set', '!database', '!single-replica', 'no-prestop', '!volume-claim'],
    spot: true,
    onDemand: true,
  },
  // Pinned to on-demand by nodeSelector: the verdict stays, placement keeps it off spot.
  {
    name: 'database pinned to on-demand',
    objects: [
      mixedPool,
      pdb('db', { maxUnavailable: 1 }),
      deployment('db', 2, {
        ...goodServing,
        nodeSelector: { 'karpenter.sh/capacity-type': 'on-demand' },
        containers: [
          {
            name: 'm',
            image: 'docker.io/library/mysql:8.4',
            ports: [{ containerPort: 3306 }],
            lifecycle: { preStop: {} },
          },
        ],
      }),
    ],
    verdict: 'on-demand-only',
    reasons: ['!database'],
    spot: false,
    onDemand: true,
  },
  // An exporter's image is not the database.
  {
    name: 'postgres-exporter is not a database',
    objects: [
      mixedPool,
      deployment('exp', 1, {
        containers: [{ name: 'e', image: 'prometheuscommunity/postgres-exporter:v0.15.0' }],
      }),
    ],
    verdict: 'spot-safe',
    reasons: ['single-replica'],
    spot: true,
    onDemand: true,
  },
  // A ReadWriteMany claim (EFS) survives the node; a hostPath written to does not.
  {
    name: 'RWX claim is fine, writable hostPath is not',
    objects: [
      mixedPool,
      pdb('files', { maxUnavailable: 1 }),
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'shared', namespace: 'shop' },
        spec: { accessModes: ['ReadWriteMany'] },
      },
      deployment('files', 3, {
        ...goodServing,
        volumes: [
          { name: 'shared', persistentVolumeClaim: { claimName: 'shared' } },
          { name: 'cache', hostPath: { path: '/mnt/cache' } },
          { name: 'logs', hostPath: { path: '/var/log' } },
        ],
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/app:1.0',
            ports: [{ containerPort: 8080 }],
            lifecycle: { preStop: { sleep: { seconds: 5 } } },
            volumeMounts: [
              { name: 'shared', mountPath: '/shared' },
              { name: 'cache', mountPath: '/cache' },
              { name: 'logs', mountPath: '/var/log/node', readOnly: true },
            ],
          },
        ],
      }),
    ],
    verdict: 'on-demand-only',
    reasons: ['!host-path'],
    spot: true,
    onDemand: true,
  },
  // A local PV (no-provisioner class) dies with the node.
  {
    name: 'local PersistentVolume',
    objects: [
      mixedPool,
      pdb('cache', { maxUnavailable: 1 }),
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'local' },
        provisioner: 'kubernetes.io/no-provisioner',
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'nvme', namespace: 'shop' },
        spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'] },
      },
      deployment('cache', 3, {
        ...goodServing,
        volumes: [{ name: 'nvme', persistentVolumeClaim: { claimName: 'nvme' } }],
      }),
    ],
    verdict: 'on-demand-only',
    reasons: ['!local-volume'],
    spot: true,
    onDemand: true,
  },
  // A big emptyDir is rebuilt after each reclaim: a note.
  {
    name: 'large emptyDir',
    objects: [
      mixedPool,
      pdb('build', { maxUnavailable: 1 }),
      deployment('build', 2, {
        ...goodServing,
        volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '50Gi' } }],
      }),
    ],
    verdict: 'spot-safe',
    reasons: ['large-empty-dir'],
    spot: true,
    onDemand: true,
  },
  // A short retryable Job is the post's batch case: fine on spot, and its claim is only a delay.
  {
    name: 'retryable job with a claim',
    objects: [
      mixedPool,
      job(
        'report',
        { backoffLimit: 2, activeDeadlineSeconds: 3600 },
        { volumes: [{ name: 's', persistentVolumeClaim: { claimName: 's' } }] },
      ),
    ],
    verdict: 'spot-safe',
    reasons: ['volume-claim'],
    spot: true,
    onDemand: true,
  },
  // A 12-hour job with a 600 s grace period pinned to a spot-only pool: the example's backfill.
  {
    name: 'long job pinned to the spot pool',
    objects: [
      mixedPool,
      spotPool,
      job(
        'backfill',
        { backoffLimit: 6, activeDeadlineSeconds: 43200 },
        {
          terminationGracePeriodSeconds: 600,
          nodeSelector: { 'karpenter.sh/nodepool': 'batch' },
          tolerations: [{ key: 'workload-type', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }],
        },
      ),
    ],
    verdict: 'on-demand-only',
    reasons: ['!long-grace', '!long-job'],
    spot: true,
    onDemand: false,
  },
  // Checkpointing declared: the long deadline no longer matters.
  {
    name: 'long job that checkpoints',
    objects: [
      mixedPool,
      job('train', { activeDeadlineSeconds: 86400 }, {}, { job: { 'hindsight.dev/checkpointing': 'true' } }),
    ],
    verdict: 'spot-safe',
    reasons: [],
    spot: true,
    onDemand: true,
  },
  // A running Job's age counts even without a deadline.
  {
    name: 'job running for 5 hours',
    objects: [mixedPool, { ...job('migrate', {}), status: { startTime: '2026-11-12T05:00:00Z', active: 1 } }],
    verdict: 'on-demand-only',
    reasons: ['!long-job'],
    spot: true,
    onDemand: true,
  },
  // backoffLimit 0: a reclaim fails it for good, unless disruptions are ignored by podFailurePolicy.
  {
    name: 'job with backoffLimit 0',
    objects: [mixedPool, job('once', { backoffLimit: 0 })],
    verdict: 'on-demand-only',
    reasons: ['!not-retryable'],
    spot: true,
    onDemand: true,
  },
  {
    name: 'backoffLimit 0 that ignores disruptions',
    objects: [
      mixedPool,
      job('once', {
        backoffLimit: 0,
        podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
      }),
    ],
    verdict: 'spot-safe',
    reasons: [],
    spot: true,
    onDemand: true,
  },
  // do-not-disrupt (a pod annotation) is a note: it stops consolidation, not a reclaim.
  {
    name: 'do-not-disrupt',
    objects: [
      mixedPool,
      job('render', { backoffLimit: 3 }, {}, { pod: { 'karpenter.sh/do-not-disrupt': 'true' } }),
    ],
    verdict: 'spot-safe',
    reasons: ['do-not-disrupt'],
    spot: true,
    onDemand: true,
  },
  // On the Job itself Karpenter never sees it.
  {
    name: 'do-not-disrupt on the Job, not its pods',
    objects: [
      mixedPool,
      job('render', { backoffLimit: 3 }, {}, { job: { 'karpenter.sh/do-not-disrupt': 'true' } }),
    ],
    verdict: 'spot-safe',
    reasons: [],
    spot: true,
    onDemand: true,
  },
  // Staging: nothing blocks (the post puts dev and staging on spot).
  {
    name: 'single-replica database in staging',
    objects: [
      mixedPool,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'shop-staging', labels: { environment: 'staging' } },
      },
      deployment(
        'db',
        1,
        { containers: [{ name: 'pg', image: 'postgres:16', ports: [{ containerPort: 5432 }] }] },
        'shop-staging',
      ),
    ],
    verdict: 'spot-safe',
    reasons: ['database', 'single-replica', 'no-prestop', 'non-production'],
    spot: true,
    onDemand: true,
  },
  // A bare Pod is not recreated after a reclaim.
  {
    name: 'bare pod',
    objects: [
      mixedPool,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'debug', namespace: 'shop' },
        spec: podSpec({ containers: [{ name: 'sh', image: 'busybox:1.36' }] }),
      },
    ],
    verdict: 'on-demand-only',
    reasons: ['!bare-pod'],
    spot: true,
    onDemand: true,
  },
  // DaemonSets follow the nodes.
  {
    name: 'daemonset',
    objects: [
      mixedPool,
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: 'kube-system' },
        spec: { template: { spec: podSpec({ terminationGracePeriodSeconds: 600 }) } },
      },
    ],
    verdict: 'spot-safe',
    reasons: ['daemonset'],
    spot: true,
    onDemand: true,
  },
  // Only an on-demand pool is reachable through its nodeSelector on the pool's label.
  {
    name: 'selects the on-demand pool by label',
    objects: [
      mixedPool,
      onDemandPool,
      pdb('api', { maxUnavailable: 1 }),
      deployment('api', 3, { ...goodServing, nodeSelector: { tier: 'critical' } }),
    ],
    verdict: 'spot-safe',
    reasons: [],
    spot: false,
    onDemand: true,
  },
  // Without any capacity in the inventory, only an explicit ask for spot counts as landing there.
  {
    name: 'no capacity known, no ask for spot',
    objects: [deployment('api', 1)],
    verdict: 'on-demand-only',
    reasons: ['!single-replica', 'no-prestop'],
    spot: false,
    onDemand: true,
  },
  {
    name: 'no capacity known, asks for spot',
    objects: [deployment('api', 1, { nodeSelector: { 'eks.amazonaws.com/capacityType': 'SPOT' } })],
    verdict: 'on-demand-only',
    reasons: ['!single-replica', 'no-prestop'],
    spot: true,
    onDemand: false,
  },
];

test('spotVerdict: verdict, reasons and placement', () => {
  for (const row of rows) {
    const inventory = inventoryOf(row.objects);
    const subject = inventory.all()[row.subject ?? row.objects.length - 1];
    assert.ok(subject, row.name);
    const v = spotVerdict(inventory, subject, { now: NOW });
    assert.equal(v.verdict, row.verdict, `${row.name}: verdict`);
    assert.deepEqual(
      v.reasons.map((r) => `${r.blocking ? '!' : ''}${r.code satisfies SpotReasonCode}`),
      row.reasons,
      `${row.name}: reasons`,
    );
    assert.equal(v.placement.canLandOnSpot, row.spot, `${row.name}: can land on spot (${v.placement.how})`);
    assert.equal(
      v.placement.canLandOnOnDemand,
      row.onDemand,
      `${row.name}: can land on on-demand (${v.placement.how})`,
    );
  }
});

test('spotVerdict: pods of a controller missing from the inventory (a snapshot)', () => {
  const node = (name: string, capacity: string) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'karpenter.sh/capacity-type': capacity, 'karpenter.sh/nodepool': 'default' },
    },
  });
  const pod = (name: string, nodeName: string, phase = 'Running') => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'shop',
      labels: { app: 'api', 'pod-template-hash': '5d7b8c9f6' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-5d7b8c9f6', controller: true },
      ],
    },
    spec: { ...podSpec(), nodeName },
    status: { phase },
  });
  const inventory = inventoryOf([
    node('od-1', 'on-demand'),
    node('spot-1', 'spot'),
    pod('api-5d7b8c9f6-aaaaa', 'od-1'),
    pod('api-5d7b8c9f6-bbbbb', 'spot-1', 'Failed'),
  ]);
  const first = inventory.ofKind('Pod')[0];
  assert.ok(first);
  const v = spotVerdict(inventory, first, { now: NOW });
  // One live pod: a single replica, named after its Deployment.
  assert.equal(v.workload.label, 'Deployment shop/api');
  assert.equal(v.workload.replicas, 1);
  assert.equal(v.verdict, 'on-demand-only');
  // The failed pod on the spot node is not evidence; the spot node accepting it is.
  assert.deepEqual(
    v.placement.running.map((r) => r.capacityType),
    ['on-demand'],
  );
  assert.equal(v.placement.canLandOnSpot, true);
  assert.equal(v.placement.basis, 'nodes');
});

test('spotVerdict: texts say what the reason is and what spot does to it', () => {
  const inventory = inventoryOf([mixedPool, deployment('api', 1)]);
  const subject = inventory.ofKind('Deployment')[0];
  assert.ok(subject);
  const [single] = spotVerdict(inventory, subject).reasons;
  assert.equal(single?.summary, '1 replica (replicas: 1)');
  assert.match(single?.text ?? '', /every reclaim is an outage/);
});

test('spotVerdict: a claim in the scan is said to be zonal EBS; one outside it, unknown', () => {
  const volumes = { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] };
  const claim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'shop' },
    spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3' },
  };
  const reasonOf = (objects: object[]) => {
    const inventory = inventoryOf(objects);
    const subject = inventory.ofKind('Deployment')[0];
    assert.ok(subject);
    return spotVerdict(inventory, subject).reasons.find((r) => r.code === 'volume-claim');
  };
  const seen = reasonOf([mixedPool, claim, deployment('api', 3, volumes)]);
  assert.equal(seen?.summary, 'volume claim data on zonal EBS');
  const unseen = reasonOf([mixedPool, deployment('api', 3, volumes)]);
  assert.match(unseen?.summary ?? '', /^volume claim data not in the scan \(if it is zonal EBS/);
  assert.match(
    unseen?.text ?? '',
    /not in the scan, so hindsight cannot see its storage: if it is zonal EBS/,
  );
  // Unknown storage is still not shown safe to move to spot.
  assert.equal(unseen?.blocking, true);
});
