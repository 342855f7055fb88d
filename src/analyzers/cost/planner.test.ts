import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type PlannerInstanceType, type PodDemand, planNodeMix } from './planner.ts';

const GI = 2 ** 30;
const NO_DS = { cpu: 0, memory: 0, pods: 0 };

const type = (
  name: string,
  cpu: number,
  memGiB: number,
  onDemand: number,
  extra: { arch?: string; pods?: number; spot?: number; family?: string } = {},
): PlannerInstanceType => ({
  name,
  family: extra.family ?? name.split('.')[0] ?? name,
  arch: extra.arch ?? 'amd64',
  allocatable: { cpu, memory: memGiB * GI, pods: extra.pods ?? 110 },
  prices: { 'on-demand': onDemand, ...(extra.spot !== undefined ? { spot: extra.spot } : {}) },
});

const small = type('s.small', 2, 4, 0.1);
const large = type('s.large', 8, 16, 0.35);

const pods = (
  name: string,
  count: number,
  cpu: number,
  memGiB: number,
  constraints?: PodDemand['constraints'],
): PodDemand => ({
  name,
  count,
  cpu,
  memory: memGiB * GI,
  ...(constraints ? { constraints } : {}),
});

test('tiny cases with an optimum known by hand', async () => {
  const rows: {
    label: string;
    pods: PodDemand[];
    types: PlannerInstanceType[];
    ds?: typeof NO_DS;
    cost: number;
    mix: string[];
  }[] = [
    // 8 × 1 core: one large ($0.35) beats four smalls ($0.40)
    {
      label: 'one large',
      pods: [pods('a', 8, 1, 1)],
      types: [small, large],
      cost: 0.35,
      mix: ['1× s.large'],
    },
    // 5 × 1 core: three smalls ($0.30) beat one large ($0.35) — the LP alone would buy 5/8 of a large
    {
      label: 'three smalls',
      pods: [pods('a', 5, 1, 1)],
      types: [small, large],
      cost: 0.3,
      mix: ['3× s.small'],
    },
    // 9 × 1 core: a large and a small ($0.45)
    {
      label: 'large + small',
      pods: [pods('a', 9, 1, 1)],
      types: [small, large],
      cost: 0.45,
      mix: ['1× s.large', '1× s.small'],
    },
    // DaemonSets take 1 core of every node: a small holds 1 pod, a large 7; 7 pods → one large
    {
      label: 'daemonset overhead',
      pods: [pods('a', 7, 1, 1)],
      types: [small, large],
      ds: { cpu: 1, memory: 0, pods: 1 },
      cost: 0.35,
      mix: ['1× s.large'],
    },
    // pod slots bind: 30 tiny pods, 10 slots per small, 110 per large → one large ($0.35 < 3 × $0.10 + …)
    {
      label: 'pod slots',
      pods: [pods('a', 30, 0.01, 0.01)],
      types: [type('p.small', 2, 4, 0.1, { pods: 10 }), type('p.large', 8, 16, 0.25, { pods: 110 })],
      cost: 0.25,
      mix: ['1× p.large'],
    },
  ];
  for (const r of rows) {
    const plan = await planNodeMix({
      pods: r.pods,
      daemonSetOverhead: r.ds ?? NO_DS,
      instanceTypes: r.types,
    });
    assert.ok(Math.abs(plan.hourlyUSD - r.cost) < 1e-9, `${r.label}: ${plan.hourlyUSD}`);
    assert.deepEqual(
      plan.nodeGroups.map((g) => `${g.count}× ${g.instanceType}`).sort(),
      [...r.mix].sort(),
      r.label,
    );
    assert.ok(plan.lowerBound.hourlyUSD <= plan.hourlyUSD + 1e-9, `${r.label}: bound ≤ cost`);
    assert.equal(
      plan.nodeGroups.reduce((s, g) => s + g.pods.reduce((t, p) => t + p.count, 0), 0),
      r.pods.reduce((s, p) => s + (p.count ?? 1), 0),
      `${r.label}: every pod placed`,
    );
  }
});

test('the big-pod cut lifts the bound to the optimum when pods fit only large types', async () => {
  // 2 pods of 5 cores fit only the 8-core type; the 4-core type is cheaper per core. Without the
  // cut the LP buys 10 cores of small (0.25); with it, two large nodes (0.80) — the optimum.
  const plan = await planNodeMix({
    pods: [pods('big', 2, 5, 1)],
    daemonSetOverhead: NO_DS,
    instanceTypes: [type('c.small', 4, 8, 0.1), type('c.large', 8, 16, 0.4)],
  });
  assert.ok(Math.abs(plan.hourlyUSD - 0.8) < 1e-9);
  assert.ok(Math.abs(plan.lowerBound.hourlyUSD - 0.8) < 1e-6, `bound ${plan.lowerBound.hourlyUSD}`);
  assert.ok(plan.lowerBound.cuts > 0);
  assert.ok(plan.gap < 1 + 1e-6);
});

