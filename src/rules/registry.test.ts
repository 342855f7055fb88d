/**
 * Meta-tests that keep the registry honest: every rule folder is registered under its own id,
 * documents itself, and has fixtures that pass and fail as they claim, exercising every message:
 * an invalid fixture produces exactly the findings its `# expect:` lines declare.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { zod } from '../config/zod.ts';
import { LESSONS } from '../core/lesson.ts';
import { runRules } from '../engine/run-rules.ts';
import { buildInventory } from '../inventory/inventory.ts';
import { loadManifests } from '../sources/manifests/load-manifests.ts';
import { expectationOf, readExpectations } from '../testing/fixture-expectations.ts';
import { TEST_NOW } from '../testing/rule-tester.ts';
import { ruleOptions } from './docs.ts';
import { ALL_RULES, RULES } from './registry.ts';

const RULES_DIR = import.meta.dirname;
const ruleFolders = readdirSync(RULES_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(RULES_DIR, d.name, 'rule.ts')))
  .map((d) => d.name)
  .sort();

test('every rule folder is registered under its folder name, and nothing else is', () => {
  assert.deepEqual([...RULES.keys()].sort(), ruleFolders);
  assert.equal(RULES.size, ALL_RULES.length, 'rule ids are unique');
});

for (const rule of ALL_RULES) {
  test(`rule ${rule.id}: metadata, README and fixtures`, async () => {
    assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, 'id is kebab-case');
    assert.ok(rule.lesson in LESSONS, `lesson ${rule.lesson} exists`);
    assert.ok(Object.keys(rule.messages).length > 0, 'has messages');

    const dir = join(RULES_DIR, rule.id);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.ok(readme.startsWith(`# ${rule.id}\n`), 'README starts with the rule id');
    assert.match(
      readme,
      new RegExp(`\\*\\*Severity:\\*\\* ${rule.severity}\\b`),
      'README states the severity',
    );
    for (const section of ['## Why', '## Fix', '## Runbook'])
      assert.ok(readme.includes(section), `README has ${section}`);
    assert.ok(existsSync(join(dir, 'rule.test.ts')), 'has rule.test.ts');
    // The options table is generated from the schema into the README's ## Options section.
    const options = ruleOptions(rule);
    assert.equal(
      /^## Options$/m.test(readme),
      options.length > 0,
      options.length > 0 ? 'README has ## Options for its options table' : 'README has no ## Options',
    );
    for (const o of options) {
      assert.ok(o.description !== '', `option ${o.name} has a .describe()`);
      assert.ok(o.default !== '', `option ${o.name} has a default in the docs`);
    }
    // A run without configured options uses the defaults without building the schema: equal.
    if (rule.options) assert.deepEqual(rule.options.schema(zod()).parse({}), rule.options.defaults);

    const seen = new Set<string>();
    for (const kind of ['valid', 'invalid'] as const) {
      const fixtureDir = join(dir, 'fixtures', kind);
      assert.ok(existsSync(fixtureDir), `has fixtures/${kind}`);
      const entries = readdirSync(fixtureDir);
      const files = entries.filter((f) => /\.(ya?ml|json)$/.test(f));
      assert.ok(files.length > 0, `fixtures/${kind} has files`);
      for (const f of entries.filter((e) => e.endsWith('.expect')))
        assert.ok(
          f.endsWith('.json.expect') && files.includes(f.slice(0, -'.expect'.length)),
          `${kind}/${f} belongs to a JSON fixture`,
        );
      for (const file of files) {
        const loaded = await loadManifests([join(fixtureDir, file)]);
        assert.deepEqual(loaded.errors.map(String), [], `${kind}/${file} reads cleanly`);
        const result = runRules(buildInventory(loaded.objects), {
          rules: [rule],
          now: TEST_NOW,
          // A fixture named `…target-1.29….yaml` is checked for that release.
          targetVersion: /target-(\d+\.\d+)/.exec(file)?.[1] ?? '1.35',
        });
        const internal = result.findings.filter((f) => f.ruleId === 'internal-error');
        assert.deepEqual(internal, [], `${kind}/${file}: rule does not throw`);
        const expected = readExpectations(join(fixtureDir, file));
        if (kind === 'valid') {
          assert.deepEqual(expected, [], `valid/${file} declares no findings`);
          assert.deepEqual(
            result.findings.map((f) => f.message),
            [],
            `valid/${file} has no findings`,
          );
        } else {
          assert.ok(
            expected.length > 0,
            `invalid/${file} declares its findings (# expect: lines; a JSON fixture in ${file}.expect)`,
          );
          // Sorted both ways, so the failure shows the lines to add or remove.
          assert.deepEqual(
            result.findings.map(expectationOf).sort(),
            expected.toSorted(),
            `invalid/${file}: the findings are exactly those it declares`,
          );
        }
        for (const f of result.findings) if (f.messageId) seen.add(f.messageId);
      }
    }
    assert.deepEqual(
      [...seen].sort(),
      Object.keys(rule.messages).sort(),
      'invalid fixtures exercise every message',
    );
  });
}
