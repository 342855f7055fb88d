/**
 * Benchmark: `hindsight scan` of a large snapshot (a `kubectl get -A -o json`-style List) made
 * by the fixture generator, in a child process so wall time and peak RSS are the CLI's own.
 *
 *   node bench/scan-snapshot.ts [--scale max|1k|NODESxPODS] [--seed 1] [--runs 3]
 *                               [--layout json|yaml-files|yaml-file]
 *
 * Layouts: `json` is one List (what `kubectl get -A -o json` prints); `yaml-files` the same
 * objects as multi-document YAML files of 500 objects each; `yaml-file` as one multi-document
 * YAML file (a `kubectl get -o yaml` dump or rendered chart output).
 *
 * Targets (docs/BENCHMARKS.md): a 100k-object snapshot in ≤ 10 s and ≤ 1 GB peak RSS; the same
 * objects as multi-document YAML in ≤ 15 s and ≤ 1 GB.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { generateCluster, type ScaleName } from '../testenv/fixtures/generate.ts';
import { REPO_ROOT } from '../testenv/paths.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'max' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    layout: { type: 'string', default: 'json' },
  },
});

const match = /^(\d+)x(\d+)$/.exec(values.scale);
const scale = match ? { nodes: Number(match[1]), pods: Number(match[2]) } : (values.scale as ScaleName);
const out = join(REPO_ROOT, 'bench', 'out');
mkdirSync(out, { recursive: true });
const fixture = generateCluster({ seed: Number(values.seed), scale });
const base = join(out, `snapshot-${values.scale}-seed${values.seed}`);
let file: string;
if (values.layout === 'json') {
  file = `${base}.json`;
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: fixture.objects }));
} else if (values.layout === 'yaml-file') {
  file = `${base}.yaml`;
  writeFileSync(file, fixture.objects.map((o) => stringify(o)).join('---\n'));
} else if (values.layout === 'yaml-files') {
  file = `${base}-yaml`;
  rmSync(file, { recursive: true, force: true });
  mkdirSync(file);
  for (let i = 0; i * 500 < fixture.objects.length; i++) {
    const part = fixture.objects.slice(i * 500, (i + 1) * 500);
    writeFileSync(
      join(file, `part-${String(i).padStart(4, '0')}.yaml`),
      part.map((o) => stringify(o)).join('---\n'),
    );
  }
} else throw new Error(`unknown --layout ${values.layout}: use json, yaml-files or yaml-file`);
const mb = sizeOf(file) / 1e6;
process.stderr.write(`snapshot: ${fixture.objects.length} objects, ${mb.toFixed(0)} MB (${values.layout})\n`);

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + statSync(join(path, name)).size, 0);
}

const bin = join(REPO_ROOT, 'dist', 'cli', 'bin.js');
const node = process.execPath;
const rows: string[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const t0 = performance.now();
  const run = spawnSync('/usr/bin/time', ['-v', node, bin, 'scan', '-o', 'json', file], {
    encoding: 'utf8',
    maxBuffer: 2 * 1024 * 1024 * 1024,
    env: { ...process.env, HINDSIGHT_NOW: '2026-11-12T10:00:00Z' },
  });
  const seconds = (performance.now() - t0) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1];
  if (run.status !== 0 && run.status !== 1) {
    process.stderr.write(run.stderr.slice(-2000));
    throw new Error(`scan exited ${run.status}`);
  }
  const report = JSON.parse(run.stdout) as { findings: unknown[]; inputs: { objects: number } };
  rows.push(
    `| ${i + 1} | ${report.inputs.objects} | ${report.findings.length} | ${seconds.toFixed(2)} | ${(Number(rss) / 1024).toFixed(0)} |`,
  );
}
process.stdout.write(
  [
    `### scan of a ${values.scale} snapshot (${fixture.objects.length} objects, ${mb.toFixed(0)} MB, ${values.layout})`,
    '',
    '| run | objects | findings | wall s | peak RSS MiB |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
