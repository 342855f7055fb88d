/**
 * Fuzzing the whole scan path: thousands of generated and mutated inputs (broken YAML, wrong
 * types in every field, truncations, deep nesting, binary noise) through the reader, every
 * rule, the fixer's guard and every reporter. Nothing may throw; every error must name its
 * file. Deterministic: the same seed gives the same inputs, so a failure can be replayed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dump, load } from 'js-yaml';
import { REPO_ROOT } from '../../testenv/paths.ts';
import { summarizeInventory } from '../analyzers/inventory/summarize.ts';
import { runRules } from '../engine/run-rules.ts';
import { buildInventory } from '../inventory/inventory.ts';
import { FORMATS, render } from '../reporters/render.ts';
import type { ScanReport } from '../reporters/report.ts';
import { ALL_RULES } from '../rules/registry.ts';
import { loadManifests } from '../sources/manifests/load-manifests.ts';

/** sfc32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

const WEIRD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  '',
  'x',
  true,
  [],
  {},
  [null],
  { a: [1, { b: null }] },
  '0',
  'ALL',
  '1Gi',
  '-5m',
  'NaN',
];

function corpus(): unknown[] {
  const objects: unknown[] = [];
  for (const dir of [join(REPO_ROOT, 'examples', 'repo'), join(REPO_ROOT, 'src', 'rules')]) {
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name)) {
          for (const chunk of readFileSync(p, 'utf8').split(/^---$/m)) objects.push(chunk);
        }
      }
    };
    walk(dir);
  }
  return objects;
}

/** Replaces one random node of a parsed object by a weird value, or deletes it. */
function mutateValue(value: unknown, rand: () => number, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 12) {
    return WEIRD_VALUES[Math.floor(rand() * WEIRD_VALUES.length)];
  }
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return WEIRD_VALUES[Math.floor(rand() * WEIRD_VALUES.length)];
  const key = keys[Math.floor(rand() * keys.length)] as string;
  const r = rand();
  const target = copy as Record<string, unknown>;
  if (r < 0.15) delete target[key];
  else if (r < 0.55) target[key] = mutateValue(target[key], rand, depth + 1);
  else target[key] = WEIRD_VALUES[Math.floor(rand() * WEIRD_VALUES.length)];
  return copy;
}

function mutateText(text: string, rand: () => number): string {
  const r = rand();
  if (r < 0.25) return text.slice(0, Math.floor(rand() * text.length)); // truncation
  if (r < 0.45) {
    const i = Math.floor(rand() * text.length);
    return text.slice(0, i) + String.fromCharCode(Math.floor(rand() * 128)) + text.slice(i + 1); // byte flip
  }
  if (r < 0.55) return `${'  '.repeat(Math.floor(rand() * 10))}${text}`; // indentation shift
  if (r < 0.65) return `${'['.repeat(200 + Math.floor(rand() * 200))}`; // deep nesting
  if (r < 0.7) return text.replace(/: /g, ':'); // broken mappings
  return text;
}

test('fuzz: generated and mutated inputs never crash the scan, and every error names its file', async () => {
  const rand = prng(20261124);
  const seeds = corpus();
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-fuzz-'));
  const now = new Date('2026-11-12T10:00:00Z');
  let files = 0;
  let errors = 0;
  let findings = 0;
  try {
    for (let round = 0; round < 100; round++) {
      const batch = join(dir, `round-${round}`);
      mkdirSync(batch);
      for (let i = 0; i < 50; i++) {
        const seedText = String(seeds[Math.floor(rand() * seeds.length)] ?? '');
        let text: string;
        if (rand() < 0.5) {
          let parsed: unknown;
          try {
            parsed = load(seedText);
          } catch {
            parsed = {};
          }
          let mutated = parsed;
          for (let m = 0; m < 1 + Math.floor(rand() * 4); m++) mutated = mutateValue(mutated, rand);
          text = rand() < 0.7 ? dump(mutated ?? null, { noRefs: true }) : JSON.stringify(mutated ?? null);
        } else {
          text = mutateText(seedText, rand);
        }
        if (rand() < 0.02) writeFileSync(join(batch, `f${i}.yaml`), Buffer.from([0, 1, 2, 255, 254]));
        else writeFileSync(join(batch, `f${i}.${rand() < 0.8 ? 'yaml' : 'json'}`), text);
        files++;
      }
      const loaded = await loadManifests([batch]);
      for (const e of loaded.errors) {
        assert.ok(e.source.startsWith(batch), `error names its file: ${e.source}`);
        assert.ok(e.message.length > 0);
      }
      errors += loaded.errors.length;
      const inventory = buildInventory(loaded.objects);
      const result = runRules(inventory, { rules: ALL_RULES, now, targetVersion: '1.35' });
      const internal = result.findings.filter((f) => f.ruleId === 'internal-error');
      assert.deepEqual(
        internal.map((f) => f.message),
        [],
        'no rule throws on malformed objects',
      );
      findings += result.findings.length;
      const report: ScanReport = {
        tool: { name: 'hindsight', version: '0.0.0' },
        generatedAt: now.toISOString(),
        target: batch,
        inputs: {
          files: loaded.files,
          objects: loaded.objects.length,
          errors: loaded.errors.map((e) => e.message),
          notes: loaded.notes,
        },
        summary: summarizeInventory(inventory),
        findings: result.findings,
        exempted: result.exempted,
        score: result.score,
        rules: [],
      };
      for (const format of FORMATS) {
        const out = render(format, report, { cwd: dir, color: false });
        assert.equal(typeof out, 'string');
        if (format === 'json' || format === 'sarif') JSON.parse(out);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The fuzzer must actually exercise both paths.
  assert.ok(errors > 100, `${errors} read errors over ${files} files`);
  assert.ok(findings > 100, `${findings} findings over ${files} files`);
});
