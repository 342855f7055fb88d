/**
 * What a command loads before it does anything: the start-up users pay on every run (ADR 0011).
 * Counted with a module-load hook, not timed: `version` loads a few modules, a scan of files
 * never loads the cluster client, the LP solver or the Prometheus exporter.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../testenv/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-startup-'));
const hook = join(dir, 'count-modules.mjs');
writeFileSync(
  hook,
  `import { registerHooks } from 'node:module';
import { writeFileSync } from 'node:fs';
const urls = [];
registerHooks({ load(url, context, next) { urls.push(url); return next(url, context); } });
process.on('exit', () => writeFileSync(process.env.HINDSIGHT_MODULES_OUT, urls.join('\\n')));
`,
);

function loaded(args: string[]): { code: number | null; modules: string[] } {
  const out = join(dir, `modules-${args.join('-').replace(/\W/g, '_')}.txt`);
  const run = spawnSync(
    process.execPath,
    ['--import', hook, join(REPO_ROOT, 'src', 'cli', 'bin.ts'), ...args],
    {
      env: { ...process.env, HINDSIGHT_MODULES_OUT: out, NODE_DISABLE_COMPILE_CACHE: '1' },
      encoding: 'utf8',
      cwd: REPO_ROOT,
    },
  );
  return { code: run.status, modules: readFileSync(out, 'utf8').split('\n') };
}

const packages = (modules: string[]) =>
  new Set(modules.flatMap((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1] ?? []));

test('version loads commander and a few of its own modules, nothing else', () => {
  const { code, modules } = loaded(['version']);
  assert.equal(code, 0);
  assert.deepEqual([...packages(modules)], ['commander']);
  assert.ok(modules.length < 80, `${modules.length} modules`);
});

test('a scan of files never loads the cluster client, the solver, the exporter, zod or node:http', () => {
  const { code, modules } = loaded(['scan', '-q', join(REPO_ROOT, 'examples', 'repo', 'apps')]);
  assert.ok(code === 0 || code === 1);
  const used = packages(modules);
  for (const heavy of ['@kubernetes/client-node', 'undici', 'highs', 'prom-client', 'yaml', 'zod'])
    assert.ok(!used.has(heavy), `${heavy} is loaded by a scan of files`);
  // Importing node:http evaluates its lazy getters, which load Node's bundled undici (about 40 ms).
  for (const builtin of ['node:http', 'node:https'])
    assert.ok(!modules.includes(builtin), `${builtin} is loaded by a scan of files`);
});

test('a configuration that sets rule options loads zod to validate them, and a bad one is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-startup-config-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'rules:\n  workload-pdb-missing:\n    options: {includeNonServing: maybe}\n');
  const { code, modules } = loaded([
    'scan',
    '-q',
    '--config',
    config,
    join(REPO_ROOT, 'examples', 'repo', 'apps'),
  ]);
  assert.equal(code, 2);
  assert.ok(packages(modules).has('zod'));
});

test('placing findings on their lines (JSON, SARIF) reads block-style files without the yaml parser', () => {
  const { code, modules } = loaded(['scan', '-o', 'sarif', join(REPO_ROOT, 'examples', 'repo', 'apps')]);
  assert.ok(code === 0 || code === 1);
  assert.ok(!packages(modules).has('yaml'), 'yaml is loaded by a SARIF scan of block-style files');
});
