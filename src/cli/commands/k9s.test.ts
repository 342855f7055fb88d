import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../../testing/run-cli.ts';

/**
 * The shape k9s accepts for a plugins file (derailed/k9s internal/config/json/schemas/
 * plugins.json, studied at 24cf462): a `plugins` mapping whose entries have a string shortCut,
 * description and command and a list of scopes, optional booleans and string arguments, and
 * no other keys.
 */
function k9sProblems(file: unknown): string[] {
  const problems: string[] = [];
  const root = file as { plugins?: Record<string, Record<string, unknown>> };
  if (typeof root !== 'object' || root === null || typeof root.plugins !== 'object')
    return ['no plugins mapping'];
  const known = new Set([
    'shortCut',
    'override',
    'description',
    'confirm',
    'dangerous',
    'scopes',
    'command',
    'background',
    'overwriteOutput',
    'args',
    'inputs',
  ]);
  for (const [name, p] of Object.entries(root.plugins)) {
    for (const key of ['shortCut', 'description', 'command'])
      if (typeof p[key] !== 'string') problems.push(`${name}: ${key} must be a string`);
    if (!Array.isArray(p.scopes) || !p.scopes.every((s) => typeof s === 'string'))
      problems.push(`${name}: scopes must be a list of strings`);
    if (
      p.args !== undefined &&
      (!Array.isArray(p.args) || !p.args.every((a) => typeof a === 'string' || typeof a === 'number'))
    )
      problems.push(`${name}: args must be strings or numbers`);
    for (const key of ['override', 'confirm', 'dangerous', 'background', 'overwriteOutput'])
      if (p[key] !== undefined && typeof p[key] !== 'boolean')
        problems.push(`${name}: ${key} must be a boolean`);
    for (const key of Object.keys(p)) if (!known.has(key)) problems.push(`${name}: unknown key ${key}`);
  }
  return problems;
}

test('hindsight k9s prints plugins k9s accepts, one per selection, each a working shell script', async () => {
  const run = await runCli(['k9s']);
  assert.equal(run.code, 0);
  const file = parse(run.stdout) as { plugins: Record<string, { scopes: string[]; args: string[] }> };
  assert.deepEqual(k9sProblems(file), []);
  assert.deepEqual(Object.keys(file.plugins).sort(), [
    'hindsight-certs',
    'hindsight-cost',
    'hindsight-namespace',
    'hindsight-scan',
  ]);
  // Each script is valid sh.
  for (const plugin of Object.values(file.plugins))
    execFileSync('sh', ['-n', '-c', plugin.args[1] as string]);
  // The checker itself rejects what k9s rejects.
  assert.deepEqual(
    k9sProblems({ plugins: { x: { shortCut: 1, scopes: 'pods', command: 'sh', colour: 'red' } } }),
    [
      'x: shortCut must be a string',
      'x: description must be a string',
      'x: scopes must be a list of strings',
      'x: unknown key colour',
    ],
  );
});

test('hindsight k9s --install merges into the user file: their entries and comments stay, ours are replaced', async () => {
  const home = mkdtempSync(join(tmpdir(), 'hindsight-k9s-'));
  const dir = join(home, 'k9s');
  mkdirSync(dir);
  const file = join(dir, 'plugins.yaml');
  writeFileSync(
    file,
    '# my plugins\nplugins:\n  # tail logs\n  stern:\n    shortCut: Ctrl-L\n    description: Logs\n    scopes: [pods]\n    command: stern\n    args: [$NAME]\n  hindsight-old:\n    shortCut: Shift-O\n    description: gone\n    scopes: [pods]\n    command: sh\n',
  );
  const run = await runCli(['k9s', '--install'], { env: { XDG_CONFIG_HOME: home, HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const text = readFileSync(file, 'utf8');
  assert.ok(text.startsWith('# my plugins\nplugins:\n  # tail logs\n  stern:\n    shortCut: Ctrl-L\n'), text);
  const merged = parse(text) as { plugins: Record<string, unknown> };
  assert.deepEqual(k9sProblems(merged), []);
  assert.deepEqual(Object.keys(merged.plugins), [
    'stern',
    'hindsight-scan',
    'hindsight-certs',
    'hindsight-namespace',
    'hindsight-cost',
  ]);
  // Twice is the same as once.
  await runCli(['k9s', '--install'], { env: { XDG_CONFIG_HOME: home, HOME: home } });
  assert.equal(readFileSync(file, 'utf8'), text);
  // A file that is not YAML is left alone, with the reason.
  writeFileSync(file, 'plugins: [unclosed\n');
  const broken = await runCli(['k9s', '--install'], { env: { XDG_CONFIG_HOME: home, HOME: home } });
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /not valid YAML [\s\S]*nothing was changed/);
  assert.equal(readFileSync(file, 'utf8'), 'plugins: [unclosed\n');
});
