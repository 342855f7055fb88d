/**
 * Benchmark: hindsight beside its Go peers, kube-score, kube-linter and Polaris, each run as a
 * whole process on the same inputs. Rounds are paired: every round runs every tool once, and the
 * tool that goes first rotates from round to round, so a shared machine's changing load falls on
 * all of them alike. Wall time is measured around the process, peak RSS comes from /usr/bin/time.
 *
 *   bash bench/build-peers.sh && npm run -s build
 *   node bench/peers.ts [--inputs demo,kube-prometheus,generated] [--rounds 5] [--warmup 1]
 *                       [--tools hindsight,kube-score,kube-linter,polaris]
 *                       [--corpus /tmp/real] [--scale 100x3000] [--seed 1]
 *
 * Inputs: `demo` is microservices-demo's release/kubernetes-manifests.yaml (35 objects, one file),
 * `kube-prometheus` its manifests/ directory (131 objects in 95 files, large CRDs), both in the
 * corpus directory bench/real-repos.ts uses; `generated` is what a repository of the fixture
 * generator's cluster would declare (no Nodes, Events or controller-owned objects), as YAML files
 * of at most 500 objects under bench/out/peers. Each tool's last stdout is kept there too.
 *
 * Exit codes are recorded, not judged: the peers exit non-zero when they find problems.
 * Prints a Markdown table for docs/BENCHMARKS.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { KubeObject } from '../src/core/resource.ts';
import { generateCluster, type ScaleName, type ScaleSpec } from '../testenv/fixtures/generate.ts';
import { cacheRoot, REPO_ROOT } from '../testenv/paths.ts';

const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: 'demo,kube-prometheus,generated' },
    tools: { type: 'string', default: 'hindsight,kube-score,kube-linter,polaris' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    corpus: { type: 'string', default: '/tmp/real' },
    scale: { type: 'string', default: '100x3000' },
    seed: { type: 'string', default: '1' },
  },
});

interface Input {
  name: string;
  /** What the tools are pointed at: a file or a directory. */
  path: string;
  /** The YAML files under `path`, for tools that take files only (kube-score). */
  files: string[];
}

interface Tool {
  name: string;
  version: string;
  /** The executable; a peer that is not built is left out. */
  bin: string;
  args(input: Input): string[];
}

interface Run {
  seconds: number;
  rssMiB: number;
  exit: number;
  stdoutBytes: number;
}

const OUT = join(REPO_ROOT, 'bench', 'out', 'peers');
/** Objects per generated file: kube-linter silently skips files over 10 MiB. */
const OBJECTS_PER_FILE = 500;

function readPins(): Map<string, string> {
  const pins = new Map<string, string>();
  for (const line of readFileSync(join(REPO_ROOT, 'testenv', 'versions.env'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2]) pins.set(match[1], match[2]);
  }
  return pins;
}

function pin(pins: Map<string, string>, key: string): string {
  const value = pins.get(key);
  if (!value) throw new Error(`testenv/versions.env has no ${key}`);
  return value;
}

function yamlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(path, name));
}

function parseScale(text: string): ScaleName | ScaleSpec {
  const match = /^(\d+)x(\d+)$/.exec(text);
  return match ? { nodes: Number(match[1]), pods: Number(match[2]) } : (text as ScaleName);
}

/** Writes the objects a repository of the generated cluster would declare; returns their count. */
function writeGenerated(dir: string, scale: ScaleName | ScaleSpec, seed: number): number {
  const fixture = generateCluster({ seed, scale });
  const declared = fixture.objects.filter(
    (o) => o.kind !== 'Node' && o.kind !== 'Event' && !o.metadata.ownerReferences?.length,
  );
  const byNamespace = new Map<string, KubeObject[]>();
  for (const object of declared) {
    const key = object.metadata.namespace ?? '_cluster';
    const list = byNamespace.get(key) ?? [];
    list.push(object);
    byNamespace.set(key, list);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [namespace, objects] of byNamespace) {
    for (let i = 0; i < objects.length; i += OBJECTS_PER_FILE) {
      const docs = objects.slice(i, i + OBJECTS_PER_FILE).map((o) => stringify(o));
      writeFileSync(join(dir, `${namespace}-${i / OBJECTS_PER_FILE}.yaml`), docs.join('---\n'));
    }
  }
  return declared.length;
}

