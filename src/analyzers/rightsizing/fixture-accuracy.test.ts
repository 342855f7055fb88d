/**
 * Accuracy against the test fixture's ground truth, without Prometheus: ContainerHistory objects
 * are built straight from the fixture's usage model (`usageAt`), sampled every 60 s like the
 * history file and aggregated to a 300 s grid (CPU mean, memory max) over the 14 days ending at
 * the fixture's `now`, each pod from its creation on. The fixture is generated once.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ClusterFixture, generateCluster } from '../../../testenv/fixtures/generate.ts';
import { usageAt } from '../../../testenv/fixtures/history.ts';
import { computeTruth, type WorkloadTruth } from '../../../testenv/fixtures/truth.ts';
import { compileUsage, restartCount } from '../../../testenv/fixtures/usage.ts';
import { createdAt, historyWorkloads, podIndex, sampleWindow } from '../../../testenv/fixtures/window.ts';
import type { ContainerHistory, OomKill } from '../../core/usage-history.ts';
import { gridLength, gridTime } from '../../core/usage-history.ts';
import { backtestContainer, summarizeBacktest } from './backtest.ts';
import { hindsightRecommend } from './hindsight-strategy.ts';
import { lastDays, MIB, sliceHistory } from './history-window.ts';
import { krrSimple } from './krr.ts';
import { vpaRecommend } from './vpa.ts';

const DAYS = 14;
const SAMPLE_SECONDS = 60;
const STEP_SECONDS = 300;
/** On-demand-like unit prices (OpenCost's AWS defaults): $/core-hour, $/GiB-hour. */
const PRICES = { cpuCoreHour: 0.031611, memoryGiBHour: 0.004237 };

interface FixtureContainer {
  truth: WorkloadTruth;
  history: ContainerHistory;
}

/** Histories of every long-running workload's containers, from the usage model. */
function fixtureHistories(fixture: ClusterFixture): FixtureContainer[] {
  const window = sampleWindow(fixture.now, { days: DAYS, stepSeconds: SAMPLE_SECONDS });
  const points = Math.floor((DAYS * 86400) / STEP_SECONDS);
  const start = window.end - (points - 1) * STEP_SECONDS;
  const perStep = STEP_SECONDS / SAMPLE_SECONDS;
  const workloads = historyWorkloads(fixture.workloads);
  const pods = podIndex(fixture.objects, workloads);
  const out: FixtureContainer[] = [];
  for (const w of workloads) {
    for (const c of w.containers) {
      const model = compileUsage(c.shape, c.params);
      const oomKills: OomKill[] = [];
      const series = w.pods.map((podName, replica) => {
        const pod = pods.get(`${w.namespace}/${podName}`);
        if (!pod) throw new Error(`pod ${w.namespace}/${podName} is not in the fixture`);
        const created = createdAt(pod);
        const cpu = new Float32Array(points).fill(Number.NaN);
        const memory = new Float32Array(points).fill(Number.NaN);
        let restarts = -1;
        for (let i = 0; i < points; i++) {
          const end = start + i * STEP_SECONDS;
          let sum = 0;
          let n = 0;
          let max = 0;
          // The samples of the step ending at `end`: end − 240 s … end.
          for (let k = perStep - 1; k >= 0; k--) {
            const t = end - k * SAMPLE_SECONDS;
            if (t < window.start || t < created) continue;
            const u = usageAt(w, c.name, replica, t);
            sum += u.cpuCores;
            n++;
            if (u.memoryBytes > max) max = u.memoryBytes;
            // oom-shaped containers are OOM-killed at their limit (leak ones by a liveness probe).
            if (c.shape === 'oom') {
              const r = restartCount(model, replica, t);
              if (restarts >= 0 && r > restarts) {
                oomKills.push({
                  pod: podName,
                  time: end,
                  ...(c.limits.memory === undefined ? {} : { memoryLimit: c.limits.memory }),
                });
              }
              restarts = r;
            }
          }
          if (n > 0) {
            cpu[i] = sum / n;
            memory[i] = max;
          }
        }
        return { pod: podName, cpu, memory };
      });
      out.push({
        truth: w,
        history: {
          workload: { namespace: w.namespace, kind: w.kind, name: w.name },
          container: c.name,
          grid: { start, end: window.end, step: STEP_SECONDS },
          pods: series,
          oomKills,
          requests: { ...c.requests },
          limits: { ...c.limits },
        },
      });
    }
  }
  return out;
}

