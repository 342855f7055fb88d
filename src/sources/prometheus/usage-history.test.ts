/**
 * readUsageHistory against the real test platform's Prometheus, checked against the fixture's
 * ground truth (computed from the same usage model the history was written from).
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { WorkloadTruth } from '../../../testenv/fixtures/truth.ts';
import { requirePlatform } from '../../../testenv/harness.ts';
import type { PlatformState } from '../../../testenv/platform.ts';
import { type ContainerHistory, gridLength } from '../../core/usage-history.ts';
import { createPrometheusClient } from './client.ts';
import { chooseStep, gridChunks, usageGrid } from './usage-grid.ts';
import { type NamespaceHistory, readUsageHistory, type UsageHistoryOptions } from './usage-history.ts';

const DAY = 86_400_000;

function prometheusOf(state: PlatformState): NonNullable<PlatformState['prometheus']> {
  assert.ok(state.prometheus, 'the platform runs Prometheus');
  return state.prometheus;
}

function readTruth(state: PlatformState): WorkloadTruth[] {
  assert.ok(state.fixture?.truth, 'the platform has a ground-truth file');
  return JSON.parse(readFileSync(state.fixture.truth, 'utf8')) as WorkloadTruth[];
}

async function collect(url: string, options: UsageHistoryOptions) {
  const client = createPrometheusClient({ url });
  const batches: NamespaceHistory[] = [];
  const started = performance.now();
  try {
    for await (const batch of readUsageHistory(client, options)) batches.push(batch);
  } finally {
    client.close();
  }
  return { batches, stats: { ...client.stats }, wall: (performance.now() - started) / 1000 };
}

function key(namespace: string, kind: string, name: string, container: string): string {
  return `${namespace}/${kind}/${name}/${container}`;
}

/** Time-weighted mean over every pod's points with data (all points weigh one step). */
function meanCpu(c: ContainerHistory): number {
  let sum = 0;
  let count = 0;
  for (const p of c.pods) {
    for (const v of p.cpu) {
      if (Number.isNaN(v)) continue;
      sum += v;
      count++;
    }
  }
  return sum / count;
}

function maxMemory(c: ContainerHistory): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const p of c.pods) for (const v of p.memory) if (v > max) max = v;
  return max;
}

describe('chooseStep and usageGrid', () => {
  for (const [days, step] of [
    [14, 300], // 1,209,600 s / 4,000 = 302 s → 5 min
    [1, 60], // 22 s would undercut a 60 s scrape: floor of 60 s
    [7, 180], // 151 s = 2.5 min → rounds to 3 min
    [30, 660], // 648 s → 11 min
    [90, 1920], // 1,944 s → 32 min
  ] as const) {
    test(`${days} d → ${step} s`, () => {
      const end = new Date('2026-11-01T00:00:00Z');
      assert.equal(chooseStep(new Date(end.getTime() - days * DAY), end), step);
    });
  }

  test('the grid ends at the window end and its first step contains the start', () => {
    const grid = usageGrid(new Date('2026-10-18T00:01:00Z'), new Date('2026-11-01T00:00:00Z'), 300);
    const start = Date.parse('2026-10-18T00:01:00Z') / 1000;
    assert.equal(grid.end, Date.parse('2026-11-01T00:00:00Z') / 1000);
    assert.ok(grid.start >= start && grid.start - grid.step < start);
    assert.equal((grid.end - grid.start) % grid.step, 0);
  });

  test('chunks cover the grid exactly, none above the point limit', () => {
    const grid = { start: 0, end: 25_000 * 60, step: 60 };
    const chunks = gridChunks(grid, 11_000);
    assert.deepEqual(
      chunks.map((c) => gridLength(c)),
      [11_000, 11_000, 3_001],
    );
    assert.equal(chunks[0]?.start, grid.start);
    assert.equal(chunks.at(-1)?.end, grid.end);
    for (let i = 1; i < chunks.length; i++) {
      assert.equal((chunks[i]?.start ?? 0) - (chunks[i - 1]?.end ?? 0), grid.step);
    }
  });

  test('an empty window is a usage error', () => {
    const t = new Date('2026-11-01T00:00:00Z');
    assert.throws(() => usageGrid(t, t, 60), /window is empty/);
  });
});

