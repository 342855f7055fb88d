import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constant, syntheticHistory } from '../../testing/synthetic-history.ts';
import { HINDSIGHT_DEFAULTS, hindsightRecommend, weightedQuantile } from './hindsight-strategy.ts';
import { MIB, roundCpuUp, roundMemoryUp } from './history-window.ts';

const PER_DAY = 288;

test('weightedQuantile: smallest value whose cumulative weight reaches q·total', () => {
  const v = new Float64Array([3, 1, 2, 4]);
  const rows: Array<[number[], number, number, string]> = [
    [[1, 1, 1, 1], 0.5, 2, 'equal weights: half the weight is reached at 2'],
    [[1, 1, 1, 1], 0.51, 3, 'just past half needs 3'],
    [[1, 10, 1, 1], 0.5, 1, 'a heavy 1 carries the median'],
    [[1, 1, 1, 100], 0.05, 4, 'a heavy 4 carries even the p5'],
  ];
  for (const [w, q, expected, why] of rows)
    assert.equal(weightedQuantile(v, new Float64Array(w), q), expected, why);
  assert.ok(Number.isNaN(weightedQuantile(new Float64Array(), new Float64Array(), 0.5)));
});

test('rounding: CPU to 1 m, to 5 m above 100 m; memory to MiB', () => {
  const rows: Array<[number, number, string]> = [
    [0.0421, 0.043, 'up to the next millicore'],
    [0.1, 0.1, '100 m stays (no float creep to 101 m)'],
    [0.1001, 0.105, 'above 100 m: 5 m steps'],
    [0.123, 0.125, '123 m → 125 m'],
    [1.25, 1.25, 'already on a step'],
  ];
  for (const [cores, expected, why] of rows) assert.equal(roundCpuUp(cores, 0.1), expected, why);
  assert.equal(roundMemoryUp(100 * MIB + 1), 101 * MIB);
  assert.equal(roundMemoryUp(100 * MIB), 100 * MIB);
});

test('burstable: CPU p95 without limit, memory request p99 + 10 %, limit 1.2 × max', () => {
  // CPU cycles 0.100 … 0.199 (p95 ≈ 0.195); memory cycles 200 … 299 MiB (p99 ≈ 298 MiB).
  const h = syntheticHistory({
    points: 3 * PER_DAY,
    pods: [{ cpu: (i) => 0.1 + (i % 100) / 1000, memory: (i) => (200 + (i % 100)) * MIB }],
  });
  const rec = hindsightRecommend(h);
  const cpu = rec.burstable.requests.cpu as number;
  assert.ok(cpu >= 0.193 && cpu <= 0.2, `cpu ${cpu}`);
  assert.equal(cpu % 0.005 < 1e-9 || 0.005 - (cpu % 0.005) < 1e-9, true, 'on a 5 m step');
  assert.equal(rec.burstable.limits.cpu, undefined, 'no CPU limit');
  const mem = rec.burstable.requests.memory as number;
  assert.ok(mem >= 297 * MIB * 1.1 && mem <= 300 * MIB * 1.1, `memory request ${mem / MIB} MiB`);
  assert.equal(rec.burstable.limits.memory, roundMemoryUp(299 * MIB * 1.2));
  assert.equal(rec.confidence, 'medium');
  assert.deepEqual(rec.hpaProtected, []);
});

test('guaranteed: request = limit, CPU at p99 × 1.15, memory at the limit', () => {
  const h = syntheticHistory({
    points: 8 * PER_DAY,
    pods: [{ cpu: (i) => 0.1 + (i % 100) / 1000, memory: constant(256 * MIB) }],
  });
  const rec = hindsightRecommend(h);
  assert.deepEqual(rec.guaranteed.requests, rec.guaranteed.limits);
  assert.equal(rec.guaranteed.requests.cpu, roundCpuUp(0.199 * 1.15, 0.1));
  assert.equal(rec.guaranteed.requests.memory, rec.burstable.limits.memory);
  assert.equal(rec.confidence, 'high');
});

test('recent usage weighs more (7-day half-life)', () => {
  // 14 days: the first 7 at 0.4 cores, the last 7 at 0.1. Without decay each week holds half
  // the weight, so the p60 is in the old week; with a 7-day half-life the recent week holds about
  // 2/3 of it, so the p60 follows the recent week.
  const h = syntheticHistory({
    points: 14 * PER_DAY,
    pods: [{ cpu: (i) => (i < 7 * PER_DAY ? 0.4 : 0.1), memory: constant(100 * MIB) }],
  });
  const decayed = hindsightRecommend(h, [], { cpuRequestPercentile: 0.6 }).burstable.requests.cpu;
  const flat = hindsightRecommend(h, [], { cpuRequestPercentile: 0.6, halfLifeDays: 1e9 }).burstable.requests
    .cpu;
  assert.equal(flat, 0.4, 'without decay 60 % of the weight is not reached before the old week');
  assert.equal(decayed, 0.1, 'with decay the recent week holds 2/3 of the weight');
});

