import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCluster } from '../../../testenv/fixtures/generate.ts';
import type { KubeObject } from '../../core/resource.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import {
  allocateCosts,
  DEFAULT_CPU_TO_RAM_RATIO,
  NO_TEAM,
  POD_EXTRA_CONTAINER,
  splitNodePrice,
  usageKey,
} from './allocation.ts';
import { HOURS_PER_MONTH, loadPriceBook } from './prices.ts';

const close = (a: number, b: number, label: string, eps = 1e-9): void =>
  assert.ok(Math.abs(a - b) <= eps, `${label}: ${a} ≠ ${b}`);

const GI = 2 ** 30;

function inventoryOf(objects: KubeObject[]) {
  return buildInventory(objects.map((object) => ({ object, origin: { source: 'test' } })));
}

const node: KubeObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'n1',
    labels: { 'node.kubernetes.io/instance-type': 'test.large', 'karpenter.sh/capacity-type': 'on-demand' },
  },
  status: {
    capacity: { cpu: '4', memory: '16Gi' },
    allocatable: { cpu: '3800m', memory: '15Gi', pods: '20' },
  },
};
const unpriced: KubeObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n2', labels: { 'node.kubernetes.io/instance-type': 'zz9.huge' } },
  status: { capacity: { cpu: '8', memory: '32Gi' } },
};

const pod = (
  name: string,
  namespace: string,
  containers: { name: string; cpu: string; memory: string }[],
  extra: {
    labels?: Record<string, string>;
    owner?: { kind: string; name: string };
    init?: { cpu: string; memory: string };
    nodeName?: string;
  } = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace,
    ...(extra.labels ? { labels: extra.labels } : {}),
    ...(extra.owner
      ? {
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: extra.owner.kind, name: extra.owner.name, controller: true },
          ],
        }
      : {}),
  },
  spec: {
    nodeName: extra.nodeName ?? 'n1',
    containers: containers.map((c) => ({
      name: c.name,
      resources: { requests: { cpu: c.cpu, memory: c.memory } },
    })),
    ...(extra.init ? { initContainers: [{ name: 'init', resources: { requests: extra.init } }] } : {}),
  },
});

const objects: KubeObject[] = [
  node,
  unpriced,
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'payments' } } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'misc' } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' } },
  {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'api-6f7',
      namespace: 'shop',
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', controller: true }],
    },
  },
  // api: 1 core / 2Gi requested, uses 1.5 cores / 1Gi → charged 1.5 cores, 2Gi. Team from the pod label.
  pod('api-6f7-a', 'shop', [{ name: 'app', cpu: '1', memory: '2Gi' }], {
    owner: { kind: 'ReplicaSet', name: 'api-6f7' },
    labels: { team: 'checkout' },
  }),
  // worker: team from the namespace label; init container asks for 2 cores, more than the 0.5 of its container.
  pod('worker', 'shop', [{ name: 'w', cpu: '500m', memory: '4Gi' }], { init: { cpu: '2', memory: '1Gi' } }),
  // a DaemonSet pod, charged like any pod; no team anywhere.
  pod('agent-x', 'misc', [{ name: 'agent', cpu: '100m', memory: '512Mi' }], {
    owner: { kind: 'DaemonSet', name: 'agent' },
  }),
  // a pod on the node hindsight cannot price: not charged.
  pod('elsewhere', 'misc', [{ name: 'c', cpu: '1', memory: '1Gi' }], { nodeName: 'n2' }),
];

test('splitting a node price holds the ratio and sums to the price', () => {
  for (const [price, cpu, memory, gpu] of [
    [0.4, 4, 16 * GI, 0],
    [0.096, 2, 8 * GI, 0],
    [3.06, 8, 61 * GI, 1],
  ] as const) {
    const u = splitNodePrice(price, { cpu, memory, gpu });
    close(u.cpuPerCoreHour * cpu + u.ramPerGiBHour * (memory / GI) + u.gpuPerGpuHour * gpu, price, 'sum');
    close(u.cpuPerCoreHour / u.ramPerGiBHour, DEFAULT_CPU_TO_RAM_RATIO, 'ratio');
  }
});

