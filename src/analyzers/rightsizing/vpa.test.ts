import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constant, syntheticHistory } from '../../testing/synthetic-history.ts';
import { bucketStart, CPU_HISTOGRAM, findBucket, MEMORY_HISTOGRAM } from './decaying-histogram.ts';
import { MIB } from './history-window.ts';
import { vpaRecommend } from './vpa.ts';

const PER_DAY = 288; // 300 s grid points per day

function cpuEnd(v: number): number {
  return bucketStart(CPU_HISTOGRAM, findBucket(CPU_HISTOGRAM, v) + 1);
}
function memEnd(v: number): number {
  return bucketStart(MEMORY_HISTOGRAM, findBucket(MEMORY_HISTOGRAM, v) + 1);
}
/** VPA's target: bucket end, ×1.15, in truncated millicores / bytes. */
function cpuTarget(v: number): number {
  return Math.trunc(Math.trunc(cpuEnd(v) * 1000) * 1.15) / 1000;
}
function memTarget(v: number): number {
  return Math.trunc(Math.trunc(memEnd(v)) * 1.15);
}

test('steady usage: target is the bucket end × 1.15, confidence is days of data', () => {
  const h = syntheticHistory({
    points: 8 * PER_DAY,
    pods: [{ cpu: constant(0.5), memory: constant(500 * MIB) }],
  });
  const vpa = vpaRecommend(h, 1);
  assert.equal(vpa.target.cpu, cpuTarget(0.5));
  assert.equal(vpa.target.memory, memTarget(500 * MIB));
  // 8 days of 5-minute points = 2304 points = 11520 minute-samples = 8 "days"; lifespan 8 d − 1 step.
  assert.ok(Math.abs(vpa.confidence - (8 * 86400 - 300) / 86400) < 1e-9);
  assert.equal(vpa.totalSamples, 8 * 1440);
  // upperBound = P95 × 1.15 × (1 + 1/c).
  const upper =
    Math.trunc(Math.trunc(Math.trunc(cpuEnd(0.5) * 1000) * 1.15) * (1 + 1 / vpa.confidence)) / 1000;
  assert.equal(vpa.upperBound.cpu, upper);
  assert.ok(vpa.lowerBound.cpu <= vpa.target.cpu);
});

test('short history widens the bounds: ×(1 + 1/c) at c = 0.5 is ×3', () => {
  const h = syntheticHistory({
    points: PER_DAY / 2 + 1,
    pods: [{ cpu: constant(2), memory: constant(GB(1)) }],
  });
  const vpa = vpaRecommend(h, 1);
  assert.ok(Math.abs(vpa.confidence - 0.5) < 0.01);
  const ratio = vpa.upperBound.cpu / vpa.target.cpu;
  assert.ok(ratio > 2.9 && ratio < 3.1, `upper/target ${ratio}`);
});

function GB(n: number): number {
  return n * 1e9;
}

test('floors are per pod, divided among containers', () => {
  const h = syntheticHistory({ points: PER_DAY, pods: [{ cpu: constant(0.001), memory: constant(MIB) }] });
  const rows: Array<[number, number, number, string]> = [
    [1, 0.025, 250 * MIB, 'one container gets the whole pod floor'],
    [2, 0.012, 125 * MIB, 'two containers: 12.5 m truncated to 12 m, 125 MiB'],
  ];
  for (const [containers, cpu, memory, why] of rows) {
    const vpa = vpaRecommend(h, containers);
    assert.equal(vpa.target.cpu, cpu, why);
    assert.equal(vpa.target.memory, memory, why);
  }
});

test('memory keeps one peak per 24 h interval', () => {
  // Baseline 100 MiB with one 1 GiB spike a day: the histogram holds only the daily peaks, so even
  // the P50 (lower bound) is the spike, not the baseline.
  const spike = 1024 * MIB;
  const h = syntheticHistory({
    points: 6 * PER_DAY,
    pods: [{ cpu: constant(0.1), memory: (i) => (i % PER_DAY === 100 ? spike : 100 * MIB) }],
  });
  const vpa = vpaRecommend(h, 1);
  assert.equal(vpa.target.memory, memTarget(spike));
  assert.ok(vpa.lowerBound.memory > spike, 'P50 of daily peaks is the spike');
});

test('an OOM kill adds max(used + 100 MiB, 1.2 × used) as the interval peak', () => {
  // Two days at a 300 MiB peak, request 200 MiB; an OOM kill on day two. used = max(request,
  // peak) = 300 MiB, needed = max(400 MiB, 360 MiB) = 400 MiB, which replaces day two's peak and
  // (weighing twice day one's) carries the P90.
  const opts = {
    points: 2 * PER_DAY,
    pods: [{ pod: 'api-0', cpu: constant(0.1), memory: constant(300 * MIB) }],
    requests: { memory: 200 * MIB },
  };
  const without = vpaRecommend(syntheticHistory(opts), 1);
  assert.equal(without.target.memory, memTarget(300 * MIB));
  const base = syntheticHistory(opts);
  const withOom = vpaRecommend({ ...base, oomKills: [{ pod: 'api-0', time: base.grid.end - 3600 }] }, 1);
  assert.equal(withOom.oomSamples, 1);
  assert.equal(withOom.target.memory, memTarget(400 * MIB));
});

test('only the last 8 days are loaded', () => {
  // 10 days: 2 days at 4 cores, then 8 days at 0.2 cores. The old days are outside the window.
  const h = syntheticHistory({
    points: 10 * PER_DAY,
    pods: [{ cpu: (i) => (i < 2 * PER_DAY ? 4 : 0.2), memory: constant(300 * MIB) }],
  });
  const eight = vpaRecommend(h, 1);
  assert.equal(eight.target.cpu, cpuTarget(0.2));
  assert.ok(eight.confidence < 8, `8-day window: confidence ${eight.confidence}`);
  assert.ok(vpaRecommend(h, 1, { historyDays: 10 }).confidence > 9.9, 'a 10-day window sees 10 days');
});

test('no samples: no recommendation', () => {
  const h = syntheticHistory({
    points: 10,
    pods: [{ cpu: constant(Number.NaN), memory: constant(Number.NaN) }],
  });
  assert.equal(vpaRecommend(h, 1).hasRecommendation, false);
});