test('the hottest replica with a day of data raises the pooled p95', () => {
  // 39 replicas at 0.1 cores and one at 0.2: pooled p95 is 0.1, but the hot replica would run
  // above its request all the time.
  const pods = Array.from({ length: 39 }, () => ({ cpu: constant(0.1), memory: constant(100 * MIB) }));
  const hot = syntheticHistory({
    points: 2 * PER_DAY,
    pods: [...pods, { cpu: constant(0.2), memory: constant(100 * MIB) }],
  });
  assert.equal(hindsightRecommend(hot).burstable.requests.cpu, 0.2);
  // The same replica with only 12 h of data does not count yet: the pooled p95 stands.
  const young = syntheticHistory({
    points: 2 * PER_DAY,
    pods: [...pods, { cpu: (i) => (i >= 1.5 * PER_DAY ? 0.2 : Number.NaN), memory: constant(100 * MIB) }],
  });
  assert.equal(hindsightRecommend(young).burstable.requests.cpu, 0.1);
});

test('after an OOM kill the limit is at least the killed limit × 1.2', () => {
  const h = syntheticHistory({
    points: 3 * PER_DAY,
    pods: [{ pod: 'api-0', cpu: constant(0.1), memory: (i) => (i % PER_DAY) * 2 * MIB }],
    limits: { memory: 600 * MIB },
  });
  const base = hindsightRecommend(h);
  const killed = hindsightRecommend({
    ...h,
    oomKills: [{ pod: 'api-0', time: h.grid.end - 600, memoryLimit: 600 * MIB }],
  });
  assert.ok(
    (base.burstable.limits.memory as number) < 720 * MIB,
    'without the kill: 1.2 × the observed peak',
  );
  assert.equal(killed.burstable.limits.memory, 720 * MIB);
  assert.ok(killed.reasons.some((r) => r.code === 'oom-killed'));
});

test('HPA on a resource: never shrink that request, say why', () => {
  const h = syntheticHistory({
    points: 3 * PER_DAY,
    pods: [{ cpu: constant(0.1), memory: constant(200 * MIB) }],
    requests: { cpu: 1, memory: 1024 * MIB },
  });
  const rows: Array<[('cpu' | 'memory')[], number, number, string]> = [
    [[], 0.1, roundMemoryUp(200 * MIB * 1.1), 'no HPA: both shrink'],
    [['cpu'], 1, roundMemoryUp(200 * MIB * 1.1), 'HPA on CPU: CPU kept at 1 core, memory shrinks'],
    [['memory'], 0.1, 1024 * MIB, 'HPA on memory: memory kept'],
  ];
  for (const [hpa, cpu, memory, why] of rows) {
    const rec = hindsightRecommend(h, hpa);
    assert.equal(rec.burstable.requests.cpu, cpu, why);
    assert.equal(rec.burstable.requests.memory, memory, why);
    assert.deepEqual(rec.hpaProtected, hpa, why);
    for (const r of hpa)
      assert.ok(
        rec.reasons.some((x) => x.code === 'hpa-protected' && x.resource === r),
        why,
      );
  }
  // Growing is fine under an HPA.
  const hot = syntheticHistory({
    points: 3 * PER_DAY,
    pods: [{ cpu: constant(2), memory: constant(MIB) }],
    requests: { cpu: 1 },
  });
  const rec = hindsightRecommend(hot, ['cpu']);
  assert.equal(rec.burstable.requests.cpu, 2);
  assert.deepEqual(rec.hpaProtected, []);
});

test('floors and insufficient history', () => {
  const h = syntheticHistory({
    points: PER_DAY / 2,
    pods: [{ cpu: constant(0.0001), memory: constant(MIB) }],
  });
  const rec = hindsightRecommend(h);
  assert.equal(rec.burstable.requests.cpu, HINDSIGHT_DEFAULTS.minCpuCores);
  assert.equal(rec.burstable.requests.memory, HINDSIGHT_DEFAULTS.minMemoryBytes);
  assert.equal(rec.insufficientHistory, true);
  assert.equal(rec.confidence, 'low');
  assert.ok(rec.reasons.some((r) => r.code === 'insufficient-history'));
});

test('no samples: current settings stand, confidence none', () => {
  const h = syntheticHistory({
    points: 10,
    pods: [{ cpu: constant(Number.NaN), memory: constant(Number.NaN) }],
    requests: { cpu: 0.5 },
    limits: { memory: 256 * MIB },
  });
  const rec = hindsightRecommend(h);
  assert.equal(rec.confidence, 'none');
  assert.deepEqual(rec.burstable, { requests: { cpu: 0.5 }, limits: { memory: 256 * MIB } });
});
