import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constant, syntheticHistory } from '../../testing/synthetic-history.ts';
import { GIB, MIB } from './history-window.ts';
import { monthlyDelta, recommend } from './recommend.ts';

const PRICES = { cpuCoreHour: 0.04, memoryGiBHour: 0.005 };

test('monthly delta = (recommended − current) × replicas × price × 730 h', () => {
  const rows: Array<[Parameters<typeof monthlyDelta>, number, number, string]> = [
    // Half a core less on 3 replicas: −0.5 × 3 × 0.04 × 730 = −43.8 $.
    [[{ cpu: 0.5 }, { cpu: 1 }, 3, PRICES], -43.8, 0, 'CPU shrink'],
    // 1 GiB more on 2 replicas: 1 × 2 × 0.005 × 730 = 7.3 $.
    [[{ memory: 2 * GIB }, { memory: GIB }, 2, PRICES], 0, 7.3, 'memory growth'],
    // Unset current request: the recommendation alone, 0.25 × 4 × 0.04 × 730 = 29.2 $.
    [[{ cpu: 0.25 }, {}, 4, PRICES], 29.2, 0, 'current unset'],
    // No recommendation ("?"): nothing changes.
    [[{}, { cpu: 1, memory: GIB }, 5, PRICES], 0, 0, 'no recommendation'],
  ];
  for (const [args, cpu, memory, why] of rows) {
    const d = monthlyDelta(...args);
    assert.ok(Math.abs(d.cpu - cpu) < 1e-9, `${why}: cpu ${d.cpu}`);
    assert.ok(Math.abs(d.memory - memory) < 1e-9, `${why}: memory ${d.memory}`);
    assert.ok(Math.abs(d.total - cpu - memory) < 1e-9, why);
  }
  const unset = monthlyDelta({ cpu: 0.25 }, {}, 4, PRICES);
  assert.equal(unset.basis.cpu, 'recommendation-only');
  assert.ok(unset.notes.some((n) => n.includes('unset')));
  assert.equal(monthlyDelta({}, { cpu: 1 }, 1, PRICES).basis.cpu, 'no-recommendation');
});

test('recommend puts the three strategies side by side, priced', () => {
  const h = syntheticHistory({
    points: 3 * 288,
    pods: [
      { cpu: (i) => 0.2 + (i % 10) / 100, memory: constant(300 * MIB) },
      { cpu: (i) => 0.2 + (i % 7) / 100, memory: constant(320 * MIB) },
    ],
    requests: { cpu: 1, memory: GIB },
    limits: { memory: GIB },
  });
  const rec = recommend(h, { hpaResources: ['cpu'], containersInPod: 1, replicas: 2, unitPrices: PRICES });
  assert.deepEqual(rec.current, { requests: { cpu: 1, memory: GIB }, limits: { memory: GIB } });
  // The HPA keeps hindsight's CPU at 1 core and makes KRR answer "?".
  assert.equal(rec.strategies.hindsight.burstable.requests.cpu, 1);
  assert.deepEqual(rec.hpaProtected, ['cpu']);
  assert.equal(rec.strategies.krr.cpu.status, 'undefined');
  assert.equal(rec.strategies.krr.monthlyDelta.basis.cpu, 'no-recommendation');
  // Memory shrinks from 1 GiB under every strategy: negative deltas.
  for (const s of [rec.strategies.hindsight.burstable, rec.strategies.krr, rec.strategies.vpa]) {
    assert.ok(s.monthlyDelta.memory < 0, `memory delta ${s.monthlyDelta.memory}`);
    const expected = (((s.requests.memory as number) - GIB) / GIB) * 2 * 0.005 * 730;
    assert.ok(Math.abs(s.monthlyDelta.memory - expected) < 1e-9);
  }
  // VPA shrinks CPU (it ignores HPAs), so its CPU delta is negative.
  assert.ok(rec.strategies.vpa.monthlyDelta.cpu < 0);
  assert.equal(rec.strategies.vpa.limits.memory, undefined, 'the VPA recommender sets no limits');
  assert.equal(rec.confidence, 'medium');
});

test('invalid context is a bug', () => {
  const h = syntheticHistory({ points: 10, pods: [{ cpu: constant(0.1), memory: constant(MIB) }] });
  assert.throws(
    () => recommend(h, { hpaResources: [], containersInPod: 0, replicas: 1, unitPrices: PRICES }),
    /containersInPod/,
  );
});