function resolveInput(name: string): Input {
  const corpus = values.corpus;
  const paths: Record<string, string> = {
    demo: join(corpus, 'GoogleCloudPlatform+microservices-demo', 'release', 'kubernetes-manifests.yaml'),
    'kube-prometheus': join(corpus, 'prometheus-operator+kube-prometheus', 'manifests'),
  };
  if (name === 'generated') {
    const dir = join(OUT, `generated-${values.scale}-seed${values.seed}`);
    const count = writeGenerated(dir, parseScale(values.scale), Number(values.seed));
    log(`generated: ${count} objects in ${dir}`);
    return { name, path: dir, files: yamlFiles(dir) };
  }
  const path = paths[name];
  if (!path) throw new Error(`unknown input "${name}": use demo, kube-prometheus or generated`);
  if (!existsSync(path)) throw new Error(`${path} is missing: fetch the corpus (see bench/real-repos.ts)`);
  return { name, path, files: yamlFiles(path) };
}

function log(line: string): void {
  process.stderr.write(`peers: ${line}\n`);
}

/** Runs one tool on one input as a process of its own, stdout to a file under OUT. */
function measure(tool: Tool, input: Input): Run {
  const stdoutFile = join(OUT, `${input.name}.${tool.name}.out`);
  const fd = openSync(stdoutFile, 'w');
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kib=%M', tool.bin, ...tool.args(input)], {
    cwd: OUT, // no config file of any tool is picked up from the checkout
    stdio: ['ignore', fd, 'pipe'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  closeSync(fd);
  if (run.error) throw run.error;
  const rss = /peak-rss-kib=(\d+)/.exec(run.stderr)?.[1];
  if (rss === undefined) {
    throw new Error(
      `${tool.name} on ${input.name}: no peak RSS from /usr/bin/time: ${run.stderr.slice(-500)}`,
    );
  }
  return {
    seconds,
    rssMiB: Number(rss) / 1024,
    exit: run.status ?? -1,
    stdoutBytes: statSync(stdoutFile).size,
  };
}

/** The object count in hindsight's JSON report on the input (its last run's stdout). */
function reportedObjects(input: Input): number {
  const file = join(OUT, `${input.name}.hindsight.out`);
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { inputs: { objects: number } }).inputs.objects;
  } catch (error) {
    throw new Error(`hindsight's output on ${input.name} is no JSON report (${file})`, { cause: error });
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? Number.NaN) + hi) / 2;
}

function hindsightVersion(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const git = (args: string[]): string =>
    execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']).trim();
  const dirty = git(['status', '--porcelain', '--', 'src']).trim() !== '';
  return `${pkg.version} (${head}${dirty ? ', src modified' : ''})`;
}

const pins = readPins();
const peerBin = join(
  cacheRoot(),
  `peers-kube-score-v${pin(pins, 'KUBE_SCORE_VERSION')}-kube-linter-v${pin(pins, 'KUBE_LINTER_VERSION')}-polaris-v${pin(pins, 'POLARIS_VERSION')}`,
  'bin',
);
if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'bin.js'))) {
  console.error('dist/cli/bin.js is missing: run npm run -s build first');
  process.exit(2);
}
// hindsight runs from a copy of its package (package.json and dist/), so a rebuild while the
// benchmark runs cannot mix two builds; the copy stays inside the checkout, where its imports
// still resolve from node_modules.
mkdirSync(OUT, { recursive: true });
const hindsightCopy = join(OUT, 'hindsight');
rmSync(hindsightCopy, { recursive: true, force: true });
cpSync(join(REPO_ROOT, 'dist'), join(hindsightCopy, 'dist'), { recursive: true });
cpSync(join(REPO_ROOT, 'package.json'), join(hindsightCopy, 'package.json'));
const hindsightBin = join(hindsightCopy, 'dist', 'cli', 'bin.js');
const allTools: Tool[] = [
  {
    name: 'hindsight',
    version: hindsightVersion(),
    bin: process.execPath,
    args: (input) => [hindsightBin, 'scan', input.path, '-o', 'json'],
  },
  {
    name: 'kube-score',
    version: `v${pin(pins, 'KUBE_SCORE_VERSION')}`,
    bin: join(peerBin, 'kube-score'),
    args: (input) => ['score', ...input.files],
  },
  {
    name: 'kube-linter',
    version: `v${pin(pins, 'KUBE_LINTER_VERSION')}`,
    bin: join(peerBin, 'kube-linter'),
    args: (input) => ['lint', input.path],
  },
  {
    name: 'polaris',
    version: `v${pin(pins, 'POLARIS_VERSION')}`,
    bin: join(peerBin, 'polaris'),
    args: (input) => ['audit', '--audit-path', input.path, '--format', 'json'],
  },
];
const wanted = new Set(values.tools.split(',').map((name) => name.trim()));
for (const name of wanted) {
  if (!allTools.some((tool) => tool.name === name)) throw new Error(`unknown tool "${name}"`);
}
const tools = allTools.filter((tool) => {
  if (!wanted.has(tool.name)) return false;
  const found = existsSync(tool.bin);
  if (!found) log(`${tool.name} is not built (${tool.bin}): skipped; run bash bench/build-peers.sh`);
  return found;
});

