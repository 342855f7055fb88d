/**
 * Fuzzing at scale: a million (by default) seeded, generated and mutated inputs — manifests,
 * certificate bytes, Prometheus answers — through the reader, every rule, every reporter, the
 * fixer, the certificate decoders and the Prometheus answer parsing (src/testing/fuzz-driver.ts).
 * Prints inputs per second as it goes; each crash is printed with its seed, index and a
 * minimised input, and the minimised input is written to bench/out/fuzz/.
 *
 *   node bench/fuzz.ts [--inputs 1000000] [--seed 1] [--start 0] [--workers 1] [--batch 25]
 *                      [--dir /dev/shm] [--replay INDEX]
 *
 * Input INDEX of seed SEED is always the same bytes: `--replay INDEX --seed SEED` runs it alone.
 * A crash that needs the other inputs of its batch (a rule looking across objects) is printed
 * with the batch to re-run instead, unminimised.
 * `--workers N` splits the range over N processes (each a contiguous slice).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createFuzzContext,
  type FoundCrash,
  type FuzzStats,
  runBatch,
  runFuzz,
} from '../src/testing/fuzz-driver.ts';
import { type FuzzInput, generateInput } from '../src/testing/fuzz-inputs.ts';
import { REPO_ROOT } from '../testenv/paths.ts';

const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: '1' },
    start: { type: 'string', default: '0' },
    workers: { type: 'string', default: '1' },
    batch: { type: 'string', default: '25' },
    dir: { type: 'string' },
    replay: { type: 'string' },
    /** Internal: a worker prints its result as one JSON line on stdout. */
    worker: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'node bench/fuzz.ts [--inputs 1000000] [--seed 1] [--start 0] [--workers 1] [--batch 25] [--dir DIR] [--replay INDEX]\n',
  );
  process.exit(0);
}

const seed = Number(values.seed);
const inputs = Number(values.inputs);
const start = Number(values.start);
const workers = Math.max(1, Number(values.workers));
const out = join(REPO_ROOT, 'bench', 'out', 'fuzz');

function describeInput(input: FuzzInput): string {
  const head =
    input.kind === 'prometheus'
      ? `prometheus answer, HTTP ${input.status}${input.encoding ? `, content-encoding ${input.encoding}` : ''}`
      : `${input.kind} .${input.ext}`;
  const text = input.bytes.toString('utf8');
  const shown = text.length > 1500 ? `${text.slice(0, 1500)}… (${input.bytes.length} bytes)` : text;
  return `${head}, ${input.bytes.length} bytes: ${JSON.stringify(shown)}`;
}

function printCrash(crash: FoundCrash): void {
  mkdirSync(out, { recursive: true });
  const ext = crash.minimised.kind === 'prometheus' ? 'json' : crash.minimised.ext;
  const file = join(out, `crash-seed${crash.seed}-${crash.index}.${ext}`);
  writeFileSync(file, crash.minimised.bytes);
  process.stderr.write(
    [
      '',
      `${crash.knownElsewhere ? 'KNOWN CRASH' : 'CRASH'} seed ${crash.seed} index ${crash.index} in ${crash.target}: ${crash.message}`,
      ...(crash.knownElsewhere ? [`  cause, owned elsewhere: ${crash.knownElsewhere}`] : []),
      crash.batch
        ? `  crashes only with the other inputs of its batch: node bench/fuzz.ts --seed ${crash.seed} --start ${crash.batch.start} --inputs ${crash.batch.size} --batch ${crash.batch.size}`
        : `  replay: node bench/fuzz.ts --seed ${crash.seed} --replay ${crash.index}`,
      `  minimised: ${describeInput(crash.minimised)}`,
      `  written to ${file}`,
      `  ${crash.stack.split('\n').slice(0, 8).join('\n  ')}`,
      '',
    ].join('\n'),
  );
}

function summary(stats: FuzzStats): string {
  const rate = stats.inputs / Math.max(stats.seconds, 1e-9);
  const known = stats.crashes.filter((c) => c.knownElsewhere).length;
  return `${stats.inputs.toLocaleString('en-US')} inputs (${stats.byKind.manifest} manifests, ${stats.byKind.certificate} certificates, ${stats.byKind.prometheus} Prometheus answers) in ${stats.seconds.toFixed(0)} s: ${rate.toFixed(0)} inputs/s, ${stats.crashes.length - known} new distinct crashes, ${known} known (cause in a file owned elsewhere)`;
}

