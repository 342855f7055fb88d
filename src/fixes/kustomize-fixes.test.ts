import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireBinaries } from '../../testenv/binaries.ts';
import { fileTree } from '../testing/file-tree.ts';
import { runCli } from '../testing/run-cli.ts';

const fixture = join(import.meta.dirname, 'fixtures', 'kustomize');

test('fix of overlays edits the base when a rebuild proves the edit lands, and leaves an overlay-set field alone', async (t) => {
  const bin = requireBinaries(t, ['kubectl']);
  if (!bin) return;
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-kfix-'));
  cpSync(fixture, join(dir, 'app'), { recursive: true });
  const env = { HOME: tmpdir(), PATH: bin };
  const before = fileTree(dir);
  const base = join(dir, 'app', 'base', 'deployment.yaml');

  const scan = await runCli(['scan', '-o', 'json', join(dir, 'app')], { env });
  const found = (JSON.parse(scan.stdout) as { findings: { rule: string }[] }).findings
    .map((f) => f.rule)
    .sort();
  // One finding per overlay for what fix cannot change (tracing is the app's to add).
  assert.deepEqual(found, [
    'container-cpu-limit-throttles',
    'container-privilege-escalation-allowed',
    'workload-without-opentelemetry',
    'workload-without-opentelemetry',
  ]);

  const run = await runCli(['fix', join(dir, 'app')], { env });
  assert.equal(run.code, 0, run.stderr);
  // The base gains exactly one line; comments and flow style of the rest stay as they were.
  const was = (before.get(base) as string).split('\n');
  const now = readFileSync(base, 'utf8').split('\n');
  assert.deepEqual(
    now.filter((line) => !was.includes(line)),
    ['            allowPrivilegeEscalation: false'],
  );
  assert.equal(now.length, was.length + 1);
  // The CPU limit comes from prod's patch: a base edit cannot remove it, so nothing is written
  // for it, and the patch is untouched.
  assert.match(
    run.stderr,
    /container-cpu-limit-throttles not fixed: .*api-prod.* does not reach the built object \(an overlay sets the same field\)/,
  );
  const after = fileTree(dir);
  for (const [file, text] of before) if (file !== base) assert.equal(after.get(file), text, file);

  // Built again: the fixed finding is gone in both overlays, nothing new.
  const again = await runCli(['scan', '-o', 'json', join(dir, 'app')], { env });
  const left = (JSON.parse(again.stdout) as { findings: { rule: string }[] }).findings
    .map((f) => f.rule)
    .sort();
  assert.deepEqual(left, [
    'container-cpu-limit-throttles',
    'workload-without-opentelemetry',
    'workload-without-opentelemetry',
  ]);
});
