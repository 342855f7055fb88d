import assert from 'node:assert/strict';
import { test } from 'node:test';
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

function worker(replicas: number, podSpec: object = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'worker', namespace: 'jobs' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'worker' } },
      template: {
        metadata: { labels: { app: 'worker' } },
        spec: { containers: [{ name: 'w', image: 'worker:1' }], ...podSpec },
      },
    },
  };
}

const onDemand = { nodeSelector: { 'karpenter.sh/capacity-type': 'on-demand' } };

test('workload-spot-safe-pinned-on-demand', () => {
  const cases: [string, object[], string[]][] = [
    // A spot-safe worker pinned to on-demand.
    ['pinned worker', [mixedPool, worker(3, onDemand)], ['pinned']],
    // Not pinned: nothing to say.
    ['unpinned worker', [mixedPool, worker(3)], []],
    // A long grace period makes it on-demand-only: pinning is right.
    [
      'grace period over the notice',
      [mixedPool, worker(3, { ...onDemand, terminationGracePeriodSeconds: 900 })],
      [],
    ],
    // Cluster-critical add-ons stay where they are.
    [
      'system-cluster-critical',
      [mixedPool, worker(2, { ...onDemand, priorityClassName: 'system-cluster-critical' })],
      [],
    ],
    // Without capacity in the scan, the workload's own pin is enough to say it.
    ['pinned, no capacity in the scan', [worker(3, onDemand)], ['pinned']],
    // The EKS node-group label pins as well.
    [
      'pinned with the EKS label',
      [mixedPool, worker(3, { nodeSelector: { 'eks.amazonaws.com/capacityType': 'ON_DEMAND' } })],
      ['pinned'],
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

test('workload-spot-safe-pinned-on-demand: fix removes the nodeSelector, message lists what to do first', () => {
  const [finding] = checkRule(rule, [mixedPool, worker(3, onDemand)]);
  assert.deepEqual(finding?.fix?.edits, [
    { op: 'remove', path: ['spec', 'template', 'spec', 'nodeSelector', 'karpenter.sh/capacity-type'] },
  ]);
  assert.match(finding?.message ?? '', /a worker with 3 replicas/);
  assert.match(finding?.message ?? '', /Before moving it: no PodDisruptionBudget/);

  // A pin by affinity has no mechanical fix.
  const [affinity] = checkRule(rule, [
    mixedPool,
    worker(3, {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
                ],
              },
            ],
          },
        },
      },
    }),
  ]);
  assert.equal(affinity?.messageId, 'pinned');
  assert.equal(affinity?.fix, undefined);
});