/** A small deterministic generator (mulberry32) for the property test. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('the LP bound never exceeds the plan cost, and every pod is placed within capacity', async () => {
  const types: PlannerInstanceType[] = [];
  for (const [family, gibPerCore, perCore, arch] of [
    ['c', 2, 0.04, 'amd64'],
    ['m', 4, 0.048, 'amd64'],
    ['r', 8, 0.063, 'amd64'],
    ['mg', 4, 0.04, 'arm64'],
  ] as const)
    for (const cores of [2, 4, 8, 16, 32])
      types.push(
        type(`${family}.${cores}x`, cores - 0.1, cores * gibPerCore - 0.6, cores * perCore, {
          arch,
          pods: 8 * cores,
          spot: cores * perCore * 0.35,
        }),
      );
  for (let seed = 1; seed <= 6; seed++) {
    const r = rng(seed);
    const demand: PodDemand[] = [];
    for (let g = 0; g < 40; g++) {
      const c = r();
      demand.push(
        pods(
          `g${g}`,
          1 + Math.floor(r() * 20),
          Math.round((0.05 + r() * r() * 6) * 100) / 100,
          Math.round((0.1 + r() * r() * 24) * 10) / 10,
          c < 0.2
            ? { arch: 'arm64' }
            : c < 0.3
              ? { capacityType: 'on-demand' }
              : c < 0.35
                ? { zone: 'us-east-1a' }
                : undefined,
        ),
      );
    }
    const plan = await planNodeMix({
      pods: demand,
      daemonSetOverhead: { cpu: 0.2, memory: 0.3 * GI, pods: 3 },
      instanceTypes: types,
    });
    assert.equal(plan.lowerBound.status, 'Optimal');
    assert.ok(plan.lowerBound.hourlyUSD > 0);
    assert.ok(
      plan.lowerBound.hourlyUSD <= plan.hourlyUSD + 1e-9,
      `seed ${seed}: ${plan.lowerBound.hourlyUSD} > ${plan.hourlyUSD}`,
    );
    const placed = plan.nodeGroups.reduce((s, g) => s + g.pods.reduce((t, p) => t + p.count, 0), 0);
    const unplaced = plan.unplaceable.reduce((s, u) => s + u.count, 0);
    assert.equal(
      placed + unplaced,
      demand.reduce((s, p) => s + (p.count ?? 1), 0),
      `seed ${seed}`,
    );
    for (const g of plan.nodeGroups) {
      assert.ok(
        g.utilisation.cpu <= 1 + 1e-9 && g.utilisation.memory <= 1 + 1e-9 && g.utilisation.pods <= 1 + 1e-9,
      );
    }
    // Within a reasonable distance of the bound on these mid-sized cases.
    assert.ok(plan.gap < 1.5, `seed ${seed}: gap ${plan.gap}`);
  }
});

test('a pod bigger than every type is reported, the rest still planned', async () => {
  const plan = await planNodeMix({
    pods: [pods('huge', 2, 64, 8), pods('ok', 3, 1, 1), pods('arm-only', 1, 1, 1, { arch: 'arm64' })],
    daemonSetOverhead: NO_DS,
    instanceTypes: [small, large],
  });
  const byName = new Map(plan.unplaceable.map((u) => [u.name, u]));
  assert.equal(byName.get('huge')?.count, 2);
  assert.match(byName.get('huge')?.reason ?? '', /larger than every/);
  assert.match(byName.get('arm-only')?.reason ?? '', /constraints/);
  assert.equal(
    plan.nodeGroups.flatMap((g) => g.pods).reduce((s, p) => s + p.count, 0),
    3,
  );
  assert.ok(plan.hourlyUSD > 0);
});

test('constraint groups are respected: arch, capacity type, zone, families', async () => {
  const types = [
    type('x.big', 16, 64, 0.5, { spot: 0.15 }),
    type('g.big', 16, 64, 0.45, { arch: 'arm64', spot: 0.14 }),
    type('g.small', 2, 8, 0.06, { arch: 'arm64', spot: 0.02 }),
    type('y.big', 16, 64, 0.55, { family: 'y', spot: 0.2 }),
  ];
  const plan = await planNodeMix({
    pods: [
      pods('arm', 10, 1, 2, { arch: 'arm64' }),
      pods('amd', 10, 1, 2, { arch: 'amd64' }),
      pods('od', 4, 1, 2, { capacityType: 'on-demand' }),
      pods('zoned', 2, 1, 2, { zone: 'us-east-1b' }),
      pods('family-y', 2, 1, 2, { families: ['y'] }),
      pods('free', 10, 1, 2),
    ],
    daemonSetOverhead: NO_DS,
    instanceTypes: types,
  });
  const archOf = new Map(types.map((t) => [t.name, t.arch]));
  for (const g of plan.nodeGroups) {
    const names = new Set(g.pods.map((p) => p.name));
    if (names.has('arm')) assert.equal(archOf.get(g.instanceType), 'arm64', g.instanceType);
    if (names.has('amd')) assert.equal(archOf.get(g.instanceType), 'amd64', g.instanceType);
    if (names.has('od')) assert.equal(g.capacityType, 'on-demand');
    if (names.has('zoned')) assert.equal(g.zone, 'us-east-1b');
    if (names.has('family-y')) assert.equal(g.instanceType, 'y.big');
  }
  assert.equal(plan.unplaceable.length, 0);
  assert.ok(plan.lowerBound.hourlyUSD <= plan.hourlyUSD + 1e-9);
  // Unconstrained pods go to spot, the cheaper capacity.
  assert.ok(
    plan.nodeGroups
      .filter((g) => g.pods.some((p) => p.name === 'free'))
      .every((g) => g.capacityType === 'spot'),
  );
});

test('options.capacityTypes limits the offerings; no pods is a zero plan', async () => {
  const plan = await planNodeMix({
    pods: [pods('a', 4, 1, 1)],
    daemonSetOverhead: NO_DS,
    instanceTypes: [type('x.big', 16, 64, 0.5, { spot: 0.15 })],
    options: { capacityTypes: ['on-demand'] },
  });
  assert.ok(plan.nodeGroups.every((g) => g.capacityType === 'on-demand'));
  const empty = await planNodeMix({ pods: [], daemonSetOverhead: NO_DS, instanceTypes: [small] });
  assert.equal(empty.hourlyUSD, 0);
  assert.equal(empty.gap, 1);
});

test('the coupled LP bound is at least the fluid one and at most the plan, on seeded random cases', async () => {
  const types: PlannerInstanceType[] = [];
  for (const [family, gibPerCore, perCore] of [
    ['c', 2, 0.04],
    ['m', 4, 0.048],
    ['r', 8, 0.063],
  ] as const)
    for (const cores of [2, 4, 8, 16])
      types.push(
        type(`${family}.${cores}x`, cores - 0.1, cores * gibPerCore - 0.6, cores * perCore, {
          pods: 8 * cores,
        }),
      );
  // Tiny burstable-like types: cheap per resource, few slots, the trap the fluid LP falls into.
  types.push(type('t.small', 2, 2, 0.012, { pods: 6 }), type('t.medium', 2, 4, 0.024, { pods: 12 }));
  let tighter = 0;
  for (let seed = 11; seed <= 16; seed++) {
    const r = rng(seed);
    const demand: PodDemand[] = [];
    for (let g = 0; g < 30; g++)
      demand.push(
        pods(
          `g${g}`,
          1 + Math.floor(r() * 15),
          Math.round((0.1 + r() * r() * 3) * 100) / 100,
          Math.round((0.1 + r() * r() * 12) * 10) / 10,
        ),
      );
    const plan = await planNodeMix({
      pods: demand,
      daemonSetOverhead: { cpu: 0.2, memory: 0.3 * GI, pods: 2 },
      instanceTypes: types,
    });
    const { fluidHourlyUSD, coupledHourlyUSD, hourlyUSD } = plan.lowerBound;
    assert.ok(
      coupledHourlyUSD >= fluidHourlyUSD - 1e-6,
      `seed ${seed}: ${coupledHourlyUSD} < ${fluidHourlyUSD}`,
    );
    assert.ok(
      coupledHourlyUSD <= plan.hourlyUSD + 1e-9,
      `seed ${seed}: ${coupledHourlyUSD} > ${plan.hourlyUSD}`,
    );
    assert.equal(hourlyUSD, Math.max(fluidHourlyUSD, coupledHourlyUSD));
    if (coupledHourlyUSD > fluidHourlyUSD * 1.01) tighter++;
  }
  // Pods of whole cores on 2-core burstables: the coupling must tighten the bound somewhere.
  assert.ok(tighter > 0, 'the coupled LP never beat the fluid one');
});

test('the integrality-of-fit cut makes the bound exact when every pod needs its own node', async () => {
  // 1.5-core pods on 2-core nodes: one per node, so 4 pods need 4 nodes ($0.40). The fluid LP
  // sees 6 cores = 3 nodes ($0.30); the cut y ≤ 1·x gives 4.
  const plan = await planNodeMix({
    pods: [pods('wide', 4, 1.5, 1)],
    daemonSetOverhead: NO_DS,
    instanceTypes: [type('n.two', 2, 8, 0.1)],
  });
  assert.ok(Math.abs(plan.hourlyUSD - 0.4) < 1e-9, `plan ${plan.hourlyUSD}`);
  assert.ok(
    Math.abs(plan.lowerBound.coupledHourlyUSD - 0.4) < 1e-6,
    `coupled ${plan.lowerBound.coupledHourlyUSD}`,
  );
  assert.ok(plan.lowerBound.fluidHourlyUSD < 0.4 - 1e-3, `fluid ${plan.lowerBound.fluidHourlyUSD}`);
  assert.ok(Math.abs(plan.gap - 1) < 1e-6);
  // Without the cut the coupled LP is as loose as the fluid one here.
  const uncut = await planNodeMix({
    pods: [pods('wide', 4, 1.5, 1)],
    daemonSetOverhead: NO_DS,
    instanceTypes: [type('n.two', 2, 8, 0.1)],
    options: { maxCutPodsPerNode: 0 },
  });
  assert.ok(uncut.lowerBound.coupledHourlyUSD < 0.4 - 1e-3, `uncut ${uncut.lowerBound.coupledHourlyUSD}`);
});

/** The cheapest packing by brute force: every partition of the pods into nodes. */
function bruteForceOptimum(
  sizes: readonly { cpu: number; mem: number }[],
  types: readonly PlannerInstanceType[],
): number {
  const cheapest = (block: readonly { cpu: number; mem: number }[]): number => {
    const cpu = block.reduce((s, p) => s + p.cpu, 0);
    const mem = block.reduce((s, p) => s + p.mem, 0);
    let best = Number.POSITIVE_INFINITY;
    for (const t of types)
      if (
        t.allocatable.cpu >= cpu - 1e-9 &&
        t.allocatable.memory / GI >= mem - 1e-9 &&
        t.allocatable.pods >= block.length
      )
        best = Math.min(best, t.prices['on-demand'] ?? Number.POSITIVE_INFINITY);
    return best;
  };
  let best = Number.POSITIVE_INFINITY;
  const blocks: { cpu: number; mem: number }[][] = [];
  const walk = (i: number, cost: number): void => {
    if (cost >= best) return;
    if (i === sizes.length) {
      best = cost;
      return;
    }
    const p = sizes[i] as { cpu: number; mem: number };
    for (const b of blocks) {
      const before = cheapest(b);
      b.push(p);
      walk(i + 1, cost - before + cheapest(b));
      b.pop();
    }
    blocks.push([p]);
    walk(i + 1, cost + cheapest([p]));
    blocks.pop();
  };
  walk(0, 0);
  return best;
}

