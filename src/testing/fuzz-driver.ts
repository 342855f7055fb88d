/**
 * The fuzz driver: runs inputs from ./fuzz-inputs.ts through everything that reads untrusted
 * bytes — the manifest reader, every rule (runRules over buildInventory), every reporter (with
 * the line locator), the fixer (`fixFile`, dry run), the certificate reader, decoders and
 * analysis, and the Prometheus client's answer parsing (through a local HTTP server) with the
 * right-sizing reader behind it. An input crashes when anything throws what is not the expected
 * typed error or result; a crash is reported with its seed, index and a minimised input.
 *
 * Shared by src/cli/fuzz.test.ts (a bounded slice in CI) and bench/fuzz.ts (a million inputs).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCertificates, DEFAULT_ANALYSIS_OPTIONS } from '../analyzers/certs/analysis.ts';
import { CERT_CHECKS } from '../analyzers/certs/registry.ts';
import { runCertChecks } from '../analyzers/certs/run-cert-checks.ts';
import { buildTimeline, renderTimeline } from '../analyzers/certs/timeline.ts';
import { summarizeInventory } from '../analyzers/inventory/summarize.ts';
import { PrometheusQueryError, SourceError } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';
import { runRules } from '../engine/run-rules.ts';
import { fixFile } from '../fixes/fix-files.ts';
import { buildInventory } from '../inventory/inventory.ts';
import { FORMATS, render } from '../reporters/render.ts';
import type { ScanReport } from '../reporters/report.ts';
import { ALL_RULES } from '../rules/registry.ts';
import { loadManifests } from '../sources/manifests/load-manifests.ts';
import { locateFindings } from '../sources/manifests/locate.ts';
import { createPrometheusClient, type PrometheusClient } from '../sources/prometheus/client.ts';
import { readUsageHistory } from '../sources/prometheus/usage-history.ts';
import { podOwnersFrom } from '../sources/prometheus/workload-owners.ts';
import { decodeCertificates } from '../sources/tls/decode-certificates.ts';
import { readCertificatePaths } from '../sources/tls/read-certificate-paths.ts';
import { type Corpus, type FuzzInput, generateInput, loadCorpus } from './fuzz-inputs.ts';

/** One crash: where it happened and what was thrown. */
export interface Crash {
  /** The consumer that threw: `reader`, `rules`, `reporter:sarif`, `fixer`, `certs`, `prometheus:series` … */
  target: string;
  /** The first line of what was thrown (or of the broken contract). */
  message: string;
  stack: string;
}

/** A crash of one input of a run, replayable from `seed` and `index`. */
export interface FoundCrash extends Crash {
  seed: number;
  index: number;
  input: FuzzInput;
  /** The smallest input found that still crashes the same way. */
  minimised: FuzzInput;
  /** Set when the cause is known and lies in a file owned elsewhere (see KNOWN_ELSEWHERE). */
  knownElsewhere?: string;
  /**
   * Set when the input crashes only with the others of its batch (a rule that looks across
   * objects): the batch's first index and size, to replay with `--start` and `--inputs`.
   */
  batch?: { start: number; size: number };
}

/**
 * Crashes found by this fuzzer whose cause is in a file another engineer owns: reported there
 * with a proposed patch, listed here so that runs keep looking for new ones. Matched on the
 * crash signature (target, thrown class, first stack frame). Remove an entry once fixed.
 */
export const KNOWN_ELSEWHERE: readonly { signature: RegExp; cause: string }[] = [];

/** The owner's cause of a known crash, or undefined for a new one. */
export function knownElsewhere(crash: Crash): string | undefined {
  const signature = crashSignature(crash);
  return KNOWN_ELSEWHERE.find((k) => k.signature.test(signature))?.cause;
}

/** What the inputs reached, summed over a context's life: proof that the paths are exercised. */
export interface Exercised {
  /** Errors the readers reported (each naming its file). */
  readErrors: number;
  objects: number;
  findings: number;
  /** Findings the fixer applied (dry run). */
  fixed: number;
  /** Files the fixer refused, with a reason. */
  fixRefused: number;
  certificates: number;
  /** Prometheus calls answered with data, and refused with a PrometheusQueryError. */
  prometheusAnswers: number;
  prometheusErrors: number;
}

