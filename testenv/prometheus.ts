/**
 * Prometheus for the test platform: Debian's `prometheus` and `promtool`, started on loopback
 * over a data directory filled by `promtool tsdb create-blocks-from openmetrics` from a history
 * file, so it answers real PromQL over days of usage it never scraped.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, type Started, startProcess, waitHealthy } from './processes.ts';

const run = promisify(execFile);

export interface PrometheusBinaries {
  prometheus: string;
  promtool: string;
}

export function findPrometheus(env: NodeJS.ProcessEnv = process.env): PrometheusBinaries {
  const prometheus = env.HINDSIGHT_PROMETHEUS ?? '/usr/bin/prometheus';
  const promtool = env.HINDSIGHT_PROMTOOL ?? '/usr/bin/promtool';
  for (const b of [prometheus, promtool]) {
    if (!existsSync(b))
      throw new Error(`${b} not found: install Debian's prometheus package (apt-get install prometheus)`);
  }
  return { prometheus, promtool };
}

/** Writes TSDB blocks for `historyFile` into `dataDir`; returns the seconds promtool took. */
export async function backfill(
  bins: PrometheusBinaries,
  historyFile: string,
  dataDir: string,
): Promise<number> {
  mkdirSync(dataDir, { recursive: true });
  const t0 = performance.now();
  // 168h blocks: promtool re-reads the whole file once per block window, so few wide blocks
  // turn ~170 passes over 14 days into ~3.
  await run(
    bins.promtool,
    ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=168h', historyFile, dataDir],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return (performance.now() - t0) / 1000;
}

export interface RunningPrometheus {
  url: string;
  process: Started;
}

export async function startPrometheus(
  bins: PrometheusBinaries,
  dir: string,
  dataDir: string,
  options: {
    remoteWriteReceiver?: boolean;
    scrape?: { job: string; targets: string[] };
    /** Raw `scrape_configs` entries (YAML, indented as list items), e.g. a federation job. */
    scrapeConfigs?: string;
    /** `global.external_labels`: what a Thanos Sidecar requires to tell Prometheus servers apart. */
    externalLabels?: Record<string, string>;
  } = {},
): Promise<RunningPrometheus> {
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  // No scrape jobs for the platform: the history is all there is, so every query answer is
  // known in advance. A test of an exporter asks for one job, scraped every second.
  const external = options.externalLabels
    ? `  external_labels: {${Object.entries(options.externalLabels)
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join(', ')}}\n`
    : '';
  writeFileSync(
    config,
    options.scrapeConfigs
      ? `global:\n  scrape_interval: 1s\n${external}scrape_configs:\n${options.scrapeConfigs}`
      : options.scrape
        ? `global:\n  scrape_interval: 1s\n${external}scrape_configs:\n  - job_name: ${options.scrape.job}\n    static_configs:\n      - targets: [${options.scrape.targets.map((t) => JSON.stringify(t)).join(', ')}]\n`
        : 'global:\n  scrape_interval: 60s\nscrape_configs: []\n',
  );
  const process = startProcess(
    'prometheus',
    bins.prometheus,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=3650d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--query.max-samples=200000000',
      '--log.level=warn',
      ...(options.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
    ],
    join(dir, 'logs', 'prometheus.log'),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(process, { url: `${url}/-/ready` }, 120_000);
  return { url, process };
}
