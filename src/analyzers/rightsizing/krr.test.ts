import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constant, syntheticHistory } from '../../testing/synthetic-history.ts';
import { MIB } from './history-window.ts';
import { KRR_MIN_CPU, KRR_MIN_MEMORY, krrSimple, prometheusQuantile } from './krr.ts';

test('prometheusQuantile interpolates linearly at rank q·(n−1)', () => {
  const rows: Array<[number, number[], number, string]> = [
    [0.95, [1, 2, 3, 4, 5], 4.8, 'rank 3.8 → 4 + 0.8·(5 − 4)'],
    [0.5, [5, 1, 3], 3, 'unsorted input, rank 1 exactly'],
    [0.95, [7], 7, 'a single value'],
    [0.9, [1, Number.NaN, 2], 1.9, 'NaN (no sample) is skipped: rank 0.9 of [1, 2]'],
    [1, [1, 2, 3], 3, 'q = 1 is the max'],
  ];
  for (const [q, values, expected, why] of rows) {
    assert.ok(Math.abs(prometheusQuantile(q, values) - expected) < 1e-12, why);
  }
  assert.ok(Number.isNaN(prometheusQuantile(0.95, [])), 'no values: NaN');
});

test('CPU is the max over pods of each pod p95, not the pooled p95', () => {
  // Pod A: 0.100 … 0.199 cores; pod B: constant 0.05. Pooled p95 lies in A's range but lower
  // than A's own p95, so the max-of-per-pod rule is visible.
  const h = syntheticHistory({
    points: 100,
    pods: [
      { cpu: (i) => 0.1 + i / 1000, memory: constant(200 * MIB) },
      { cpu: constant(0.05), memory: constant(150 * MIB) },
    ],
  });
  const krr = krrSimple(h);
  const podA = prometheusQuantile(
    0.95,
    Array.from({ length: 100 }, (_, i) => 0.1 + i / 1000),
  );
  assert.equal(krr.cpu.status, 'ok');
  if (krr.cpu.status === 'ok') {
    assert.equal(krr.cpu.request, Math.ceil(podA * 1000) / 1000);
    assert.equal(krr.cpu.limit, undefined, 'simple sets no CPU limit');
  }
  assert.equal(krr.settings.limits.cpu, undefined);
});

test('memory request = limit = max × 1.15, rounded up to 1 MiB', () => {
  const peak = 400 * MIB + 12345;
  const h = syntheticHistory({
    points: 100,
    pods: [
      { cpu: constant(0.2), memory: (i) => (i === 57 ? peak : 300 * MIB) },
      { cpu: constant(0.2), memory: constant(350 * MIB) },
    ],
  });
  const krr = krrSimple(h);
  const expected = Math.ceil((Math.fround(peak) * 1.15) / MIB) * MIB;
  assert.deepEqual(krr.memory, { status: 'ok', request: expected, limit: expected });
});

test('floors: 10 m CPU and 100 MiB memory', () => {
  const h = syntheticHistory({ points: 100, pods: [{ cpu: constant(0.0004), memory: constant(5 * MIB) }] });
  const krr = krrSimple(h);
  assert.deepEqual(krr.settings, {
    requests: { cpu: KRR_MIN_CPU, memory: KRR_MIN_MEMORY },
    limits: { memory: KRR_MIN_MEMORY },
  });
});

test('"?" when there is not enough data or an HPA scales on the resource', () => {
  const rows: Array<[string, Parameters<typeof syntheticHistory>[0], ('cpu' | 'memory')[], string, string]> =
    [
      // 20 points at 300 s stand for 80 points at KRR's 75 s step: below 100.
      [
        'too few points',
        { points: 20, pods: [{ cpu: constant(0.1), memory: constant(MIB) }] },
        [],
        'not-enough-data',
        'not-enough-data',
      ],
      // 10 pods × 30 points is plenty of points, but 29 × 300 s = 2.4 h is under 3 h.
      [
        'history under 3 h',
        {
          points: 30,
          pods: Array.from({ length: 10 }, () => ({ cpu: constant(0.1), memory: constant(MIB) })),
        },
        [],
        'not-enough-data',
        'not-enough-data',
      ],
      // No sample at all.
      [
        'no data',
        { points: 100, pods: [{ cpu: constant(Number.NaN), memory: constant(Number.NaN) }] },
        [],
        'no-data',
        'no-data',
      ],
      // An HPA on CPU: CPU is "?", memory is still recommended.
      [
        'HPA on cpu',
        { points: 100, pods: [{ cpu: constant(0.1), memory: constant(MIB) }] },
        ['cpu'],
        'hpa-detected',
        'ok',
      ],
    ];
  for (const [why, opts, hpa, cpu, memory] of rows) {
    const krr = krrSimple(syntheticHistory(opts), hpa);
    assert.equal(krr.cpu.status === 'ok' ? 'ok' : krr.cpu.reason, cpu, `${why}: cpu`);
    assert.equal(krr.memory.status === 'ok' ? 'ok' : krr.memory.reason, memory, `${why}: memory`);
  }
  const allowed = krrSimple(
    syntheticHistory({ points: 100, pods: [{ cpu: constant(0.1), memory: constant(MIB) }] }),
    ['cpu', 'memory'],
    { allowHpa: true },
  );
  assert.equal(allowed.cpu.status, 'ok', 'allow_hpa recommends anyway');
});
