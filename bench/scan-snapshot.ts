/**
 * Benchmark: `hindsight scan` of a large snapshot (a `kubectl get -A -o json`-style List) made
 * by the fixture generator, in a child process so wall time and peak RSS are the CLI's own.
 *
 *   node bench/scan-snapshot.ts [--scale max|1k|NODESxPODS] [--seed 1] [--runs 3]
 *
 * Target (docs/BENCHMARKS.md): a 100k-object snapshot in ≤ 10 s and ≤ 1 GB peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateCluster, type ScaleName } from '../testenv/fixtures/generate.ts';
import { REPO_ROOT } from '../testenv/paths.ts';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'max' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
  },
});

const match = /^(\d+)x(\d+)$/.exec(values.scale);
const scale = match ? { nodes: Number(match[1]), pods: Number(match[2]) } : (values.scale as ScaleName);
const out = join(REPO_ROOT, 'bench', 'out');
mkdirSync(out, { recursive: true });
const file = join(out, `snapshot-${values.scale}-seed${values.seed}.json`);
const fixture = generateCluster({ seed: Number(values.seed), scale });
writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: fixture.objects }));
const mb = statSync(file).size / 1e6;
process.stderr.write(`snapshot: ${fixture.objects.length} objects, ${mb.toFixed(0)} MB\n`);

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
    `### scan of a ${values.scale} snapshot (${fixture.objects.length} objects, ${mb.toFixed(0)} MB JSON)`,
    '',
    '| run | objects | findings | wall s | peak RSS MiB |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
