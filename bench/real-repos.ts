/**
 * hindsight on public repositories nobody here wrote, pinned: for each corpus entry (repository,
 * commit, path) the objects read, the exit code, the findings by rule as reviewed by hand, and
 * what `fix` does to a copy (files changed, findings fixed, findings it would create: none).
 * The repositories themselves are not part of this project (their licences are theirs): fetch
 * them at the recorded commits into one directory, named owner+name, and point --corpus at it.
 *
 *   node bench/real-repos.ts --corpus /tmp/real            compare with bench/real-repos.json
 *   node bench/real-repos.ts --corpus /tmp/real --update   record the current results
 *
 * Exits 1 when a result differs from the pinned one; the difference is printed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../src/testing/run-cli.ts';
import { REPO_ROOT } from '../testenv/paths.ts';

interface Entry {
  repo: string;
  commit: string;
  path: string;
  licence: string;
  /** Why the findings are right, where one is surprising. */
  review: string;
  expected?: Result;
}

interface Result {
  exit: number;
  objects: number;
  duplicates: number;
  findings: Record<string, number>;
  fix: { exit: number; fixed: number; files: number; newFindings: string[] };
}

const { values } = parseArgs({
  options: { corpus: { type: 'string' }, update: { type: 'boolean', default: false } },
});
if (!values.corpus) {
  console.error('usage: node bench/real-repos.ts --corpus DIR [--update]');
  process.exit(2);
}
const pinFile = join(REPO_ROOT, 'bench', 'real-repos.json');
const entries = JSON.parse(readFileSync(pinFile, 'utf8')) as Entry[];
const env = {
  HOME: process.env.HOME ?? '/nonexistent-home',
  PATH: process.env.PATH ?? '',
  HINDSIGHT_NOW: '2026-12-01T00:00:00Z',
};

type Finding = {
  rule: string;
  kind: string;
  namespace?: string;
  name: string;
  container?: string;
  file?: string;
};
const key = (f: Finding) =>
  `${f.rule} ${f.kind} ${f.namespace ?? ''}/${f.name} ${f.container ?? ''} ${f.file ?? ''}`;

async function measure(root: string): Promise<Result> {
  const scan = await runCli(['scan', '-o', 'json', root], { env });
  const report = JSON.parse(scan.stdout || '{"findings":[],"inputs":{"objects":0,"notes":[]}}') as {
    findings: Finding[];
    inputs: { objects: number; notes: string[] };
  };
  const findings: Record<string, number> = {};
  for (const f of report.findings) findings[f.rule] = (findings[f.rule] ?? 0) + 1;
  // fix on a copy, then scan the copy again: nothing may appear that was not there before.
  const copy = mkdtempSync(join(tmpdir(), 'hindsight-real-'));
  try {
    const target = join(copy, basename(root));
    cpSync(root, target, { recursive: true });
    const before = await runCli(['scan', '-o', 'json', target], { env });
    const fix = await runCli(['fix', target], { env });
    const after = await runCli(['scan', '-o', 'json', target], { env });
    const known = new Set(
      (JSON.parse(before.stdout || '{"findings":[]}') as { findings: Finding[] }).findings.map(key),
    );
    const newFindings = (JSON.parse(after.stdout || '{"findings":[]}') as { findings: Finding[] }).findings
      .map(key)
      .filter((k) => !known.has(k))
      .map((k) => k.replace(copy, ''));
    return {
      exit: scan.code,
      objects: report.inputs.objects,
      duplicates: report.inputs.notes.filter((n) => / is defined \d+ times/.test(n)).length,
      findings: Object.fromEntries(Object.entries(findings).sort()),
      fix: {
        exit: fix.code,
        fixed: Number(/fixed (\d+) findings/.exec(fix.stderr)?.[1] ?? 0),
        files: Number(/findings in (\d+) files/.exec(fix.stderr)?.[1] ?? 0),
        newFindings,
      },
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

let differ = 0;
for (const entry of entries) {
  const dir = join(values.corpus, entry.repo.replace('/', '+'));
  if (!existsSync(dir)) {
    console.log(`${entry.repo}: not in the corpus (fetch it at ${entry.commit})`);
    differ++;
    continue;
  }
  const head = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  if (head !== entry.commit) console.log(`${entry.repo}: at ${head}, pinned at ${entry.commit}`);
  const started = performance.now();
  const result = await measure(join(dir, entry.path));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const same = JSON.stringify(result) === JSON.stringify(entry.expected);
  console.log(
    `${same ? 'same' : 'DIFFERS'}  ${entry.repo}/${entry.path}: exit ${result.exit}, ${result.objects} objects (${result.duplicates} defined more than once), ${Object.values(result.findings).reduce((a, b) => a + b, 0)} findings; fix: ${result.fix.fixed} in ${result.fix.files} files, ${result.fix.newFindings.length} new (${seconds}s)`,
  );
  if (!same && entry.expected) {
    console.log(`  pinned: ${JSON.stringify(entry.expected)}\n  now:    ${JSON.stringify(result)}`);
  }
  if (!same) differ++;
  if (values.update) entry.expected = result;
}
if (values.update) {
  writeFileSync(pinFile, `${JSON.stringify(entries, null, 2)}\n`);
  console.log(`wrote ${pinFile}`);
} else if (differ > 0) process.exitCode = 1;