const fixture = generateCluster({ seed: 1, scale: 'small' });
const containers = fixtureHistories(fixture);
const fitOf = (h: ContainerHistory) => sliceHistory(h, 0, Math.floor(gridLength(h.grid) * 0.7));

function maxOf(h: ContainerHistory, resource: 'cpu' | 'memory'): number {
  let max = Number.NaN;
  for (const p of h.pods) for (const v of p[resource]) if (!(v <= max)) max = Number.isNaN(v) ? max : v;
  return max;
}

test('the grid histories agree with the fixture truth', () => {
  assert.ok(containers.length >= 50, `${containers.length} containers`);
  const truth = computeTruth(fixture, { days: DAYS, stepSeconds: SAMPLE_SECONDS });
  const byKey = new Map(
    truth.flatMap((w) => w.containers.map((c) => [`${w.namespace}/${w.name}/${c.name}`, c])),
  );
  for (const { history: h } of containers) {
    const t = byKey.get(`${h.workload.namespace}/${h.workload.name}/${h.container}`);
    assert.ok(t, `${h.workload.name}/${h.container} has truth`);
    // Per-step peaks keep every sample's maximum: the grid max is the true max, exactly.
    assert.equal(maxOf(h, 'memory'), t.true.memory.max, `${h.workload.name}/${h.container} memory max`);
    // Per-step CPU averages can only smooth the true max.
    assert.ok(maxOf(h, 'cpu') <= t.true.cpu.max * (1 + 1e-6), `${h.workload.name}/${h.container} cpu max`);
  }
  assert.ok(
    containers.some((c) => c.history.oomKills.length > 0),
    'oom-shaped containers have OOM kills',
  );
});

test('hindsight never sets a memory limit below the largest peak it was fitted on', () => {
  for (const { history } of containers) {
    const fit = fitOf(history);
    const peak = maxOf(fit, 'memory');
    if (Number.isNaN(peak)) continue; // no pod yet in the fit window
    const rec = hindsightRecommend(fit);
    const name = `${history.workload.name}/${history.container}`;
    assert.ok((rec.burstable.limits.memory as number) >= peak, `${name}: burstable limit ≥ ${peak}`);
    assert.ok((rec.guaranteed.limits.memory as number) >= peak, `${name}: guaranteed limit ≥ ${peak}`);
    assert.ok((rec.burstable.limits.memory as number) >= (rec.burstable.requests.memory as number), name);
  }
});

test('KRR memory is exactly max × 1.15 (rounded up to MiB, floored at 100 MiB)', () => {
  let checked = 0;
  for (const { history } of containers) {
    const fit = fitOf(history);
    const krr = krrSimple(fit);
    if (krr.memory.status !== 'ok') continue;
    const expected = Math.max(100 * MIB, Math.ceil((maxOf(fit, 'memory') * 1.15) / MIB) * MIB);
    assert.equal(krr.memory.request, expected, `${history.workload.name}/${history.container}`);
    assert.equal(krr.memory.limit, expected);
    checked++;
  }
  assert.ok(checked >= 50, `${checked} containers checked`);
});

/** Smallest value whose cumulative weight reaches q·total (the exact answer VPA's buckets approximate). */
function exactWeighted(samples: Array<{ value: number; weight: number }>, q: number): number {
  samples.sort((a, b) => a.value - b.value);
  const total = samples.reduce((a, s) => a + s.weight, 0);
  let cumulative = 0;
  for (const s of samples) {
    cumulative += s.weight;
    if (cumulative >= q * total) return s.value;
  }
  return Number.NaN;
}

