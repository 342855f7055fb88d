import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCluster } from '../../../testenv/fixtures/generate.ts';
import type { KubeObject } from '../../core/resource.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { consolidationCandidates } from './consolidation.ts';
import { clusterDemand, compareWithCurrent } from './current-fleet.ts';
import { planNodeMix, plannerInstanceTypes } from './planner.ts';
import { HOURS_PER_MONTH, loadPriceBook } from './prices.ts';

const inventoryOf = (objects: KubeObject[]) =>
  buildInventory(objects.map((object) => ({ object, origin: { source: 'test' } })));

const node = (name: string, type: string, arch: string, extra: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name,
    labels: {
      'node.kubernetes.io/instance-type': type,
      'karpenter.sh/capacity-type': 'on-demand',
      'kubernetes.io/arch': arch,
      ...extra,
    },
  },
  status: { allocatable: { cpu: '4', memory: '16Gi', pods: '20' } },
});

const pod = (
  name: string,
  nodeName: string,
  cpu: string,
  extra: {
    selector?: Record<string, string>;
    annotations?: Record<string, string>;
    owner?: string;
    hostPath?: boolean;
  } = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'shop',
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: extra.owner ?? 'ReplicaSet', name: `${name}-rs`, controller: true },
    ],
  },
  spec: {
    nodeName,
    containers: [
      {
        name: 'c',
        resources: { requests: { cpu, memory: '1Gi' } },
        ...(extra.hostPath ? { volumeMounts: [{ name: 'data', mountPath: '/data' }] } : {}),
      },
    ],
    ...(extra.selector ? { nodeSelector: extra.selector } : {}),
    ...(extra.hostPath ? { volumes: [{ name: 'data', hostPath: { path: '/var/data' } }] } : {}),
  },
});

test('consolidation: nodes whose pods fit elsewhere, with constraints and blockers', () => {
  const book = loadPriceBook();
  const price = book.hourly('m6i.xlarge', 'on-demand')?.hourlyUSD ?? 0;
  assert.ok(price > 0);
  const objects = [
    node('busy', 'm6i.xlarge', 'amd64'),
    node('light', 'm6i.xlarge', 'amd64'),
    node('arm', 'm7g.xlarge', 'arm64'),
    node('pinned', 'm6i.xlarge', 'amd64'),
    node('local', 'm6i.xlarge', 'amd64'),
    pod('a', 'busy', '2'),
    // fits on busy's free 2 cores: light can go
    pod('b', 'light', '1'),
    // arm64-only: the only other arm64 node is none, so 'arm' stays
    pod('c', 'arm', '500m', { selector: { 'kubernetes.io/arch': 'arm64' } }),
    // do-not-disrupt keeps 'pinned'
    pod('d', 'pinned', '100m', { annotations: { 'karpenter.sh/do-not-disrupt': 'true' } }),
    // a writable hostPath keeps 'local'
    pod('e', 'local', '100m', { hostPath: true }),
    // DaemonSet pods do not count
    pod('ds-busy', 'busy', '100m', { owner: 'DaemonSet' }),
    pod('ds-light', 'light', '100m', { owner: 'DaemonSet' }),
  ];
  const result = consolidationCandidates(inventoryOf(objects), book);
  assert.deepEqual(
    result.candidates.map((c) => c.node),
    ['light'],
    JSON.stringify(result, null, 1),
  );
  const light = result.candidates[0];
  assert.ok(light);
  assert.deepEqual(light.moves, [{ pod: 'shop/b', to: 'busy' }]);
  assert.ok(Math.abs(light.monthlySavingsUSD - price * HOURS_PER_MONTH) < 1e-9);
  const kept = new Map(result.kept.map((k) => [k.node, k.reason]));
  assert.match(kept.get('arm') ?? '', /fits on no other node/);
  assert.match(kept.get('pinned') ?? '', /do-not-disrupt/);
  assert.match(kept.get('local') ?? '', /hostPath/i);
  assert.match(kept.get('busy') ?? '', /takes pods|fits on no other/);
});

test('fixture cluster: plan against the current fleet', async () => {
  const fixture = generateCluster({ seed: 1, scale: 'small' });
  const inventory = inventoryOf(fixture.objects);
  const book = loadPriceBook();
  const demand = clusterDemand(inventory);
  assert.ok(demand.pods.length > 0);
  assert.ok(demand.daemonSetOverhead.pods > 0);
  const plan = await planNodeMix({ ...demand, instanceTypes: plannerInstanceTypes(book) });
  assert.equal(plan.unplaceable.length, 0, JSON.stringify(plan.unplaceable));
  assert.ok(plan.lowerBound.hourlyUSD <= plan.hourlyUSD + 1e-9);
  const cmp = compareWithCurrent(inventory, plan, book);
  assert.equal(cmp.unpricedNodes.length, 0);
  assert.equal(cmp.currentNodes, inventory.ofKind('Node').length);
  assert.ok(cmp.currentHourlyUSD > 0);
  assert.ok(Math.abs(cmp.savingsHourlyUSD - (cmp.currentHourlyUSD - plan.hourlyUSD)) < 1e-12);
  const consolidation = consolidationCandidates(inventory, book);
  assert.equal(consolidation.candidates.length + consolidation.kept.length, inventory.ofKind('Node').length);
});
