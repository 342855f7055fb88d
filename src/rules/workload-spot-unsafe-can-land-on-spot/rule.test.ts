import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../config/config.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

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

const onDemandPool = {
  apiVersion: 'karpenter.sh/v1',
  kind: 'NodePool',
  metadata: { name: 'steady' },
  spec: {
    template: {
      spec: { requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] }] },
    },
  },
};

function statefulSet(podSpec: object = {}, replicas = 1) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'shop' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: { containers: [{ name: 'pg', image: 'postgres:16.4' }], ...podSpec },
      },
    },
  };
}

function api(replicas: number, podSpec: object = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'shop' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: { containers: [{ name: 'api', image: 'api:1', ports: [{ containerPort: 8080 }] }], ...podSpec },
      },
    },
  };
}

test('workload-spot-unsafe-can-land-on-spot', () => {
  const cases: [string, object[], string[]][] = [
    // A database on a pool that offers spot, nothing keeping it off.
    ['database on the mixed pool', [mixedPool, statefulSet()], ['canLandOnSpot']],
    // Pinned to on-demand: fine.
    [
      'database pinned to on-demand',
      [mixedPool, statefulSet({ nodeSelector: { 'karpenter.sh/capacity-type': 'on-demand' } })],
      [],
    ],
    // Only an on-demand pool exists: it cannot land on spot.
    ['only on-demand capacity', [onDemandPool, statefulSet()], []],
    // A preference for on-demand is not a guarantee: Karpenter relaxes it.
    [
      'preferred on-demand only',
      [
        mixedPool,
        statefulSet({
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  preference: {
                    matchExpressions: [
                      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
                    ],
                  },
                },
              ],
            },
          },
        }),
      ],
      ['canLandOnSpot'],
    ],
    // Spot-safe: three replicas and a grace period inside the notice.
    ['three-replica service', [mixedPool, api(3, { terminationGracePeriodSeconds: 30 })], []],
    // A single-replica service with no capacity in the scan and no ask for spot: unknown, quiet.
    ['no capacity known', [api(1)], []],
    // The same service asking for spot itself is flagged even without NodePools.
    [
      'asks for spot without capacity in the scan',
      [api(1, { nodeSelector: { 'karpenter.sh/capacity-type': 'spot' } })],
      ['pinnedToSpot'],
    ],
    // A spot toleration is an ask for spot too, and leaves on-demand open.
    [
      'tolerates spot without capacity in the scan',
      [api(1, { tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }] })],
      ['canLandOnSpot'],
    ],
    // Spot-only capacity and nothing else: pinned to spot.
    [
      'pinned to spot by its own selector',
      [mixedPool, api(1, { nodeSelector: { 'karpenter.sh/capacity-type': 'spot' } })],
      ['pinnedToSpot'],
    ],
  ];
  for (const [name, objects, expected] of cases) {
    const findings = checkRule(rule, objects);
    assert.deepEqual(
      findings.map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('workload-spot-unsafe-can-land-on-spot: severity, message and fix', () => {
  const [db] = checkRule(rule, [mixedPool, statefulSet()]);
  // Databases and StatefulSets are high.
  assert.equal(db?.severity, 'high');
  assert.match(db?.message ?? '', /should not run on spot: a StatefulSet; runs postgres:16\.4; 1 replica/);
  assert.match(db?.message ?? '', /But NodePool default \(spot, on-demand\) can give it spot/);
  assert.deepEqual(db?.fix?.edits, [
    {
      op: 'set',
      path: ['spec', 'template', 'spec', 'nodeSelector', 'karpenter.sh/capacity-type'],
      value: 'on-demand',
    },
  ]);

  const [service] = checkRule(rule, [mixedPool, api(1)]);
  assert.equal(service?.severity, 'medium');

  // Pinned to spot by its own selector: the fix overwrites that selector, and there is on-demand to go to.
  const [pinned] = checkRule(rule, [
    mixedPool,
    api(1, { nodeSelector: { 'karpenter.sh/capacity-type': 'spot' } }),
  ]);
  assert.equal(pinned?.fix?.edits[0]?.op, 'set');

  // Pinned to a spot-only pool: pinning to on-demand would leave it unschedulable, so no fix.
  const spotPool = {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: 'batch' },
    spec: {
      template: {
        spec: { requirements: [{ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot'] }] },
      },
    },
  };
  const [stuck] = checkRule(rule, [
    mixedPool,
    spotPool,
    statefulSet({ nodeSelector: { 'karpenter.sh/nodepool': 'batch' } }),
  ]);
  assert.equal(stuck?.messageId, 'pinnedToSpot');
  assert.equal(stuck?.fix, undefined);
});

test('workload-spot-unsafe-can-land-on-spot: a long Job, with the threshold as an option', () => {
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'backfill', namespace: 'batch' },
    spec: {
      activeDeadlineSeconds: 7200,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'run:1' }] } },
    },
  };
  assert.equal(checkRule(rule, [mixedPool, job]).length, 1);
  const config = validateConfig(
    {
      rules: { 'workload-spot-unsafe-can-land-on-spot': { options: { longJobSeconds: 10800 } } },
    },
    '.hindsight.yaml',
  );
  assert.equal(checkRule(rule, [mixedPool, job], { config }).length, 0);
});
