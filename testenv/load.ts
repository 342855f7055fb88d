/**
 * Loads a generated fixture into a running platform: the cluster objects through the API
 * server, and (optionally) the matching usage history into a freshly started Prometheus.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyObjects, platformClient } from './apply.ts';
import { generateCluster, type ScaleName } from './fixtures/generate.ts';
import { streamHistory, writeHistory } from './fixtures/history.ts';
import { computeTruth, writeTruth } from './fixtures/truth.ts';
import { cacheRoot } from './paths.ts';
import { type PlatformState, writePlatformState } from './platform.ts';
import { backfill, findPrometheus, startPrometheus } from './prometheus.ts';
import { RemoteWriteSink } from './remote-write.ts';
import { withDerivedWorkloadStatus } from './workload-status.ts';

export interface LoadOptions {
  seed: number;
  scale: string;
  prometheus: boolean;
  historyDays: number;
  stepSeconds: number;
  /**
   * End of the history (the fixture's "now"); defaults to the generator's fixed date, so the
   * TSDB blocks can be built once per machine and reused. Queries give explicit times.
   */
  now?: Date;
  /**
   * How history reaches Prometheus: promtool blocks built from OpenMetrics text and cached per
   * machine (default), or streamed to its remote-write receiver (no text on disk, no cache, no
   * ground truth: for histories too large for the text route).
   */
  historyVia?: 'promtool' | 'remote-write';
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
  let t = performance.now();
  const lap = (): number => {
    const seconds = (performance.now() - t) / 1000;
    t = performance.now();
    return seconds;
  };
  const fixture = generateCluster({
    seed: options.seed,
    scale: parseScale(options.scale),
    ...(options.now ? { now: options.now } : {}),
  });
  const now = fixture.now;
  const timings: LoadTimings = { generateSeconds: lap(), applySeconds: 0 };
  log(
    `generated ${fixture.objects.length} objects (seed ${options.seed}, scale ${options.scale}) in ${timings.generateSeconds.toFixed(1)}s`,
  );

  const client = platformClient(state, 48);
  try {
    let lastShown = performance.now();
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

  const historyOptions = { days: options.historyDays, stepSeconds: options.stepSeconds };
  state.fixture = {
    seed: options.seed,
    scale: options.scale,
    objects: fixture.objects.length,
    now: now.toISOString(),
  };

  if (options.prometheus && options.historyVia === 'remote-write') {
    const bins = findPrometheus();
    const promDir = join(state.dir, 'prometheus');
    const dataDir = join(promDir, 'data');
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const prom = await startPrometheus(bins, promDir, dataDir, { remoteWriteReceiver: true });
    timings.prometheusStartSeconds = lap();
    const sink = new RemoteWriteSink(prom.url);
    const written = await streamHistory(fixture, sink, historyOptions);
    timings.historySeconds = lap();
    log(
      `history: ${written.series} series, ${written.samples} samples streamed to remote write in ${sink.requests} requests (${(sink.bytesSent / 1e6).toFixed(0)} MB) in ${timings.historySeconds.toFixed(1)}s`,
    );
    state.prometheus = {
      url: prom.url,
      pid: prom.process.pid,
      dataDir,
      historyStart: written.start.toISOString(),
      historyEnd: written.end.toISOString(),
    };
  } else if (options.prometheus) {
    const bins = findPrometheus();
    const promDir = join(state.dir, 'prometheus');
    mkdirSync(promDir, { recursive: true });
    const dataDir = join(promDir, 'data');
    const cached = await cachedBlocks(fixture, options, historyOptions, bins, log);
    lap();
    // Prometheus writes into its data dir (WAL, compaction): it gets a copy, the cache stays as built.
    rmSync(dataDir, { recursive: true, force: true });
    cpSync(cached.dir, dataDir, { recursive: true });
    if (cached.fresh && cached.historySeconds !== undefined && cached.backfillSeconds !== undefined) {
      timings.historySeconds = cached.historySeconds;
      timings.backfillSeconds = cached.backfillSeconds;
    }
    const written = { start: new Date(cached.start), end: new Date(cached.end) };
    // The ground truth belongs to the history window; it is cached beside the blocks.
    state.fixture.truth = cached.truth;
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

interface CachedHistory {
  dir: string;
  series: number;
  samples: number;
  bytes: number;
  start: string;
  end: string;
  historySeconds?: number;
  backfillSeconds?: number;
  /** Built by this call rather than reused. */
  fresh?: boolean;
  /** The fixture's ground truth over the history window (JSON file). */
  truth: string;
}

/**
 * TSDB blocks for a fixture's history, built once per machine and parameter set: the
 * OpenMetrics text is large (gigabytes for days at a one-minute step) and promtool is slow, but
 * both are deterministic, so later starts reuse the blocks. The text is deleted after backfill.
 */
async function cachedBlocks(
  fixture: ReturnType<typeof generateCluster>,
  options: LoadOptions,
  historyOptions: { days: number; stepSeconds: number },
  bins: ReturnType<typeof findPrometheus>,
  log: (line: string) => void,
): Promise<CachedHistory> {
  const key = `seed${options.seed}-${options.scale}-${historyOptions.days}d-${historyOptions.stepSeconds}s-${fixture.now.toISOString().replace(/[:.]/g, '')}`;
  const root = join(cacheRoot(), 'history', key);
  const meta = join(root, 'meta.json');
  if (existsSync(meta)) {
    log(`history: reusing TSDB blocks from ${root}`);
    if (!existsSync(join(root, 'truth.json')))
      await writeTruth(computeTruth(fixture, historyOptions), join(root, 'truth.json'));
    return {
      ...(JSON.parse(readFileSync(meta, 'utf8')) as CachedHistory),
      dir: join(root, 'data'),
      truth: join(root, 'truth.json'),
    };
  }
  const building = `${root}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  try {
    const t0 = performance.now();
    const historyFile = join(building, 'history.om');
    const written = await writeHistory(fixture, historyFile, historyOptions);
    const historySeconds = (performance.now() - t0) / 1000;
    log(
      `history: ${written.series} series, ${written.samples} samples, ${(written.bytes / 1e6).toFixed(0)} MB of OpenMetrics in ${historySeconds.toFixed(1)}s`,
    );
    const backfillSeconds = await backfill(bins, historyFile, join(building, 'data'));
    log(`promtool backfill in ${backfillSeconds.toFixed(1)}s`);
    rmSync(historyFile, { force: true });
    await writeTruth(computeTruth(fixture, historyOptions), join(building, 'truth.json'));
    const info: CachedHistory = {
      dir: '',
      truth: '',
      series: written.series,
      samples: written.samples,
      bytes: written.bytes,
      start: written.start.toISOString(),
      end: written.end.toISOString(),
      historySeconds,
      backfillSeconds,
    };
    writeFileSync(join(building, 'meta.json'), `${JSON.stringify(info, null, 2)}\n`);
    rmSync(root, { recursive: true, force: true });
    renameSync(building, root);
    return { ...info, dir: join(root, 'data'), truth: join(root, 'truth.json'), fresh: true };
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
}