/** What the oracle needs: the corpus, a scratch directory and the fake Prometheus. */
export interface FuzzContext {
  corpus: Corpus;
  dir: string;
  now: Date;
  exercised: Exercised;
  prometheus: {
    client: PrometheusClient;
    answer: (input: Extract<FuzzInput, { kind: 'prometheus' }>) => void;
  };
  close(): Promise<void>;
}

export async function createFuzzContext(options: { dir?: string } = {}): Promise<FuzzContext> {
  const corpus = await loadCorpus();
  const dir = mkdtempSync(join(options.dir ?? tmpdir(), 'hindsight-fuzz-'));
  let current: Extract<FuzzInput, { kind: 'prometheus' }> | undefined;
  const server: Server = createServer((req, res) => {
    req.resume();
    const answer = current;
    if (!answer) {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      ...(answer.encoding ? { 'content-encoding': answer.encoding } : {}),
    });
    res.end(answer.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const client = createPrometheusClient({
    url: `http://127.0.0.1:${port}`,
    retries: 0,
    timeoutMs: 10_000,
    sleep: () => Promise.resolve(),
  });
  return {
    corpus,
    dir,
    now: new Date('2026-11-12T10:00:00Z'),
    exercised: {
      readErrors: 0,
      objects: 0,
      findings: 0,
      fixed: 0,
      fixRefused: 0,
      certificates: 0,
      prometheusAnswers: 0,
      prometheusErrors: 0,
    },
    prometheus: {
      client,
      answer: (input) => {
        current = input;
      },
    },
    async close() {
      client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function crashOf(target: string, error: unknown): Crash {
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const first =
    (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0] ?? '';
  return { target, message: first.slice(0, 300), stack };
}

function broken(target: string, message: string): Crash {
  return { target, message, stack: message };
}

let batchCounter = 0;

/** A crash attributed to one input of a batch. */
interface Attributed {
  /** Index in the batch, or -1 when the whole batch failed and the inputs must be re-run alone. */
  at: number;
  crash: Crash;
}

/**
 * Runs a batch of file inputs (manifests and certificates) through the readers, rules, reporters,
 * the fixer and certificate analysis, as `scan`, `fix` and `certs` would on a directory.
 */
async function runFiles(ctx: FuzzContext, inputs: FuzzInput[]): Promise<Attributed[]> {
  const out: Attributed[] = [];
  const dir = join(ctx.dir, `b${batchCounter++}`);
  mkdirSync(dir);
  const files = inputs.map((input, i) => {
    const ext = input.kind === 'prometheus' ? 'json' : input.ext;
    const file = join(dir, `f${i}.${ext}`);
    writeFileSync(file, input.bytes);
    return file;
  });
  const indexOf = (source: string | undefined): number => (source === undefined ? -1 : files.indexOf(source));
  try {
    // ——— scan: reader, rules, line locator, reporters ———
    const manifests = files.filter((f) => /\.(ya?ml|json)$/.test(f));
    let findings: Finding[] = [];
    if (manifests.length > 0) {
      let loaded: Awaited<ReturnType<typeof loadManifests>>;
      try {
        loaded = await loadManifests([dir]);
      } catch (error) {
        return [{ at: -1, crash: crashOf('reader', error) }];
      }
      for (const e of loaded.errors) {
        if (!(e instanceof SourceError) || indexOf(e.source) === -1 || e.message.length === 0) {
          out.push({
            at: indexOf(e.source),
            crash: broken('reader', `an error that names no input file: ${e.source}: ${e.message}`),
          });
        }
      }
      let result: ReturnType<typeof runRules>;
      let inventory: ReturnType<typeof buildInventory>;
      try {
        inventory = buildInventory(loaded.objects);
        result = runRules(inventory, { rules: ALL_RULES, now: ctx.now, targetVersion: '1.35' });
      } catch (error) {
        return [...out, { at: -1, crash: crashOf('rules', error) }];
      }
      for (const f of result.findings) {
        if (f.ruleId === 'internal-error')
          out.push({ at: indexOf(f.origin?.source), crash: broken('rules', f.message.split('\n')[0] ?? '') });
      }
      findings = result.findings;
      ctx.exercised.readErrors += loaded.errors.length;
      ctx.exercised.objects += loaded.objects.length;
      ctx.exercised.findings += findings.length;
      let summary: ScanReport['summary'];
      try {
        summary = summarizeInventory(inventory);
      } catch (error) {
        return [...out, { at: -1, crash: crashOf('summary', error) }];
      }
      const report: ScanReport = {
        tool: { name: 'hindsight', version: '0.0.0' },
        generatedAt: ctx.now.toISOString(),
        target: dir,
        inputs: {
          files: loaded.files,
          objects: loaded.objects.length,
          errors: loaded.errors.map((e) => e.message),
          notes: loaded.notes,
        },
        summary,
        findings: result.findings,
        exempted: result.exempted,
        score: result.score,
        rules: [],
      };
      try {
        report.lines = await locateFindings(result.findings);
      } catch (error) {
        return [...out, { at: -1, crash: crashOf('locate', error) }];
      }
      for (const format of FORMATS) {
        try {
          const text = render(format, report, { cwd: dir, color: false });
          if (typeof text !== 'string') throw new TypeError(`${format} rendered a ${typeof text}`);
          if (format === 'json' || format === 'sarif') JSON.parse(text);
        } catch (error) {
          return [...out, { at: -1, crash: crashOf(`reporter:${format}`, error) }];
        }
      }
    }
    // ——— fix: as `hindsight fix` does, every YAML input with fixable findings ———
    for (const [i, file] of files.entries()) {
      if (!/\.ya?ml$/.test(file)) continue;
      const fixable = findings.filter((f) => f.fix && f.origin?.source === file);
      if (fixable.length === 0) continue;
      try {
        const result = await fixFile(file, fixable, { dryRun: true });
        ctx.exercised.fixed += result.applied.length;
        if (result.refused) ctx.exercised.fixRefused++;
        if (typeof result.refused !== 'string' && result.refused !== undefined)
          throw new TypeError('refused is not a string');
      } catch (error) {
        out.push({ at: i, crash: crashOf('fixer', error) });
      }
    }
    // ——— certs: decoders on each file, then the directory as `certs` reads it ———
    for (const [i, input] of inputs.entries()) {
      if (input.kind !== 'certificate') continue;
      try {
        decodeCertificates(input.bytes);
        decodeCertificates(input.bytes.toString('latin1'));
      } catch (error) {
        out.push({ at: i, crash: crashOf('certs:decode', error) });
      }
    }
    let discovery: Awaited<ReturnType<typeof readCertificatePaths>>;
    try {
      discovery = await readCertificatePaths([dir]);
    } catch (error) {
      return [...out, { at: -1, crash: crashOf('certs:read', error) }];
    }
    ctx.exercised.certificates += discovery.certificates.length;
    for (const e of discovery.errors) {
      if (!(e instanceof SourceError) || e.message.length === 0)
        out.push({
          at: indexOf(e.source),
          crash: broken('certs:read', `an error that is not a SourceError: ${String(e)}`),
        });
    }
    try {
      const analysis = analyzeCertificates(discovery, { ...DEFAULT_ANALYSIS_OPTIONS, now: ctx.now });
      runCertChecks(analysis, CERT_CHECKS);
      renderTimeline(buildTimeline(analysis), { now: ctx.now, color: false, compact: false });
    } catch (error) {
      return [...out, { at: -1, crash: crashOf('certs:analyze', error) }];
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectPrometheusError(target: string, error: unknown): Crash | undefined {
  return error instanceof PrometheusQueryError ? undefined : crashOf(target, error);
}

/** One Prometheus answer, given to every API call and to the right-sizing reader behind them. */
async function runPrometheus(
  ctx: FuzzContext,
  input: Extract<FuzzInput, { kind: 'prometheus' }>,
): Promise<Crash[]> {
  ctx.prometheus.answer(input);
  const { client } = ctx.prometheus;
  const crashes: Crash[] = [];
  const window = { start: new Date(ctx.now.getTime() - 3600_000), end: ctx.now };
  const attempt = async (target: string, call: () => Promise<unknown>): Promise<void> => {
    try {
      await call();
      ctx.exercised.prometheusAnswers++;
    } catch (error) {
      const crash = expectPrometheusError(target, error);
      if (crash) crashes.push(crash);
      else ctx.exercised.prometheusErrors++;
    }
  };
  await attempt('prometheus:query', () => client.query('up', ctx.now));
  await attempt('prometheus:query_range', () => client.queryRange('up', { ...window, step: 60 }));
  await attempt('prometheus:series', async () => {
    const series = await client.series(['kube_pod_owner'], window);
    podOwnersFrom('ns', series)('web-1');
  });
  await attempt('prometheus:label_values', () => client.labelValues('namespace', ['up'], window));
  await attempt('prometheus:usage-history', async () => {
    for await (const batch of readUsageHistory(client, { ...window, step: 600 })) void batch;
  });
  return crashes;
}

/** Runs one batch; a batch-level failure is re-run input by input to find the culprits. */
export async function runBatch(
  ctx: FuzzContext,
  inputs: FuzzInput[],
): Promise<Array<{ at: number; crash: Crash }>> {
  const found: Array<{ at: number; crash: Crash }> = [];
  const files: FuzzInput[] = [];
  const fileAt: number[] = [];
  for (const [i, input] of inputs.entries()) {
    if (input.kind === 'prometheus') {
      for (const crash of await runPrometheus(ctx, input)) found.push({ at: i, crash });
    } else {
      files.push(input);
      fileAt.push(i);
    }
  }
  if (files.length === 0) return found;
  const results = await runFiles(ctx, files);
  const whole = results.filter((r) => r.at === -1);
  for (const r of results) if (r.at !== -1) found.push({ at: fileAt[r.at] as number, crash: r.crash });
  if (whole.length > 0) {
    if (files.length === 1) found.push({ at: fileAt[0] as number, crash: (whole[0] as Attributed).crash });
    else {
      for (const [j, input] of files.entries()) {
        for (const r of await runFiles(ctx, [input])) found.push({ at: fileAt[j] as number, crash: r.crash });
      }
    }
  }
  return found;
}

/**
 * The bucket of a crash: its target, the class of what was thrown and the first stack frame
 * (file and line), so that `Unresolved alias … l49` and `… s` count as one bug; a broken
 * contract (no stack) by its message, numbers and paths aside.
 */
export function crashSignature(crash: Crash): string {
  const name = /^(\w+):/.exec(crash.message)?.[1] ?? '';
  const frame = /\n\s+at (?:.*?\()?(?:file:\/\/)?([^()\s]+?):(\d+):\d+\)?/.exec(crash.stack);
  if (frame)
    return `${crash.target} ${name} ${frame[1]?.replace(/^.*\/(node_modules|src)\//, '$1/')}:${frame[2]}`;
  return `${crash.target} ${crash.message.replace(/\d+/g, 'N').replace(/\/\S+/g, 'PATH')}`;
}

function sameCrash(a: Crash, b: Crash): boolean {
  return crashSignature(a) === crashSignature(b);
}

async function crashesLike(ctx: FuzzContext, input: FuzzInput, like: Crash): Promise<boolean> {
  const again = await runBatch(ctx, [input]);
  return again.some((r) => sameCrash(r.crash, like));
}

/**
 * The smallest input found that still crashes the same way: whole lines removed first, then
 * bytes (ddmin-style, halving chunk sizes), within `budget` re-runs.
 */
export async function minimise(
  ctx: FuzzContext,
  input: FuzzInput,
  crash: Crash,
  budget = 400,
): Promise<FuzzInput> {
  let best = input;
  let runs = 0;
  const tryBytes = async (bytes: Buffer): Promise<boolean> => {
    if (runs++ >= budget) return false;
    const candidate = { ...best, bytes } as FuzzInput;
    if (await crashesLike(ctx, candidate, crash)) {
      best = candidate;
      return true;
    }
    return false;
  };
  // Lines.
  for (
    let size = Math.max(1, Math.floor(best.bytes.toString('latin1').split('\n').length / 2));
    size >= 1;
    size = Math.floor(size / 2)
  ) {
    let lines = best.bytes.toString('latin1').split('\n');
    for (let at = 0; at < lines.length && runs < budget; ) {
      const next = [...lines.slice(0, at), ...lines.slice(at + size)];
      if (next.length < lines.length && (await tryBytes(Buffer.from(next.join('\n'), 'latin1'))))
        lines = next;
      else at += size;
    }
    if (size === 1) break;
  }
  // Bytes.
  for (
    let size = Math.max(1, Math.floor(best.bytes.length / 4));
    size >= 1 && runs < budget;
    size = Math.floor(size / 2)
  ) {
    for (let at = 0; at < best.bytes.length && runs < budget; ) {
      const bytes = Buffer.concat([best.bytes.subarray(0, at), best.bytes.subarray(at + size)]);
      if (!(await tryBytes(bytes))) at += size;
    }
    if (size === 1) break;
  }
  return best;
}

/** Progress and result of a run. */
export interface FuzzStats {
  inputs: number;
  byKind: Record<FuzzInput['kind'], number>;
  seconds: number;
  crashes: FoundCrash[];
}

export interface FuzzRunOptions {
  seed: number;
  /** First input index (inclusive) and how many. */
  start?: number;
  count: number;
  /** Inputs per scan batch (default 25). */
  batch?: number;
  /** Crashes with the same target and message are minimised and kept once. */
  dedupe?: boolean;
  /** Called after each batch with the inputs done so far. */
  onProgress?: (done: number, stats: FuzzStats) => void;
  onCrash?: (crash: FoundCrash) => void;
  /** Re-runs a minimisation may use (default 400). */
  minimiseBudget?: number;
}

/** Runs inputs `start … start+count-1` of `seed`. */
export async function runFuzz(ctx: FuzzContext, options: FuzzRunOptions): Promise<FuzzStats> {
  const started = performance.now();
  const stats: FuzzStats = {
    inputs: 0,
    byKind: { manifest: 0, certificate: 0, prometheus: 0 },
    seconds: 0,
    crashes: [],
  };
  const batchSize = options.batch ?? 25;
  const start = options.start ?? 0;
  for (let first = start; first < start + options.count; first += batchSize) {
    const indexes: number[] = [];
    for (let i = first; i < Math.min(first + batchSize, start + options.count); i++) indexes.push(i);
    const inputs = indexes.map((i) => generateInput(options.seed, i, ctx.corpus));
    for (const input of inputs) stats.byKind[input.kind]++;
    for (const { at, crash } of await runBatch(ctx, inputs)) {
      if (options.dedupe !== false && stats.crashes.some((c) => sameCrash(c, crash))) continue;
      const input = inputs[at] as FuzzInput;
      const known = knownElsewhere(crash);
      const alone = await crashesLike(ctx, input, crash);
      const found: FoundCrash = {
        ...crash,
        seed: options.seed,
        index: indexes[at] as number,
        input,
        minimised: alone ? await minimise(ctx, input, crash, options.minimiseBudget) : input,
        ...(known ? { knownElsewhere: known } : {}),
        ...(alone ? {} : { batch: { start: first, size: inputs.length } }),
      };
      stats.crashes.push(found);
      options.onCrash?.(found);
    }
    stats.inputs += inputs.length;
    stats.seconds = (performance.now() - started) / 1000;
    options.onProgress?.(stats.inputs, stats);
  }
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}
