import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderRuleDocs } from '../../scripts/gen-rule-docs.ts';

test('docs/rules.md is generated from the rule READMEs and up to date', () => {
  const current = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
  assert.ok(current === renderRuleDocs(), 'docs/rules.md is out of date: run node scripts/gen-rule-docs.ts');
});