test('quantised size classes never lift the bound above the brute-force optimum', async () => {
  const types = [type('q.s', 2, 4, 0.1, { pods: 4 }), type('q.m', 4, 8, 0.19), type('q.l', 8, 16, 0.36)];
  for (let seed = 21; seed <= 28; seed++) {
    const r = rng(seed);
    const sizes = Array.from({ length: 7 }, () => ({
      cpu: Math.round((0.2 + r() * 2.5) * 100) / 100,
      mem: Math.round((0.2 + r() * 5) * 100) / 100,
    }));
    const demand = sizes.map((s, i) => pods(`p${i}`, 1, s.cpu, s.mem));
    const optimum = bruteForceOptimum(sizes, types);
    for (const maxSizeClasses of [1, 3, 100]) {
      const plan = await planNodeMix({
        pods: demand,
        daemonSetOverhead: NO_DS,
        instanceTypes: types,
        options: { maxSizeClasses },
      });
      assert.ok(plan.stats.sizeClasses <= Math.max(maxSizeClasses, 1) || plan.stats.sizeStep === 1);
      assert.ok(
        plan.lowerBound.coupledHourlyUSD <= optimum + 1e-9,
        `seed ${seed}, ${maxSizeClasses} classes: bound ${plan.lowerBound.coupledHourlyUSD} > optimum ${optimum}`,
      );
      assert.ok(plan.hourlyUSD >= optimum - 1e-9, `seed ${seed}: plan below the optimum`);
      if (maxSizeClasses === 1) assert.ok(plan.stats.sizeStep > 0, 'coarse classes were not quantised');
    }
  }
});
