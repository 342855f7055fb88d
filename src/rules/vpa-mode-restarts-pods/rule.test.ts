import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const vpa = (updatePolicy?: object, kind = 'Deployment') => ({
  apiVersion: 'autoscaling.k8s.io/v1',
  kind: 'VerticalPodAutoscaler',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    targetRef: { apiVersion: 'apps/v1', kind, name: 'api' },
    ...(updatePolicy ? { updatePolicy } : {}),
  },
});
const workload = (kind: string, replicas?: number) => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    ...(replicas !== undefined ? { replicas } : {}),
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'app' }] } },
  },
});
const updater = (args: string[]) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'vpa-updater', namespace: 'kube-system' },
  spec: {
    template: {
      spec: {
        containers: [{ name: 'updater', image: 'registry.k8s.io/autoscaling/vpa-updater:1.5.1', args }],
      },
    },
  },
});

test('vpa-mode-restarts-pods', () => {
  const cases: [string, object[], [string, string][]][] = [
    // recommend-only
    ['off', [vpa({ updateMode: 'Off' })], []],
    // Auto on three replicas: evictions within PDBs
    ['auto', [vpa({ updateMode: 'Auto' }), workload('Deployment', 3)], [['evicts', 'medium']]],
    // Recreate is the same
    ['recreate', [vpa({ updateMode: 'Recreate' }), workload('Deployment', 3)], [['evicts', 'medium']]],
    // no updatePolicy: defaults to Recreate
    ['default', [vpa(), workload('Deployment', 3)], [['defaultMode', 'medium']]],
    // an updatePolicy without updateMode is the same
    ['default in policy', [vpa({ minReplicas: 2 }), workload('Deployment', 3)], [['defaultMode', 'medium']]],
    // a StatefulSet target: high
    [
      'statefulset',
      [vpa({ updateMode: 'Auto' }, 'StatefulSet'), workload('StatefulSet', 3)],
      [['evicts', 'high']],
    ],
    // one replica, the updater's default min-replicas 2 spares it: medium
    [
      'single, default updater',
      [vpa({ updateMode: 'Auto' }), workload('Deployment', 1)],
      [['evicts', 'medium']],
    ],
    // one replica and the VPA lowers minReplicas to 1: every resize is an outage
    [
      'single, minReplicas 1',
      [vpa({ updateMode: 'Auto', minReplicas: 1 }), workload('Deployment', 1)],
      [['evicts', 'high']],
    ],
    // one replica and the cluster's updater runs with --min-replicas=1
    [
      'single, updater flag',
      [vpa({ updateMode: 'Auto' }), workload('Deployment', 1), updater(['--min-replicas=1'])],
      [['evicts', 'high']],
    ],
    // in place, falling back to eviction
    [
      'in place or recreate',
      [vpa({ updateMode: 'InPlaceOrRecreate' }), workload('Deployment', 3)],
      [['inPlaceOrRecreate', 'medium']],
    ],
    // Initial and InPlace: no evictions, low
    ['initial', [vpa({ updateMode: 'Initial' })], [['initial', 'low']]],
    ['in place', [vpa({ updateMode: 'InPlace' })], [['inPlace', 'low']]],
    // target not in the inventory: still reported, medium
    ['unknown target', [vpa({ updateMode: 'Auto' })], [['evicts', 'medium']]],
    // a mode this rule does not know: quiet
    ['unknown mode', [vpa({ updateMode: 'Sometimes' })], []],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => [f.messageId, f.severity]),
      expected,
      name,
    );
  }
});

test('vpa-mode-restarts-pods: the fix switches to Off', () => {
  const [finding] = checkRule(rule, [vpa()]);
  assert.deepEqual(finding?.fix?.edits, [
    { op: 'set', path: ['spec', 'updatePolicy', 'updateMode'], value: 'Off' },
  ]);
  assert.deepEqual(finding?.path, ['spec']);
});