describe('readUsageHistory on the dev platform', () => {
  test('the whole history window matches the ground truth, in O(namespaces) queries', async (t) => {
    const state = requirePlatform(t, { prometheus: true });
    if (!state) return;
    const prom = prometheusOf(state);
    const truth = readTruth(state);
    const start = new Date(prom.historyStart);
    const end = new Date(prom.historyEnd);
    const { batches, stats, wall } = await collect(prom.url, { start, end });

    const found = new Map<string, ContainerHistory>();
    for (const b of batches) {
      assert.deepEqual(b.gaps, [], `namespace ${b.namespace} is complete`);
      for (const c of b.containers) {
        assert.equal(c.grid.step, 300, '14 days are read at 5 min');
        found.set(key(c.workload.namespace, c.workload.kind, c.workload.name, c.container), c);
      }
    }
    let truthContainers = 0;
    let pods = 0;
    let worstCpu = 0;
    for (const w of truth) {
      pods += w.pods.length * w.containers.length;
      for (const c of w.containers) {
        truthContainers++;
        const label = `${w.namespace} ${w.kind}/${w.name} ${c.name}`;
        const got = found.get(key(w.namespace, w.kind, w.name, c.name));
        assert.ok(got, `${label} is found under its workload`);
        assert.deepEqual(got.pods.map((p) => p.pod).sort(), [...w.pods].sort(), `${label}: pods`);

        // max_over_time over steps that tile the window sees every sample once: the peak is exact.
        assert.equal(maxMemory(got), Math.fround(c.true.memory.max), `${label}: memory max`);

        // rate over (t − step, t] is the exact mean of the samples in that step, so the mean of the
        // series is the pooled mean except at each pod's first step (the counter's first sample
        // has no predecessor, and rate extrapolates half a scrape instead): one step in 4,033
        // per pod, weighted by the usage there: 0.002 % at worst on the dev fixture; 0.1 % leaves
        // room for a bursty first step on other seeds.
        const mean = meanCpu(got);
        const error = Math.abs(mean - c.true.cpu.mean) / c.true.cpu.mean;
        worstCpu = Math.max(worstCpu, error);
        assert.ok(
          error < 0.001,
          `${label}: CPU mean ${mean} vs truth ${c.true.cpu.mean} (${(error * 100).toFixed(3)} %)`,
        );

        assert.deepEqual(got.requests, c.requests, `${label}: requests`);
        assert.deepEqual(got.limits, c.limits, `${label}: limits`);

        if (c.shape === 'oom') {
          assert.ok(got.oomKills.length > 0, `${label}: an oom-shaped container has OOM kills`);
          for (const kill of got.oomKills) {
            assert.equal(kill.memoryLimit, c.limits.memory, `${label}: the limit in force at the kill`);
            assert.ok(w.pods.includes(kill.pod));
            assert.equal((kill.time - got.grid.start) % got.grid.step, 0, 'kill times are grid points');
          }
        } else {
          assert.deepEqual(got.oomKills, [], `${label}: no OOM kills`);
        }
      }
    }
    // Nothing extra: the pause container and pod-level cgroup rows are filtered out.
    assert.equal(found.size, truthContainers);

    const namespaces = batches.length;
    // Discovery, then per namespace: specs, CPU, memory, owners and (where kills happened) OOM.
    assert.ok(stats.queries <= 1 + 5 * namespaces, `${stats.queries} queries for ${namespaces} namespaces`);
    assert.ok(stats.queries < pods / 2, `${stats.queries} queries for ${pods} pod containers`);
    assert.ok(stats.samplesTouched > 0);
    t.diagnostic(
      `${truthContainers} containers, ${pods} pod containers, ${namespaces} namespaces: ${stats.queries} queries, ` +
        `${stats.samplesTouched} samples touched, ${(stats.bytesReceived / 1e6).toFixed(1)} MB, ${wall.toFixed(1)} s; ` +
        `worst CPU mean error ${(worstCpu * 100).toFixed(3)} %`,
    );
  });

  test('reading namespaces ahead changes neither the batches nor their order', async (t) => {
    const state = requirePlatform(t, { prometheus: true });
    if (!state) return;
    const prom = prometheusOf(state);
    const end = new Date(prom.historyEnd);
    const start = new Date(end.getTime() - DAY);
    const one = await collect(prom.url, { start, end, readAhead: 0 });
    const three = await collect(prom.url, { start, end, readAhead: 3 });
    const namespaces = one.batches.map((b) => b.namespace);
    assert.ok(namespaces.length > 3, 'more namespaces than are read ahead');
    assert.deepEqual(namespaces, [...namespaces].sort(), 'batches come in namespace order');
    assert.deepEqual(three.batches, one.batches);
    assert.equal(three.stats.queries, one.stats.queries);
  });

  test('one day is read at 60 s, with more points per day than 14 days at 300 s', async (t) => {
    const state = requirePlatform(t, { prometheus: true });
    if (!state) return;
    const prom = prometheusOf(state);
    const truth = readTruth(state);
    const end = new Date(prom.historyEnd);
    const namespace = truth[0]?.namespace ?? 'kube-system';
    const day = await collect(prom.url, {
      start: new Date(end.getTime() - DAY),
      end,
      namespaces: [namespace],
    });
    const fortnight = await collect(prom.url, {
      start: new Date(end.getTime() - 14 * DAY),
      end,
      namespaces: [namespace],
    });
    const d = day.batches[0];
    const f = fortnight.batches[0];
    assert.ok(d && f);
    assert.equal(d.grid.step, 60);
    assert.equal(f.grid.step, 300);
    assert.equal(gridLength(d.grid), 1441);
    assert.equal(gridLength(f.grid), 4033);
    assert.ok(d.containers.length > 0);
    for (const c of d.containers) {
      for (const p of c.pods) {
        assert.equal(p.cpu.length, 1441);
        // At 60 s, each point is one scrape interval: rate still has its two samples.
        assert.ok(
          p.cpu.some((v) => !Number.isNaN(v)),
          `${c.workload.name}/${c.container} ${p.pod} has CPU at 60 s`,
        );
      }
      const long = f.containers.find(
        (x) => x.workload.name === c.workload.name && x.container === c.container,
      );
      assert.ok(long, `${c.workload.name}/${c.container} is in the 14-day read`);
      // A day's last-day peak can't exceed the fortnight's peak.
      assert.ok(maxMemory(c) <= maxMemory(long));
    }
  });

  test('a namespace with no history yields an empty batch', async (t) => {
    const state = requirePlatform(t, { prometheus: true });
    if (!state) return;
    const prom = prometheusOf(state);
    const end = new Date(prom.historyEnd);
    const { batches, stats } = await collect(prom.url, {
      start: new Date(end.getTime() - DAY),
      end,
      namespaces: ['hindsight-no-such-namespace'],
    });
    assert.equal(batches.length, 1);
    assert.deepEqual(batches[0]?.containers, []);
    assert.deepEqual(batches[0]?.gaps, []);
    assert.equal(stats.failures, 0);
  });

  test('workloadOf from a live inventory wins over kube-state-metrics owners', async (t) => {
    const state = requirePlatform(t, { prometheus: true });
    if (!state) return;
    const prom = prometheusOf(state);
    const truth = readTruth(state);
    const w = truth.find((x) => x.kind === 'Deployment');
    assert.ok(w);
    const end = new Date(prom.historyEnd);
    const { batches } = await collect(prom.url, {
      start: new Date(end.getTime() - DAY),
      end,
      namespaces: [w.namespace],
      // The inventory knows only the first pod of `w`; everything else falls back to history.
      workloadOf: (namespace, pod) =>
        pod === w.pods[0] ? { namespace, kind: 'Rollout', name: 'canary' } : undefined,
    });
    const containers = batches[0]?.containers ?? [];
    const canary = containers.filter((c) => c.workload.kind === 'Rollout');
    assert.deepEqual(
      canary.map((c) => c.pods.map((p) => p.pod)),
      w.containers.map(() => [w.pods[0]]),
    );
    if (w.pods.length > 1) {
      const rest = containers.find((c) => c.workload.kind === 'Deployment' && c.workload.name === w.name);
      assert.ok(rest, 'the other pods keep their Deployment from kube_replicaset_owner');
      assert.ok(!rest.pods.some((p) => p.pod === w.pods[0]));
    }
  });
});
