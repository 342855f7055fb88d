/**
 * KRR's query plan on the dev platform's Prometheus, side by side with readUsageHistory for the
 * same namespaces: same client type, so `stats` compare what each makes Prometheus do.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { WorkloadTruth } from '../../../testenv/fixtures/truth.ts';
import { requirePlatform } from '../../../testenv/harness.ts';
import { createPrometheusClient } from './client.ts';
import { runKrrQueryPlan } from './krr-query-plan.ts';
import { readUsageHistory } from './usage-history.ts';

const DAY = 86_400_000;

test('KRR’s plan makes more queries than readUsageHistory for the same data', async (t) => {
  const state = requirePlatform(t, { prometheus: true });
  if (!state?.prometheus) return;
  assert.ok(state.fixture?.truth);
  const allTruth = JSON.parse(readFileSync(state.fixture.truth, 'utf8')) as WorkloadTruth[];
  // Two namespaces keep the run short on a 2-core machine; the largest app namespaces of the fixture.
  const namespaces = [...new Set(allTruth.map((w) => w.namespace))]
    .map((ns) => ({
      ns,
      pods: allTruth.filter((w) => w.namespace === ns).reduce((a, w) => a + w.pods.length, 0),
    }))
    .filter((x) => x.ns !== 'kube-system')
    .sort((a, b) => b.pods - a.pods || (a.ns < b.ns ? -1 : 1))
    .slice(0, 2)
    .map((x) => x.ns);
  const truth = allTruth.filter((w) => namespaces.includes(w.namespace));
  const end = new Date(state.prometheus.historyEnd);
  const start = new Date(end.getTime() - 14 * DAY);

  const ours = createPrometheusClient({ url: state.prometheus.url });
  let started = performance.now();
  let containers = 0;
  for await (const batch of readUsageHistory(ours, { start, end, namespaces }))
    containers += batch.containers.length;
  const oursSeconds = (performance.now() - started) / 1000;
  ours.close();

  const krr = createPrometheusClient({ url: state.prometheus.url, concurrency: 6 });
  started = performance.now();
  const results = await runKrrQueryPlan(krr, {
    start,
    end,
    workloads: truth.map((w) => ({
      namespace: w.namespace,
      kind: w.kind,
      name: w.name,
      containers: w.containers.map((c) => c.name),
    })),
  });
  const krrSeconds = (performance.now() - started) / 1000;
  krr.close();

  const truthContainers = truth.reduce((a, w) => a + w.containers.length, 0);
  assert.equal(containers, truthContainers);
  assert.equal(results.length, truthContainers);
  let exactMax = 0;
  for (const r of results) {
    const w = truth.find((x) => x.namespace === r.workload.namespace && x.name === r.workload.name);
    const c = w?.containers.find((x) => x.name === r.container);
    assert.ok(w && c);
    const label = `${w.namespace} ${w.kind}/${w.name} ${c.name}`;
    assert.deepEqual(r.pods, [...w.pods].sort(), `${label}: KRR finds the pods through the owner series`);
    assert.ok(r.memoryMax !== undefined && r.cpuP95 !== undefined && r.cpuP95 > 0, label);
    // KRR's max_over_time runs on a 75 s subquery over 60 s scrapes: it reads four samples in
    // five and can miss the peak, never exceed it.
    assert.ok(
      r.memoryMax <= c.true.memory.max,
      `${label}: KRR max ${r.memoryMax} ≤ truth ${c.true.memory.max}`,
    );
    assert.ok(r.memoryMax >= c.true.memory.p95, `${label}: KRR max is still a high sample`);
    if (r.memoryMax === c.true.memory.max) exactMax++;
    assert.ok(r.cpuPoints >= 100 && r.memoryPoints >= 100, `${label}: KRR has enough points`);
  }
  // Most peaks last longer than one scrape, or fall on a sample the subquery reads.
  assert.ok(exactMax > results.length / 2, `KRR's max equals the truth for ${exactMax} of ${results.length}`);

  assert.ok(
    krr.stats.queries > 3 * ours.stats.queries,
    `KRR ${krr.stats.queries} queries vs readUsageHistory ${ours.stats.queries}`,
  );
  t.diagnostic(
    `${namespaces.join(', ')}: ${truthContainers} containers. readUsageHistory ${ours.stats.queries} queries, ` +
      `${ours.stats.samplesTouched} samples, ${oursSeconds.toFixed(1)} s (concurrency 2); KRR ${krr.stats.queries} ` +
      `queries, ${krr.stats.samplesTouched} samples, ${krrSeconds.toFixed(1)} s (6 workers); KRR max memory exact for ` +
      `${exactMax}/${results.length}`,
  );
});
