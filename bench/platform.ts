/**
 * Benchmark: how long the test platform takes to start and to load a fixture of a given scale,
 * and the peak memory (VmHWM) of every process it runs.
 *
 *   node bench/platform.ts [--scale small|1k|max|NODESxPODS] [--prometheus] [--history-days 14] [--step 60] [--history-via promtool|remote-write] [--keep]
 *
 * Prints a Markdown table for docs/BENCHMARKS.md. The platform is named `bench` so it does not
 * disturb a running dev or test platform; --keep leaves it running for other benchmarks.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { platformClient } from '../testenv/apply.ts';
import { loadFixture } from '../testenv/load.ts';
import { startPlatform, stopPlatform } from '../testenv/platform.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'small' },
    seed: { type: 'string', default: '1' },
    prometheus: { type: 'boolean', default: false },
    'history-days': { type: 'string', default: '14' },
    'history-via': { type: 'string', default: 'promtool' },
    step: { type: 'string', default: '60' },
    keep: { type: 'boolean', default: false },
  },
});

function peakRssMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const log = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

const t0 = performance.now();
const state = await startPlatform({ name: 'bench' });
const startSeconds = (performance.now() - t0) / 1000;
log(`platform up in ${startSeconds.toFixed(1)}s`);
try {
  const timings = await loadFixture(state, {
    seed: Number(values.seed),
    scale: values.scale,
    prometheus: values.prometheus,
    historyDays: Number(values['history-days']),
    historyVia: values['history-via'] === 'remote-write' ? 'remote-write' : 'promtool',
    stepSeconds: Number(values.step),
    log,
  });
  // Wait until KWOK has every pod Running: part of "loaded".
  const client = platformClient(state);
  const tRun = performance.now();
  let running = 0;
  let total = 0;
  for (;;) {
    const res = await client.send(
      'GET',
      '/api/v1/pods?limit=0&fieldSelector=status.phase!%3DRunning,status.phase!%3DSucceeded',
    );
    const pending = (JSON.parse(res.body) as { items: unknown[] }).items.length;
    const all = await client.send('GET', '/api/v1/pods?limit=1');
    total =
      Number(
        (JSON.parse(all.body) as { metadata: { remainingItemCount?: number } }).metadata.remainingItemCount ??
          0,
      ) + 1;
    running = total - pending;
    if (pending === 0 || performance.now() - tRun > 1_800_000) break;
    log(`${running}/${total} pods running`);
    await new Promise((r) => setTimeout(r, 5000));
  }
  const runSeconds = (performance.now() - tRun) / 1000;
  client.close();

  const rows: string[][] = [];
  for (const p of state.processes) rows.push([p.name, `${peakRssMiB(p.pid)?.toFixed(0) ?? '?'} MiB`]);
  if (state.prometheus)
    rows.push(['prometheus', `${peakRssMiB(state.prometheus.pid)?.toFixed(0) ?? '?'} MiB`]);
  rows.push(['loader (node, this process)', `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`]);

  const out = [
    `### scale ${values.scale} (seed ${values.seed})`,
    '',
    '| step | seconds |',
    '|---|---|',
    `| start control plane (etcd, apiserver, KCM, scheduler, KWOK) | ${startSeconds.toFixed(1)} |`,
    `| generate fixture (${state.fixture?.objects ?? '?'} objects) | ${timings.generateSeconds.toFixed(1)} |`,
    `| create objects through the API server | ${timings.applySeconds.toFixed(1)} |`,
    `| until KWOK reports every pod running (${running}/${total}) | ${runSeconds.toFixed(1)} |`,
    ...(values['history-via'] === 'remote-write'
      ? [
          `| start Prometheus (remote-write receiver) | ${timings.prometheusStartSeconds?.toFixed(1)} |`,
          `| stream history to remote write | ${timings.historySeconds?.toFixed(1)} |`,
        ]
      : [
          ...(timings.historySeconds !== undefined
            ? [
                `| write history (OpenMetrics, once per machine) | ${timings.historySeconds.toFixed(1)} |`,
                `| promtool backfill (once per machine) | ${timings.backfillSeconds?.toFixed(1)} |`,
              ]
            : []),
          ...(timings.prometheusStartSeconds !== undefined
            ? [
                `| copy cached TSDB blocks and start Prometheus | ${timings.prometheusStartSeconds.toFixed(1)} |`,
              ]
            : []),
        ]),
    '',
    '| process | peak RSS |',
    '|---|---|',
    ...rows.map((r) => `| ${r[0]} | ${r[1]} |`),
    '',
  ];
  process.stdout.write(out.join('\n'));
} finally {
  if (!values.keep) await stopPlatform(state);
}