test('allocation by max(request, usage) on a hand-made inventory', () => {
  const book = loadPriceBook({
    overrides: [{ instanceType: 'test.large', capacityType: 'on-demand', hourlyUSD: 0.4 }],
  });
  const usage = new Map([[usageKey('shop', 'api-6f7-a', 'app'), { cpu: 1.5, memory: 1 * GI }]]);
  // Ratio 2 keeps the arithmetic by hand: 4 cores·2 + 16 GiB = 24 units, $0.4/24 per GiB-hour.
  const a = allocateCosts(inventoryOf(objects), book, { usage, cpuToRamRatio: 2 });
  const ram = 0.4 / 24;
  const cpu = 2 * ram;
  const [n1] = a.nodes;
  assert.ok(n1?.unitPrices);
  close(n1.unitPrices.ramPerGiBHour, ram, 'ram price');
  close(n1.unitPrices.cpuPerCoreHour, cpu, 'cpu price');

  const byKey = new Map(a.containers.map((c) => [`${c.pod}/${c.container}`, c]));
  const api = byKey.get('api-6f7-a/app');
  assert.ok(api);
  assert.deepEqual(api.charged, { cpu: 1.5, memory: 2 * GI, gpu: 0 });
  close(api.hourlyUSD, 1.5 * cpu + 2 * ram, 'api'); // usage above request for CPU, request for memory
  close(byKey.get('worker/w')?.hourlyUSD ?? Number.NaN, 0.5 * cpu + 4 * ram, 'worker');
  // The init container's excess (2 − 0.5 cores; its 1Gi is below the 4Gi) is the pod's own line.
  const extra = byKey.get(`worker/${POD_EXTRA_CONTAINER}`);
  assert.ok(extra);
  close(extra.charged.cpu, 1.5, 'init excess cpu');
  close(extra.charged.memory, 0, 'init excess memory');
  close(byKey.get('agent-x/agent')?.hourlyUSD ?? Number.NaN, 0.1 * cpu + 0.5 * ram, 'daemonset pod');
  assert.equal(byKey.has('elsewhere/c'), false);

  const allocated = 1.5 * cpu + 2 * ram + (0.5 * cpu + 4 * ram) + 1.5 * cpu + (0.1 * cpu + 0.5 * ram);
  close(a.totals.allocatedHourlyUSD, allocated, 'allocated');
  close(a.totals.idleHourlyUSD, 0.4 - allocated, 'idle');
  close(a.totals.nodesHourlyUSD, 0.4, 'nodes');
  close(a.totals.nodesMonthlyUSD, 0.4 * HOURS_PER_MONTH, 'monthly');
  assert.deepEqual(
    a.unpricedNodes.map((n) => n.name),
    ['n2'],
  );

  // Aggregations.
  const team = new Map(a.byTeam.map((g) => [g.key, g]));
  close(team.get('checkout')?.hourlyUSD ?? Number.NaN, 1.5 * cpu + 2 * ram, 'team from pod label');
  close(
    team.get('payments')?.hourlyUSD ?? Number.NaN,
    0.5 * cpu + 4 * ram + 1.5 * cpu,
    'team from namespace',
  );
  assert.equal(team.get(NO_TEAM)?.pods, 1);
  const workloads = new Map(a.byWorkload.map((g) => [g.key, g]));
  assert.ok(workloads.has('Deployment shop/api'), [...workloads.keys()].join());
  assert.equal(workloads.get('DaemonSet misc/agent')?.pods, 1);
  const ns = new Map(a.byNamespace.map((g) => [g.key, g]));
  close((ns.get('shop')?.hourlyUSD ?? 0) + (ns.get('misc')?.hourlyUSD ?? 0), allocated, 'namespaces add up');

  // Utilisation: requests (init excess included), usage and allocatable over every node.
  close(n1.cpu.requested, 1 + 0.5 + 1.5 + 0.1, 'requested cpu');
  close(n1.cpu.used ?? Number.NaN, 1.5, 'used cpu');
  close(n1.cpu.allocatable, 3.8, 'allocatable cpu');
  close(a.utilisation.cpu.requested, 3.1 + 1, 'total requested cpu');
});

test('without usage, containers are charged their requests and used is absent', () => {
  const book = loadPriceBook({
    overrides: [{ instanceType: 'test.large', capacityType: 'on-demand', hourlyUSD: 0.4 }],
  });
  const a = allocateCosts(inventoryOf(objects), book);
  const api = a.containers.find((c) => c.pod === 'api-6f7-a');
  assert.deepEqual(api?.charged, { cpu: 1, memory: 2 * GI, gpu: 0 });
  assert.equal(a.utilisation.cpu.used, undefined);
});

test('fixture cluster: every node priced, workloads + idle = nodes', () => {
  const fixture = generateCluster({ seed: 1, scale: 'small' });
  const inventory = inventoryOf(fixture.objects);
  const book = loadPriceBook();
  const a = allocateCosts(inventory, book);
  assert.equal(a.unpricedNodes.length, 0, JSON.stringify(a.unpricedNodes));
  assert.equal(a.nodes.length, inventory.ofKind('Node').length);
  const spot = a.nodes.filter((n) => n.price.priced && n.price.capacityType === 'spot');
  assert.ok(spot.length > 0, 'the fixture has spot nodes');
  for (const n of a.nodes) {
    assert.ok(n.price.priced && n.hourlyUSD > 0, n.name);
    assert.ok(n.unitPrices);
    close(
      n.unitPrices.cpuPerCoreHour * n.capacity.cpu +
        n.unitPrices.ramPerGiBHour * (n.capacity.memory / GI) +
        n.unitPrices.gpuPerGpuHour * n.capacity.gpu,
      n.hourlyUSD,
      `${n.name} split`,
    );
  }
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  close(
    sum(a.containers.map((c) => c.hourlyUSD)) + a.totals.idleHourlyUSD,
    a.totals.nodesHourlyUSD,
    'workloads + idle',
  );
  close(sum(a.byWorkload.map((g) => g.hourlyUSD)), a.totals.allocatedHourlyUSD, 'by workload');
  close(sum(a.byTeam.map((g) => g.hourlyUSD)), a.totals.allocatedHourlyUSD, 'by team');
  close(sum(a.byNamespace.map((g) => g.hourlyUSD)), a.totals.allocatedHourlyUSD, 'by namespace');
  const running = inventory.ofKind('Pod').filter((p) => {
    const phase = (p.object.status as { phase?: string } | undefined)?.phase;
    return phase !== 'Succeeded' && phase !== 'Failed';
  });
  assert.equal(new Set(a.containers.map((c) => `${c.namespace}/${c.pod}`)).size, running.length);
  assert.ok(a.totals.idleHourlyUSD > 0);
});