async function replay(index: number): Promise<void> {
  const ctx = await createFuzzContext(values.dir ? { dir: values.dir } : {});
  try {
    const input = generateInput(seed, index, ctx.corpus);
    process.stdout.write(`input ${index} of seed ${seed}: ${describeInput(input)}\n`);
    const found = await runBatch(ctx, [input]);
    if (found.length === 0) process.stdout.write('no crash\n');
    for (const { crash } of found) process.stdout.write(`${crash.target}: ${crash.stack}\n`);
    process.exitCode = found.length === 0 ? 0 : 1;
  } finally {
    await ctx.close();
  }
}

async function runSlice(first: number, count: number, label: string): Promise<FuzzStats> {
  const ctx = await createFuzzContext(values.dir ? { dir: values.dir } : {});
  let lastReport = performance.now();
  try {
    return await runFuzz(ctx, {
      seed,
      start: first,
      count,
      batch: Number(values.batch),
      onCrash: printCrash,
      onProgress: (_done, stats) => {
        if (performance.now() - lastReport < 10_000) return;
        lastReport = performance.now();
        process.stderr.write(`${label}${summary(stats)}\n`);
      },
    });
  } finally {
    await ctx.close();
  }
}

async function runWorkers(): Promise<void> {
  const started = performance.now();
  const per = Math.ceil(inputs / workers);
  const results = await Promise.all(
    Array.from({ length: workers }, (_, k) => {
      const first = start + k * per;
      const count = Math.max(0, Math.min(per, start + inputs - first));
      return new Promise<FuzzStats>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            import.meta.filename,
            '--worker',
            '--seed',
            String(seed),
            '--start',
            String(first),
            '--inputs',
            String(count),
            '--batch',
            String(values.batch),
            ...(values.dir ? ['--dir', values.dir] : []),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        child.on('error', reject);
        child.on('close', (code) => {
          if (code !== 0) reject(new Error(`worker ${k} exited ${code}`));
          else resolve(JSON.parse(text) as FuzzStats);
        });
      });
    }),
  );
  const total: FuzzStats = {
    inputs: 0,
    byKind: { manifest: 0, certificate: 0, prometheus: 0 },
    seconds: (performance.now() - started) / 1000,
    crashes: [],
  };
  for (const r of results) {
    total.inputs += r.inputs;
    for (const kind of ['manifest', 'certificate', 'prometheus'] as const)
      total.byKind[kind] += r.byKind[kind];
    total.crashes.push(...r.crashes);
  }
  // Each worker printed its crashes as it found them; the same bug may show in several slices.
  for (const c of total.crashes)
    process.stdout.write(
      `${c.knownElsewhere ? 'known crash' : 'crash'} seed ${c.seed} index ${c.index} in ${c.target}: ${c.message}\n`,
    );
  process.stdout.write(
    `seed ${seed}, inputs ${start}…${start + inputs - 1}, ${workers} workers: ${summary(total)}\n`,
  );
  process.exitCode = total.crashes.some((c) => !c.knownElsewhere) ? 1 : 0;
}

if (values.replay !== undefined) {
  await replay(Number(values.replay));
} else if (values.worker) {
  const stats = await runSlice(start, inputs, `[inputs ${start}…] `);
  // Only what the parent sums: the crashes were printed as they were found.
  process.stdout.write(
    JSON.stringify({ ...stats, crashes: stats.crashes.map(({ input: _i, minimised: _m, ...c }) => c) }),
  );
} else if (workers > 1) {
  await runWorkers();
} else {
  process.stderr.write(`fuzzing seed ${seed}, inputs ${start}…${start + inputs - 1}\n`);
  const stats = await runSlice(start, inputs, '');
  process.stdout.write(`seed ${seed}: ${summary(stats)}\n`);
  process.exitCode = stats.crashes.some((c) => !c.knownElsewhere) ? 1 : 0;
}
