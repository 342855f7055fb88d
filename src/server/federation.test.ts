/**
 * Many clusters on the engines teams already run: two `serve` instances (clusters east and west)
 * each scraped by its own Prometheus, and a global Prometheus federating both (`/federate`,
 * `honor_labels`), as docs/metrics.md describes. The global one holds both clusters apart by the
 * `cluster` label, and its per-cluster sums equal each server's own. Then the other way teams
 * run: a Thanos Sidecar beside each cluster's Prometheus and one Thanos Query over both.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { requirePlatform } from '../../testenv/harness.ts';
import { stopProcess } from '../../testenv/processes.ts';
import { findPrometheus, type RunningPrometheus, startPrometheus } from '../../testenv/prometheus.ts';
import {
  type RunningThanos,
  startThanosQuery,
  startThanosSidecar,
  thanosBinary,
} from '../../testenv/thanos.ts';
import { runCli } from '../testing/run-cli.ts';
import { until } from '../testing/until.ts';
import { HindsightServer } from './serve.ts';

async function query(
  prometheus: string,
  expr: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (
    (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
  ).data.result;
}

test('two clusters federated into one Prometheus stay apart by their cluster label', {
  timeout: 180_000,
}, async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const work = mkdtempSync(join(tmpdir(), 'hindsight-federation-'));
  const servers: HindsightServer[] = [];
  const prometheuses: RunningPrometheus[] = [];
  const thanos: RunningThanos[] = [];
  t.after(async () => {
    for (const s of servers) await s.stop();
    for (const q of thanos.reverse()) await stopProcess(q.process.pid);
    for (const p of prometheuses) await stopProcess(p.process.pid);
    rmSync(work, { recursive: true, force: true });
  });
  const bins = findPrometheus();
  const leaves: string[] = [];
  for (const cluster of ['east', 'west']) {
    const server = new HindsightServer({
      watch: { env: { KUBECONFIG: state.kubeconfig, HOME: work } },
      host: '127.0.0.1',
      port: 0,
      cluster,
      version: '0.0.0-test',
    });
    servers.push(server);
    const { url } = await server.start();
    await until(`${cluster} ready`, 60_000, async () =>
      (await fetch(`${url}/readyz`)).status === 200 ? true : undefined,
    );
    const dir = join(work, cluster);
    const leaf = await startPrometheus(bins, dir, join(dir, 'tsdb'), {
      scrape: { job: 'hindsight', targets: [new URL(url).host] },
      // What a Thanos Sidecar needs to tell the two apart.
      externalLabels: { prometheus: `${cluster}-0` },
    });
    prometheuses.push(leaf);
    leaves.push(new URL(leaf.url).host);
  }
  const globalDir = join(work, 'global');
  const global = await startPrometheus(bins, globalDir, join(globalDir, 'tsdb'), {
    scrapeConfigs: [
      '  - job_name: federate',
      '    honor_labels: true',
      '    metrics_path: /federate',
      '    params:',
      "      'match[]': ['{__name__=~\"hindsight_.*|x509_.*\"}']",
      '    static_configs:',
      `      - targets: [${leaves.map((l) => JSON.stringify(l)).join(', ')}]`,
      '',
    ].join('\n'),
  });
  prometheuses.push(global);

  const perCluster = await until('both clusters in the global Prometheus', 60_000, async () => {
    const result = await query(global.url, 'sum by (cluster) (hindsight_findings)');
    return result.length === 2 ? result : undefined;
  });
  const sums = new Map(perCluster.map((r) => [r.metric.cluster, Number(r.value[1])]));
  assert.deepEqual([...sums.keys()].sort(), ['east', 'west']);
  // Each equals what its server exports (both watch the same platform, so the same number).
  for (const [i, cluster] of ['east', 'west'].entries()) {
    const own = await query(prometheuses[i]?.url as string, `sum(hindsight_findings{cluster="${cluster}"})`);
    assert.equal(sums.get(cluster), Number(own[0]?.value[1]));
  }
  assert.ok((sums.get('east') ?? 0) > 0);
  // A cluster selector works on federated data, as dashboards and alerts use it.
  const east = await query(global.url, 'count(hindsight_build_info{cluster="east"})');
  assert.equal(east[0]?.value[1], '1');

  await t.test(
    'Thanos Query over a Sidecar beside each cluster’s Prometheus: the same per-cluster sums',
    async (st) => {
      const bin = thanosBinary();
      if (!bin) {
        if (process.env.HINDSIGHT_TESTENV === 'off') {
          st.skip('needs thanos from testenv’s build; skipped because HINDSIGHT_TESTENV=off');
          return;
        }
        throw new Error('thanos not built: run `bash testenv/build.sh`, or set HINDSIGHT_TESTENV=off');
      }
      for (const [i, cluster] of ['east', 'west'].entries()) {
        const dir = join(work, cluster);
        thanos.push(await startThanosSidecar(bin, dir, prometheuses[i]?.url as string, join(dir, 'tsdb')));
      }
      const querier = await startThanosQuery(
        bin,
        join(work, 'thanos-query'),
        thanos.map((x) => x.grpc),
      );
      thanos.push(querier);
      const viaThanos = await until('both clusters through Thanos Query', 60_000, async () => {
        const result = await query(querier.url, 'sum by (cluster) (hindsight_findings)');
        return result.length === 2 ? result : undefined;
      });
      const thanosSums = new Map(viaThanos.map((r) => [r.metric.cluster, Number(r.value[1])]));
      assert.deepEqual([...thanosSums.keys()].sort(), ['east', 'west']);
      for (const cluster of ['east', 'west']) assert.equal(thanosSums.get(cluster), sums.get(cluster));
      // The Sidecars' external labels tell the Prometheus servers apart; the cluster selector still works.
      const west = await query(querier.url, 'count by (prometheus) (hindsight_build_info{cluster="west"})');
      assert.deepEqual(
        west.map((r) => [r.metric.prometheus, r.value[1]]),
        [['west-0', '1']],
      );
      // The generated dashboards, with one cluster selected, drawn from Thanos Query's answers.
      const out = join(work, 'preview');
      const preview = await runCli(
        [
          'dashboards',
          'preview',
          '--prometheus',
          querier.url,
          '--var',
          'cluster=west',
          '--range',
          '2m',
          '-o',
          out,
        ],
        { env: { HOME: work } },
      );
      assert.equal(preview.code, 0, preview.stderr);
      assert.match(preview.stderr, /Findings[^\n]*: [1-9]\d* panels with data, \d+ without, 0 failed/);
    },
  );
});