const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(warmup) || warmup < 0) {
  throw new Error('--rounds must be an integer ≥ 1 and --warmup one ≥ 0');
}
const loadBefore = loadavg()[0] ?? Number.NaN;
const rows: string[] = [];
const described: string[] = [];
for (const name of values.inputs.split(',')) {
  const input = resolveInput(name.trim());
  const runs = new Map<string, Run[]>(tools.map((tool) => [tool.name, []]));
  for (let round = -warmup; round < rounds; round++) {
    const first = ((round % tools.length) + tools.length) % tools.length;
    const order = [...tools.slice(first), ...tools.slice(0, first)];
    for (const tool of order) {
      const run = measure(tool, input);
      if (round >= 0) runs.get(tool.name)?.push(run);
    }
    log(`${input.name}: ${round < 0 ? 'warm-up' : `round ${round + 1}/${rounds}`} done`);
  }
  const objects = runs.has('hindsight') ? reportedObjects(input) : '?';
  const mib = input.files.reduce((sum, file) => sum + statSync(file).size, 0) / 1024 / 1024;
  const files = `${input.files.length} file${input.files.length === 1 ? '' : 's'}`;
  described.push(
    `- \`${input.name}\`: ${objects} objects in ${files}, ${mib.toFixed(2)} MiB (${input.path})`,
  );
  const medianOf = (tool: string, pick: (run: Run) => number): number =>
    median((runs.get(tool) ?? []).map(pick));
  const hWall = medianOf('hindsight', (run) => run.seconds);
  const hRss = medianOf('hindsight', (run) => run.rssMiB);
  for (const tool of tools) {
    const list = runs.get(tool.name) ?? [];
    const walls = list.map((run) => run.seconds);
    const wall = median(walls);
    const rss = medianOf(tool.name, (run) => run.rssMiB);
    const exits = [...new Set(list.map((run) => run.exit))].join(', ');
    const kib = medianOf(tool.name, (run) => run.stdoutBytes) / 1024;
    const ratio = (h: number, x: number): string =>
      tool.name === 'hindsight' || Number.isNaN(h) ? '—' : (h / x).toFixed(2);
    rows.push(
      `| ${input.name} | ${tool.name} | ${wall.toFixed(2)} (${Math.min(...walls).toFixed(2)}–${Math.max(...walls).toFixed(2)}) | ${rss.toFixed(0)} | ${exits} | ${kib.toFixed(0)} | ${ratio(hWall, wall)} | ${ratio(hRss, rss)} |`,
    );
  }
}

process.stdout.write(
  [
    `### hindsight and its peers: medians of ${rounds} paired rounds, after ${warmup} warm-up`,
    '',
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} CPUs, 1-minute load ${loadBefore.toFixed(2)} before and ${(loadavg()[0] ?? Number.NaN).toFixed(2)} after.`,
    `Versions: ${tools.map((tool) => `${tool.name} ${tool.version}`).join(', ')}; node ${process.version}.`,
    '',
    ...described,
    '',
    '| input | tool | wall s (min–max) | peak RSS MiB | exit | stdout KiB | hindsight ÷ tool, wall | hindsight ÷ tool, RSS |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
