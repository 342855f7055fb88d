import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../core/resource.ts';
import { EKS_VERSIONS } from '../../data/eks-versions.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { analyzeUpgrade, type UpgradeInputs } from './readiness.ts';

const NOW = new Date('2026-12-03T12:00:00Z');

function inputs(objects: KubeObject[], extra: Partial<UpgradeInputs> = {}): UpgradeInputs {
  return {
    inventory: buildInventory(objects.map((object) => ({ object, origin: { source: 'test.yaml' } }))),
    live: false,
    currentVersion: 'v1.33.5-eks-1',
    targetVersion: '1.35',
    calendar: EKS_VERSIONS,
    now: NOW,
    ...extra,
  };
}

const item = (report: ReturnType<typeof analyzeUpgrade>, id: string) => report.items.find((i) => i.id === id);

test('the path goes one minor at a time, and the calendar prices extended support', () => {
  const report = analyzeUpgrade(inputs([]));
  assert.deepEqual(report.path, ['1.34', '1.35']);
  const calendar = item(report, 'eks-support');
  assert.equal(calendar?.verdict, 'action');
  assert.match(
    calendar?.summary ?? '',
    /1\.33 has been in extended support since 2026-07-29: \$0\.60 instead of \$0\.10 per cluster hour, \$365 more a month/,
  );
  const gone = analyzeUpgrade(inputs([], { currentVersion: '1.30', targetVersion: '1.31' }));
  assert.equal(item(gone, 'eks-support')?.verdict, 'blocker');
  const fresh = analyzeUpgrade(inputs([], { currentVersion: '1.35', targetVersion: '1.36' }));
  assert.match(item(fresh, 'eks-support')?.summary ?? '', /standard support for 113 more days/);
  assert.match(item(fresh, 'eks-support')?.details[0] ?? '', /1\.36 is not in the calendar/);
});

test('removed APIs: a file says its own apiVersion, a live object its last-applied one, else nothing', () => {
  const files = analyzeUpgrade(
    inputs(
      [
        { apiVersion: 'resource.k8s.io/v1beta1', kind: 'DeviceClass', metadata: { name: 'gpu' } },
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } },
        // Removed in Karpenter 0.33, which says nothing about Kubernetes 1.38 (scan's rule reports it).
        { apiVersion: 'karpenter.sh/v1alpha5', kind: 'Provisioner', metadata: { name: 'default' } },
      ],
      { targetVersion: '1.38', currentVersion: '1.37' },
    ),
  );
  const apis = item(files, 'removed-apis');
  assert.equal(apis?.verdict, 'blocker');
  assert.deepEqual(apis?.details, [
    'DeviceClass gpu (resource.k8s.io/v1beta1 DeviceClass → resource.k8s.io/v1): removed in 1.38',
  ]);

  const applied = JSON.stringify({ apiVersion: 'resource.k8s.io/v1beta1', kind: 'DeviceClass' });
  const live = analyzeUpgrade(
    inputs(
      [
        {
          apiVersion: 'resource.k8s.io/v1',
          kind: 'DeviceClass',
          metadata: {
            name: 'gpu',
            uid: 'u1',
            annotations: { 'kubectl.kubernetes.io/last-applied-configuration': applied },
          },
        },
        // Served as v1beta1 by preference but applied by no one we can see: not judged.
        {
          apiVersion: 'resource.k8s.io/v1beta1',
          kind: 'DeviceClass',
          metadata: { name: 'other', uid: 'u2' },
        },
      ],
      { live: true, targetVersion: '1.35' },
    ),
  );
  assert.equal(item(live, 'removed-apis')?.verdict, 'action');
  assert.equal(item(live, 'removed-apis')?.details.length, 1);
  assert.match(
    item(live, 'removed-apis')?.details[0] ?? '',
    /^DeviceClass gpu .*deprecated in 1\.35, removed in 1\.38/,
  );
});

test('clients calling removed APIs block; the metric unread is unknown, not ok', () => {
  const report = analyzeUpgrade(
    inputs([], {
      targetVersion: '1.38',
      currentVersion: '1.35',
      requestedDeprecated: [
        {
          group: 'resource.k8s.io',
          version: 'v1beta1',
          resource: 'resourceclaims',
          subresource: '',
          removedRelease: '1.38',
        },
        { group: '', version: 'v1', resource: 'endpoints', subresource: '', removedRelease: '' },
      ],
    }),
  );
  const called = item(report, 'requested-deprecated-apis');
  assert.equal(called?.verdict, 'blocker');
  assert.deepEqual(called?.details, [
    'resource.k8s.io/v1beta1 resourceclaims: removed in 1.38',
    'v1 endpoints: deprecated, no removal planned',
  ]);
  const unread = analyzeUpgrade(inputs([], { requestedDeprecatedProblem: 'not allowed' }));
  assert.equal(item(unread, 'requested-deprecated-apis')?.verdict, 'unknown');
  assert.equal(item(unread, 'requested-deprecated-apis')?.summary, 'not allowed');
});

test('kubelets more than three minors behind the target block it', () => {
  const node = (name: string, kubelet: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { nodeInfo: { kubeletVersion: kubelet } },
  });
  const report = analyzeUpgrade(
    inputs([node('a', 'v1.31.4'), node('b', 'v1.32.1'), node('c', 'v1.35.0')], { targetVersion: '1.35' }),
  );
  const skew = item(report, 'node-skew');
  assert.equal(skew?.verdict, 'blocker');
  assert.deepEqual(skew?.details, ['kubelet 1.31: 1 nodes (a)']);
  assert.equal(
    item(analyzeUpgrade(inputs([node('b', 'v1.32.1')], { targetVersion: '1.35' })), 'node-skew')?.verdict,
    'ok',
  );
});

test('drain blockers: a budget as tight as its pods (any input), and one the pods’ health holds at zero now (live)', () => {
  const deployment = (name: string, replicas: number): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'r/x:1' }] } },
    },
  });
  const pdb = (
    name: string,
    spec: Record<string, unknown>,
    status?: Record<string, unknown>,
  ): KubeObject => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: 'shop' },
    spec: { selector: { matchLabels: { app: name } }, ...spec },
    ...(status ? { status } : {}),
  });
  const report = analyzeUpgrade(
    inputs([
      deployment('tight', 2),
      pdb('tight', { minAvailable: 2 }),
      deployment('sick', 3),
      pdb(
        'sick',
        { minAvailable: 2 },
        { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2, expectedPods: 3 },
      ),
      deployment('fine', 3),
      pdb(
        'fine',
        { minAvailable: 2 },
        { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
      ),
    ]),
  );
  const drains = item(report, 'drain-blockers');
  assert.equal(drains?.verdict, 'blocker');
  assert.equal(drains?.details.length, 2);
  assert.match(
    drains?.details[0] ?? '',
    /^PodDisruptionBudget shop\/tight: minAvailable 2 is not below the 2 pods/,
  );
  assert.match(
    drains?.details[1] ?? '',
    /^PodDisruptionBudget shop\/sick: allows 0 evictions now: 1 pods healthy of the 2 it must keep \(3 expected\)/,
  );
  assert.equal(report.verdict, 'blocker');
});
