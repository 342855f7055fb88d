import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constant, syntheticHistory } from '../../testing/synthetic-history.ts';
import { backtestContainer, evaluateSettings, summarizeBacktest } from './backtest.ts';
import { GIB, MIB } from './history-window.ts';

const PRICES = { cpuCoreHour: 0.04, memoryGiBHour: 0.005 };
const PER_DAY = 288;

/** Three held-out samples of one pod: memory 100/200/300 MiB, CPU 0.1/0.2/0.3 cores, 1-hour steps. */
const heldOut = syntheticHistory({
  points: 3,
  step: 3600,
  pods: [{ cpu: (i) => [0.1, 0.2, 0.3][i] as number, memory: (i) => ([100, 200, 300][i] as number) * MIB }],
});

test('evaluateSettings counts samples over the lines and prices the requests', () => {
  const rows: Array<
    [Parameters<typeof evaluateSettings>[1], number, number, number, number | undefined, string]
  > = [
    // limit 250 MiB: one sample (300) over it; request 150 MiB: two over it; CPU 0.15: two over.
    [
      { requests: { cpu: 0.15, memory: 150 * MIB }, limits: { memory: 250 * MIB } },
      1,
      2,
      2,
      undefined,
      'burstable',
    ],
    // No memory limit: the OOM line is the request (eviction risk).
    [{ requests: { cpu: 0.31, memory: 150 * MIB }, limits: {} }, 2, 2, 0, undefined, 'no limit'],
    // A CPU limit of 0.25: one sample over it. (Lines sit off the samples: float32 0.2 > 0.2.)
    [
      { requests: { cpu: 0.21, memory: GIB }, limits: { cpu: 0.25, memory: GIB } },
      0,
      0,
      1,
      1,
      'guaranteed-ish',
    ],
  ];
  for (const [settings, overLimit, overRequest, cpuOver, cpuOverLimit, why] of rows) {
    const t = evaluateSettings(heldOut, settings, PRICES);
    assert.equal(t.memorySteps, 3, why);
    assert.equal(t.memoryOverLimit, overLimit, why);
    assert.equal(t.memoryOverRequest, overRequest, why);
    assert.equal(t.cpuOverRequest, cpuOver, why);
    assert.equal(settings.limits.cpu === undefined ? undefined : t.cpuOverLimit, cpuOverLimit, why);
    // 3 pod-hours of requests.
    const cost = 3 * ((settings.requests.cpu ?? 0) * 0.04 + ((settings.requests.memory ?? 0) / GIB) * 0.005);
    assert.ok(Math.abs(t.requestedCost - cost) < 1e-12, why);
  }
  // Slack: requested 3 × 0.3 core-hours, used 0.6.
  const t = evaluateSettings(heldOut, { requests: { cpu: 0.3 }, limits: {} }, PRICES);
  assert.ok(Math.abs(t.cpuRequestedCoreHours - 0.9) < 1e-9 && Math.abs(t.cpuUsedCoreHours - 0.6) < 1e-6);
});

test('backtestContainer fits on the first 70 % and judges the rest', () => {
  // 10 days flat, then usage doubles for the held-out part: every strategy under-provisions.
  const split = Math.floor(10 * PER_DAY * 0.7);
  const h = syntheticHistory({
    points: 10 * PER_DAY,
    pods: [
      { cpu: (i) => (i < split ? 0.2 : 0.4), memory: (i) => (i < split ? 200 : 400) * MIB },
      { cpu: (i) => (i < split ? 0.2 : 0.4), memory: (i) => (i < split ? 200 : 400) * MIB },
    ],
  });
  const r = backtestContainer(h, { unitPrices: PRICES });
  assert.equal(r.heldOutStart - r.fitEnd, 300, 'the held-out window starts right after the fit window');
  assert.equal(r.heldOutHours, ((10 * PER_DAY - split) * 300) / 3600);
  for (const [name, s] of Object.entries(r.strategies)) {
    assert.equal(s.cpuSteps, 2 * (10 * PER_DAY - split), name);
    assert.equal(s.throttleRisk, 1, `${name}: every held-out step is above the fitted CPU request`);
    assert.ok(s.cpuSlack < 0, `${name}: negative slack when usage exceeds requests`);
  }
  assert.equal(r.strategies.hindsight.oomRiskBasis, 'limit');
  assert.equal(r.strategies.vpa.oomRiskBasis, 'request', 'VPA sets no limit: eviction risk');
  assert.equal(r.strategies.hindsight.oomRisk, 1, '400 MiB is above 1.2 × 200 MiB');
});

test('summarizeBacktest weighs by pod-steps and sums costs', () => {
  const small = syntheticHistory({
    points: 4 * PER_DAY,
    pods: [{ cpu: (i) => (i % 50) / 100, memory: constant(100 * MIB) }],
  });
  const big = syntheticHistory({
    points: 4 * PER_DAY,
    pods: Array.from({ length: 3 }, () => ({ cpu: constant(1), memory: (i: number) => (i % 97) * 10 * MIB })),
  });
  const results = [small, big].map((h) => backtestContainer(h, { unitPrices: PRICES }));
  const summary = summarizeBacktest(results);
  assert.equal(summary.containers, 2);
  for (const row of summary.rows) {
    const parts = results.map((r) => r.strategies[row.strategy]);
    const steps = parts.reduce((a, s) => a + s.cpuSteps, 0);
    const over = parts.reduce((a, s) => a + s.cpuOverRequest, 0);
    assert.equal(row.cpuSteps, steps);
    assert.ok(Math.abs(row.throttleRisk - over / steps) < 1e-12, `${row.strategy}: pooled share`);
    const cost = parts.reduce((a, s) => a + s.requestedCost, 0);
    assert.ok(Math.abs(row.requestedCost - cost) < 1e-9);
    const monthly = results.reduce(
      (a, r) => a + (r.strategies[row.strategy].requestedCost / r.heldOutHours) * 730,
      0,
    );
    assert.ok(Math.abs(row.monthlyRequestedCost - monthly) < 1e-9);
    const req = parts.reduce((a, s) => a + s.memoryRequestedGiBHours, 0);
    const used = parts.reduce((a, s) => a + s.memoryUsedGiBHours, 0);
    assert.ok(Math.abs(row.memorySlack - (req - used) / req) < 1e-12);
  }
});

test('an impossible split is refused', () => {
  assert.throws(() => backtestContainer(heldOut, { unitPrices: PRICES, fitFraction: 1 }), /fitFraction/);
});
