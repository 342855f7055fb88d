/**
 * Benchmark: right-sizing reads of a kept test platform's Prometheus — `hindsight cost` (its
 * bounded, per-namespace plan) against KRR `simple`'s per-workload query plan replayed verbatim
 * on the same Prometheus — each in a child process: wall time, peak RSS, queries and the samples
 * Prometheus had to touch (its own `totalQueryableSamples`).
 *
 *   node bench/cost.ts [--name bench] [--runs 1] [--krr-step 75] [--concurrency 2,6]
 *
 * Needs a platform started with history, e.g.
 * `node bench/platform.ts --scale 400x10000 --prometheus --step 300 --keep`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { containersOf } from '../src/core/pod-spec.ts';
import { buildInventory } from '../src/inventory/inventory.ts';
import { loadCluster } from '../src/sources/cluster/load-cluster.ts';
import { createPrometheusClient } from '../src/sources/prometheus/client.ts';
import { runKrrQueryPlan } from '../src/sources/prometheus/krr-query-plan.ts';
import { REPO_ROOT } from '../testenv/paths.ts';
import { readPlatformState } from '../testenv/platform.ts';

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'bench' },
    runs: { type: 'string', default: '1' },
    'krr-child': { type: 'boolean', default: false },
    /** KRR's --timeframe_duration; raise it to twice the scrape interval of a coarse history. */
    'krr-step': { type: 'string', default: '75' },
    /** hindsight's --prometheus-concurrency, one run each (KRR's replay runs 6 queries at once). */
    concurrency: { type: 'string', default: '2,6' },
  },
});
const state = readPlatformState(values.name);
if (!state?.prometheus)
  throw new Error(`no platform named ${values.name} with Prometheus; see the header of bench/cost.ts`);
const end = new Date(state.prometheus.historyEnd);
const start = new Date(end.getTime() - 14 * 86400_000);

if (values['krr-child']) {
  // The KRR side, in its own process: list workloads from the API server as KRR does, then its plan.
  const t0 = performance.now();
  const loaded = await loadCluster({ env: { ...process.env, KUBECONFIG: state.kubeconfig } });
  const inventory = buildInventory(loaded.objects);
  const workloads = ['Deployment', 'StatefulSet', 'DaemonSet'].flatMap((kind) =>
    inventory.ofKind(kind).map((e) => ({
      namespace: e.ref.namespace ?? '',
      kind,
      name: e.ref.name,
      containers: containersOf(e.object).map((c) => String(c.name)),
    })),
  );
  const client = createPrometheusClient({ url: state.prometheus.url, concurrency: 6 });
  const tRead = performance.now();
  const results = await runKrrQueryPlan(client, {
    start,
    end,
    workloads,
    stepSeconds: Number(values['krr-step']),
  });
  client.close();
  process.stdout.write(
    JSON.stringify({
      containers: results.length,
      queries: client.stats.queries,
      samplesTouched: client.stats.samplesTouched,
      seconds: (performance.now() - t0) / 1000,
      readSeconds: (performance.now() - tRead) / 1000,
      serverSeconds: client.stats.serverSeconds,
      bytesReceived: client.stats.bytesReceived,
    }),
  );
  process.exit(0);
}

function timed(args: string[]): { seconds: number; rssMiB: number; stdout: string } {
  const t0 = performance.now();
  const run = spawnSync('/usr/bin/time', ['-v', process.execPath, ...args], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
    env: { ...process.env, KUBECONFIG: state?.kubeconfig, HINDSIGHT_NOW: end.toISOString() },
  });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0 && run.status !== 3)
    throw new Error(`${args.join(' ')} exited ${run.status}: ${run.stderr.slice(-2000)}`);
  const rss = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1] ?? 0) / 1024;
  return { seconds, rssMiB: rss, stdout: run.stdout };
}

const rows: string[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  for (const concurrency of values.concurrency.split(',')) {
    const hs = timed([
      join(REPO_ROOT, 'dist', 'cli', 'bin.js'),
      'cost',
      '-o',
      'json',
      '--no-plan',
      '--prometheus',
      state.prometheus.url,
      '--prometheus-concurrency',
      concurrency,
      '--end',
      end.toISOString(),
    ]);
    const report = JSON.parse(hs.stdout) as {
      prometheus: {
        queries: number;
        samplesTouched: number;
        seconds: number;
        serverSeconds: number;
        bytesReceived: number;
      };
      rightsizing?: { containers: unknown[] };
    };
    const p = report.prometheus;
    rows.push(
      `| hindsight cost (recommend + backtest), ${concurrency} queries at once | ${report.rightsizing?.containers.length ?? 0} | ${p.queries} | ${p.samplesTouched.toLocaleString('en-US')} | ${hs.seconds.toFixed(1)} | ${p.seconds.toFixed(1)} | ${p.serverSeconds.toFixed(1)} | ${(p.bytesReceived / 1e6).toFixed(0)} | ${hs.rssMiB.toFixed(0)} |`,
    );
  }
  const krr = timed([
    join(REPO_ROOT, 'bench', 'cost.ts'),
    '--name',
    values.name,
    '--krr-child',
    '--krr-step',
    values['krr-step'],
  ]);
  const k = JSON.parse(krr.stdout) as {
    containers: number;
    queries: number;
    samplesTouched: number;
    readSeconds: number;
    serverSeconds: number;
    bytesReceived: number;
  };
  rows.push(
    `| KRR simple query plan, ${values['krr-step']} s timeframe (queries only) | ${k.containers} | ${k.queries} | ${k.samplesTouched.toLocaleString('en-US')} | ${krr.seconds.toFixed(1)} | ${k.readSeconds.toFixed(1)} | ${k.serverSeconds.toFixed(1)} | ${(k.bytesReceived / 1e6).toFixed(0)} | ${krr.rssMiB.toFixed(0)} |`,
  );
}
process.stdout.write(
  [
    `### right-sizing reads of 14 days (platform ${values.name}: fixture ${state.fixture?.scale ?? '?'}, history ${state.prometheus.historyStart} → ${state.prometheus.historyEnd})`,
    '',
    '| plan | containers | queries | samples touched | process s | Prometheus phase s | Prometheus exec s | MB received | peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
