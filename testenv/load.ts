/**
 * Loads a generated fixture into a running platform: the cluster objects through the API
 * server, and (optionally) the matching usage history into a freshly started Prometheus.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, applyObjects } from './apply.ts';
import { generateCluster, type ScaleName } from './fixtures/generate.ts';
import { writeHistory } from './fixtures/history.ts';
import { computeTruth, writeTruth } from './fixtures/truth.ts';
import { type PlatformState, writePlatformState } from './platform.ts';
import { backfill, findPrometheus, startPrometheus } from './prometheus.ts';
import { withDerivedWorkloadStatus } from './workload-status.ts';

export interface LoadOptions {
  seed: number;
  scale: string;
  prometheus: boolean;
  historyDays: number;
  stepSeconds: number;
  /** End of the history; defaults to the start of the current hour so queries for "the last 14 days" see it. */
  now?: Date;
  log?: (line: string) => void;
}

export interface LoadTimings {
  generateSeconds: number;
  applySeconds: number;
  historySeconds?: number;
  backfillSeconds?: number;
  prometheusStartSeconds?: number;
}

function parseScale(scale: string): ScaleName | { nodes: number; pods: number } {
  if (scale === 'small' || scale === '1k' || scale === 'max') return scale;
  const match = /^(\d+)x(\d+)$/.exec(scale);
  if (match) return { nodes: Number(match[1]), pods: Number(match[2]) };
  throw new Error(`unknown scale ${scale}: use small, 1k, max or NODESxPODS (e.g. 50x1000)`);
}

export async function loadFixture(state: PlatformState, options: LoadOptions): Promise<LoadTimings> {
  const log = options.log ?? (() => {});
  const now = options.now ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  let t = performance.now();
  const lap = (): number => {
    const seconds = (performance.now() - t) / 1000;
    t = performance.now();
    return seconds;
  };
  const fixture = generateCluster({ seed: options.seed, scale: parseScale(options.scale), now });
  const timings: LoadTimings = { generateSeconds: lap(), applySeconds: 0 };
  log(
    `generated ${fixture.objects.length} objects (seed ${options.seed}, scale ${options.scale}) in ${timings.generateSeconds.toFixed(1)}s`,
  );

  const client = new ApiClient({
    server: state.server,
    ca: state.pki.caCert,
    cert: state.pki.adminCert,
    key: state.pki.adminKey,
    concurrency: 48,
  });
  try {
    let lastShown = 0;
    const report = await applyObjects(client, withDerivedWorkloadStatus(fixture.objects), (done, total) => {
      if (performance.now() - lastShown > 5000) {
        lastShown = performance.now();
        log(`applied ${done}/${total}`);
      }
    });
    timings.applySeconds = lap();
    const skipped = [...report.skippedKinds].map(([k, n]) => `${n} ${k}`).join(', ');
    log(
      `applied ${report.created} objects (${report.existed} existed, ${report.statusWritten} statuses) in ${timings.applySeconds.toFixed(1)}s` +
        (skipped ? `; kinds not served here: ${skipped}` : ''),
    );
    if (report.failed.length > 0) {
      const sample = report.failed
        .slice(0, 5)
        .map((f) => `  ${f.object}: ${f.error}`)
        .join('\n');
      throw new Error(`${report.failed.length} objects failed to apply:\n${sample}`);
    }
  } finally {
    client.close();
  }

  const truthFile = join(state.dir, 'truth.json');
  const historyOptions = { days: options.historyDays, stepSeconds: options.stepSeconds };
  await writeTruth(computeTruth(fixture, historyOptions), truthFile);
  state.fixture = {
    seed: options.seed,
    scale: options.scale,
    objects: fixture.objects.length,
    truth: truthFile,
    now: now.toISOString(),
  };

  if (options.prometheus) {
    const bins = findPrometheus();
    const promDir = join(state.dir, 'prometheus');
    mkdirSync(promDir, { recursive: true });
    const historyFile = join(promDir, 'history.om');
    const written = await writeHistory(fixture, historyFile, historyOptions);
    timings.historySeconds = lap();
    log(
      `history: ${written.series} series, ${written.samples} samples, ${(written.bytes / 1e6).toFixed(0)} MB in ${timings.historySeconds.toFixed(1)}s`,
    );
    const dataDir = join(promDir, 'data');
    timings.backfillSeconds = await backfill(bins, historyFile, dataDir);
    lap();
    log(`promtool backfill in ${timings.backfillSeconds.toFixed(1)}s`);
    const prom = await startPrometheus(bins, promDir, dataDir);
    timings.prometheusStartSeconds = lap();
    state.prometheus = {
      url: prom.url,
      pid: prom.process.pid,
      dataDir,
      historyStart: written.start.toISOString(),
      historyEnd: written.end.toISOString(),
    };
    log(`prometheus up at ${prom.url} in ${timings.prometheusStartSeconds.toFixed(1)}s`);
  }
  writePlatformState(state);
  return timings;
}