test('VPA target is within the bucket bias of P90 × 1.15 (daily memory peaks, CPU samples)', () => {
  const DAY = 86400;
  let checked = 0;
  for (const { truth, history } of containers) {
    const fit = fitOf(history);
    const window = lastDays(fit, 8);
    if (window.oomKills.length > 0) continue; // OOM bumps are extra samples; vpa.test.ts covers them
    const vpa = vpaRecommend(fit, truth.containers.length);
    if (!vpa.hasRecommendation) continue;
    const name = `${history.workload.name}/${history.container}`;
    // Daily peaks per pod, intervals from the pod's first sample, stamped with the interval end.
    const peaks: Array<{ value: number; weight: number }> = [];
    const cpu: Array<{ value: number; weight: number }> = [];
    for (const p of window.pods) {
      const byInterval = new Map<number, number>();
      let first: number | undefined;
      for (let i = 0; i < p.memory.length; i++) {
        const t = gridTime(window.grid, i);
        const c = p.cpu[i] as number;
        if (!Number.isNaN(c)) cpu.push({ value: c, weight: 2 ** ((t - window.grid.end) / DAY) });
        const m = p.memory[i] as number;
        if (Number.isNaN(m)) continue;
        first ??= t;
        const k = Math.floor((t - first) / DAY);
        byInterval.set(k, Math.max(byInterval.get(k) ?? 0, m));
      }
      for (const [k, value] of byInterval) {
        const stamp = (first as number) + (k + 1) * DAY;
        peaks.push({ value, weight: 2 ** ((stamp - window.grid.end) / DAY) });
      }
    }
    const memP90 = exactWeighted(peaks, 0.9);
    const memFloor = Math.trunc((250 * MIB) / truth.containers.length);
    const memLow = Math.max(memFloor, memP90 * 1.15 - 2);
    const memHigh = Math.max(memFloor, (1.05 * memP90 + 1e7) * 1.15);
    assert.ok(
      vpa.target.memory >= memLow && vpa.target.memory <= memHigh,
      `${name}: memory ${vpa.target.memory} in [${memLow}, ${memHigh}]`,
    );
    const cpuP90 = exactWeighted(cpu, 0.9);
    const cpuFloor = Math.trunc(25 / truth.containers.length) / 1000;
    const cpuLow = Math.max(cpuFloor, cpuP90 * 1.15 - 0.002);
    const cpuHigh = Math.max(cpuFloor, (1.05 * cpuP90 + 0.01) * 1.15);
    assert.ok(
      vpa.target.cpu >= cpuLow && vpa.target.cpu <= cpuHigh,
      `${name}: cpu ${vpa.target.cpu} in [${cpuLow}, ${cpuHigh}]`,
    );
    checked++;
  }
  assert.ok(checked >= 50, `${checked} containers checked`);
});

test('backtest over the small fixture: hindsight beats KRR on OOM risk and VPA on cost', (t) => {
  const results = containers.map(({ truth, history }) =>
    backtestContainer(history, { unitPrices: PRICES, containersInPod: truth.containers.length }),
  );
  const summary = summarizeBacktest(results);
  const row = (s: string) => summary.rows.find((r) => r.strategy === s);
  const hs = row('hindsight');
  const krr = row('krr');
  const vpa = row('vpa');
  assert.ok(hs && krr && vpa);
  for (const r of summary.rows) {
    t.diagnostic(
      `${r.strategy.padEnd(21)} oom ${(100 * r.oomRisk).toFixed(3)}% (${r.memoryOverLimit}/${r.memorySteps}, ` +
        `basis ${r.strategy === 'vpa' ? 'request' : 'limit'}) mem>req ${(100 * r.memoryOverRequestShare).toFixed(3)}% ` +
        `throttle ${(100 * r.throttleRisk).toFixed(2)}% $${r.monthlyRequestedCost.toFixed(2)}/month ` +
        `slack cpu ${(100 * r.cpuSlack).toFixed(1)}% mem ${(100 * r.memorySlack).toFixed(1)}%`,
    );
  }
  assert.ok(hs.memorySteps > 100000, 'the held-out period has data');
  assert.ok(hs.oomRisk <= krr.oomRisk, `OOM risk: hindsight ${hs.oomRisk} vs KRR ${krr.oomRisk}`);
  assert.ok(
    hs.monthlyRequestedCost <= vpa.monthlyRequestedCost,
    `requested cost: hindsight ${hs.monthlyRequestedCost} vs VPA ${vpa.monthlyRequestedCost}`,
  );
});
