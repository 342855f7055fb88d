/**
 * The direction of imports in CONVENTIONS.md, enforced: data flows sources → inventory →
 * scheduling → rules → engine → analyzers → reporters/fixes → cli, and a folder never imports
 * from a folder to its right (docs/adr/0014). Checked on every product file's relative imports
 * (static and dynamic); tests and src/testing may import anything.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';

/** Layer of each top folder under src/: a file may import its own layer and the ones below. */
const LAYERS: Record<string, number> = {
  core: 0,
  data: 0,
  config: 1,
  sources: 1,
  inventory: 2,
  scheduling: 3,
  rules: 4,
  engine: 5,
  analyzers: 6,
  generators: 7,
  reporters: 8,
  fixes: 8,
  cli: 9,
  server: 9,
};

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** Imports against the direction, as `file → target (from → to)`, for files given by path under src/. */
export function layeringViolations(files: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [file, text] of files) {
    const from = file.split('/')[0] as string;
    if (from === 'testing' || file.endsWith('.test.ts')) continue;
    const fromLayer = LAYERS[from];
    if (fromLayer === undefined) {
      out.push(`${file}: folder src/${from} has no layer in src/layering.test.ts`);
      continue;
    }
    for (const match of text.matchAll(IMPORT)) {
      const target = normalize(join(dirname(file), match[1] as string));
      if (target.startsWith('..')) {
        out.push(`${file} → ${target} (outside src/)`);
        continue;
      }
      const to = target.split('/')[0] as string;
      const toLayer = LAYERS[to];
      if (to === 'testing') out.push(`${file} → ${target} (product code imports a test helper)`);
      else if (toLayer === undefined || toLayer > fromLayer)
        out.push(`${file} → ${target} (${from} → ${to})`);
    }
  }
  return out;
}

function productFiles(): Map<string, string> {
  const root = join(import.meta.dirname);
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    if (path.includes('/fixtures/')) continue;
    files.set(relative(root, path), readFileSync(path, 'utf8'));
  }
  return files;
}

test('no import runs against the direction of the layers', () => {
  const files = productFiles();
  assert.ok(files.size > 200, `${files.size} files read`);
  assert.deepEqual(layeringViolations(files), []);
});

test('the check fails on a wrong import, static or dynamic', () => {
  const wrong = new Map([
    ['core/finding.ts', "import type { Origin } from '../sources/origin.ts';\n"],
    ['sources/load.ts', "const { run } = await import('../cli/commands/scan-run.ts');\n"],
    ['rules/x/rule.ts', "import { thing } from '../../testing/rule-tester.ts';\n"],
    ['rules/y/rule.ts', "import { analyzeCost } from '../../analyzers/cost/cost-analysis.ts';\n"],
    ['analyzers/ok.ts', "import { asRecord } from '../core/records.ts';\n"],
  ]);
  assert.deepEqual(layeringViolations(wrong), [
    'core/finding.ts → sources/origin.ts (core → sources)',
    'sources/load.ts → cli/commands/scan-run.ts (sources → cli)',
    'rules/x/rule.ts → testing/rule-tester.ts (product code imports a test helper)',
    'rules/y/rule.ts → analyzers/cost/cost-analysis.ts (rules → analyzers)',
  ]);
});
