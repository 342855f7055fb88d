import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bucketCount,
  bucketStart,
  CPU_HISTOGRAM,
  DecayingHistogram,
  findBucket,
  MEMORY_HISTOGRAM,
} from './decaying-histogram.ts';

const DAY = 86400;
const T0 = 1790812800;

test('VPA bucket schemes have 176 buckets', () => {
  assert.equal(bucketCount(CPU_HISTOGRAM), 176);
  assert.equal(bucketCount(MEMORY_HISTOGRAM), 176);
});

test('bucket starts follow first·(1.05^b − 1)/0.05', () => {
  const rows: Array<[number, number, string]> = [
    [0, 0, 'bucket 0 starts at zero'],
    [1, 0.01, 'the first bucket is 0.01 core wide'],
    [2, 0.0205, 'each bucket is 5% wider than the last'],
    [10, 0.12578, 'b=10 ≈ 0.126 cores (VPA docs)'],
    [30, 0.66439, 'b=30 ≈ 0.664 cores'],
    [50, 2.09348, 'b=50 ≈ 2.09 cores'],
  ];
  for (const [b, expected, why] of rows) {
    assert.ok(
      Math.abs(bucketStart(CPU_HISTOGRAM, b) - expected) < 1e-5,
      `${why}: ${bucketStart(CPU_HISTOGRAM, b)}`,
    );
  }
});

test('findBucket puts values in half-open buckets', () => {
  const rows: Array<[number, number, string]> = [
    [0, 0, 'zero'],
    [0.0099, 0, 'below the first bucket size'],
    [0.01, 1, 'exactly on the b=1 boundary'],
    [0.0204, 1, 'just below 0.0205'],
    // Exactly on a later boundary VPA's float formula may land one bucket low (as Go does), so
    // these rows sit just inside the bucket.
    [0.02051, 2, 'just above the b=2 boundary'],
    [bucketStart(CPU_HISTOGRAM, 30) * 1.000001, 30, 'just above the b=30 boundary'],
    [bucketStart(CPU_HISTOGRAM, 31) * 0.999999, 30, 'just below the b=31 boundary'],
    [0.5, 25, 'half a core: bucket 25 is [0.477, 0.511)'],
    [1e9, 175, 'beyond max goes to the last bucket'],
  ];
  for (const [v, expected, why] of rows) assert.equal(findBucket(CPU_HISTOGRAM, v), expected, why);
});

test('an empty histogram is empty and answers 0', () => {
  const h = new DecayingHistogram(CPU_HISTOGRAM, DAY);
  assert.equal(h.isEmpty(), true);
  assert.equal(h.percentile(0.9), 0);
});

test('percentile returns the end of the bucket holding the percentile', () => {
  const h = new DecayingHistogram(CPU_HISTOGRAM, DAY);
  h.addSample(0.5, 0.1, T0);
  const b = findBucket(CPU_HISTOGRAM, 0.5);
  assert.equal(h.percentile(0.5), bucketStart(CPU_HISTOGRAM, b + 1));
  assert.ok(h.percentile(0.5) > 0.5);
});

test('bucket-end bias is at most 5% plus one first-bucket width, and ≤ 5% for large values', () => {
  for (const opts of [CPU_HISTOGRAM, MEMORY_HISTOGRAM]) {
    for (let v = opts.firstBucketSize * 1.01; v < opts.maxValue / 2; v *= 1.37) {
      const h = new DecayingHistogram(opts, DAY);
      h.addSample(v, 1, T0);
      const p = h.percentile(1);
      assert.ok(p > v, `end ${p} above ${v}`);
      assert.ok(p <= v * 1.05 + opts.firstBucketSize + 1e-9 * v, `end ${p} within bias of ${v}`);
      if (v >= 20 * opts.firstBucketSize)
        assert.ok(p <= v * 1.05 * (1 + 1e-9) + opts.firstBucketSize * 0.05 * 20);
    }
  }
  // Far above the first bucket the relative bias approaches the growth: ≤ 5%.
  const h = new DecayingHistogram(CPU_HISTOGRAM, DAY);
  h.addSample(37.3, 1, T0);
  assert.ok(h.percentile(1) / 37.3 <= 1.05);
});

test('a sample one half-life newer weighs twice as much', () => {
  const h = new DecayingHistogram(CPU_HISTOGRAM, DAY);
  h.addSample(0.1, 1, T0);
  h.addSample(1, 1, T0 + DAY);
  const older = h.bucketWeight(findBucket(CPU_HISTOGRAM, 0.1));
  const newer = h.bucketWeight(findBucket(CPU_HISTOGRAM, 1));
  assert.ok(Math.abs(newer / older - 2) < 1e-12);
  // Total 3: the older sample holds 1/3 of the weight.
  assert.equal(h.percentile(0.33), bucketStart(CPU_HISTOGRAM, findBucket(CPU_HISTOGRAM, 0.1) + 1));
  assert.equal(h.percentile(0.34), bucketStart(CPU_HISTOGRAM, findBucket(CPU_HISTOGRAM, 1) + 1));
});

test('renormalisation shifts the reference and keeps weights finite and relative', () => {
  const h = new DecayingHistogram(CPU_HISTOGRAM, 3600);
  // Hourly samples for 300 half-lives: without renormalisation 2^300 would overflow nothing yet,
  // but the exponent would exceed 100 and VPA shifts the reference.
  for (let k = 0; k <= 300; k++) h.addSample(k === 300 ? 5 : 0.2, 1, T0 + k * 3600);
  const ref = h.referenceTimestamp as number;
  assert.ok(ref > T0 + 100 * 3600, 'the reference moved forward');
  assert.equal(ref % 3600, 0, 'the reference is a multiple of the half-life');
  assert.ok(Number.isFinite(h.totalWeight) && h.totalWeight < 2 ** 101);
  // The last sample (weight 1 relative to the one before it at 1/2, 1/4, …) holds half the weight.
  assert.equal(h.percentile(0.49), bucketStart(CPU_HISTOGRAM, findBucket(CPU_HISTOGRAM, 0.2) + 1));
  assert.equal(h.percentile(0.51), bucketStart(CPU_HISTOGRAM, findBucket(CPU_HISTOGRAM, 5) + 1));
});

test('a sample far older than 100 half-lives is forgotten', () => {
  const h = new DecayingHistogram(CPU_HISTOGRAM, DAY);
  h.addSample(0.2, 1, T0);
  h.addSample(3, 1, T0 + 150 * DAY);
  assert.equal(h.percentile(0), bucketStart(CPU_HISTOGRAM, findBucket(CPU_HISTOGRAM, 3) + 1));
  assert.ok(Math.abs(h.totalWeight - 1) < 1e-9);
});

test('subtracting a sample empties its bucket', () => {
  const h = new DecayingHistogram(MEMORY_HISTOGRAM, DAY);
  h.addSample(3e8, 1, T0);
  h.addSample(5e8, 1, T0);
  h.subtractSample(5e8, 1, T0);
  assert.equal(h.percentile(1), bucketStart(MEMORY_HISTOGRAM, findBucket(MEMORY_HISTOGRAM, 3e8) + 1));
  h.subtractSample(3e8, 1, T0);
  assert.equal(h.isEmpty(), true);
});

test('a negative weight is a bug', () => {
  const h = new DecayingHistogram(CPU_HISTOGRAM, DAY);
  assert.throws(() => h.addSample(1, -1, T0), /non-negative/);
});
