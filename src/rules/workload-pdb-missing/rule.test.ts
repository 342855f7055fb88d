import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../config/config.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const workload = (kind: string, replicas: number | undefined, ports = true) => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    ...(replicas !== undefined ? { replicas } : {}),
    template: {
      metadata: { labels: { app: 'api', tier: 'backend' } },
      spec: { containers: [{ name: 'app', ...(ports ? { ports: [{ containerPort: 8080 }] } : {}) }] },
    },
  },
});
const pdb = (selector: object, namespace = 'shop') => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'api', namespace },
  spec: { maxUnavailable: 1, selector },
});
const hpa = (min: number | undefined, max: number) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
    minReplicas: min,
    maxReplicas: max,
  },
});

test('workload-pdb-missing', () => {
  const cases: [string, object[], string[]][] = [
    // 3 replicas, covered
    ['covered', [workload('Deployment', 3), pdb({ matchLabels: { app: 'api' } })], []],
    // covered by an expression selector
    [
      'covered by expression',
      [
        workload('Deployment', 3),
        pdb({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }),
      ],
      [],
    ],
    // a PDB in another namespace does not count
    [
      'other namespace',
      [workload('Deployment', 3), pdb({ matchLabels: { app: 'api' } }, 'other')],
      ['missing'],
    ],
    // a PDB selecting other pods does not count
    ['other pods', [workload('Deployment', 3), pdb({ matchLabels: { app: 'web' } })], ['missing']],
    // 1 replica (default): nothing a PDB could do
    ['single', [workload('Deployment', undefined)], []],
    // replicas: 1 but an HPA goes to 10
    ['scaled by hpa', [workload('Deployment', 1), hpa(1, 10)], ['missingScaled']],
    // an HPA pinned to 1
    ['hpa pinned to one', [workload('Deployment', undefined), hpa(1, 1)], []],
    // a worker (no ports, no Service) is skipped by default
    ['worker', [workload('Deployment', 4, false)], []],
    // a StatefulSet is checked even without ports
    ['statefulset', [workload('StatefulSet', 3, false)], ['missing']],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('workload-pdb-missing: includeNonServing flags workers too', () => {
  const config = {
    ...DEFAULT_CONFIG,
    rules: { 'workload-pdb-missing': { options: { includeNonServing: true } } },
  };
  assert.deepEqual(
    checkRule(rule, [workload('Deployment', 4, false)], { config }).map((f) => f.message),
    [
      'Deployment runs 4 replicas and no PodDisruptionBudget selects its pods: a node drain, a cluster upgrade or Karpenter consolidation may evict all of them at once',
    ],
  );
});
