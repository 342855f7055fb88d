/**
 * Meta-tests that keep the certificate check registry honest: one folder per check, named by
 * its id, each with a README carrying the lesson's sections; ids distinct from the manifest
 * rules'. (That every message is produced is checked in certificate-checks.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LESSONS } from '../../core/lesson.ts';
import { RULES } from '../../rules/registry.ts';
import { CERT_CHECKS, CERT_CHECKS_BY_ID } from './registry.ts';
import { certCheckReadme } from './run-cert-checks.ts';

const CHECKS_DIR = join(import.meta.dirname, 'checks');

test('every check folder is registered under its folder name, and nothing else is', () => {
  const folders = readdirSync(CHECKS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(CHECKS_DIR, d.name, 'check.ts')))
    .map((d) => d.name)
    .sort();
  assert.deepEqual([...CERT_CHECKS_BY_ID.keys()].sort(), folders);
  assert.equal(CERT_CHECKS_BY_ID.size, CERT_CHECKS.length, 'ids are unique');
});

for (const check of CERT_CHECKS) {
  test(`check ${check.id}: metadata and README`, () => {
    assert.match(check.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.equal(check.category, 'certificates');
    assert.equal(check.lesson, 'certificate-expiry');
    assert.ok(check.lesson in LESSONS);
    assert.ok(!RULES.has(check.id), 'not also a manifest rule id');
    const readme = readFileSync(join(CHECKS_DIR, check.id, 'README.md'), 'utf8');
    assert.equal(certCheckReadme(check.id), readme);
    assert.ok(readme.startsWith(`# ${check.id}\n`), 'README starts with the id');
    assert.match(
      readme,
      new RegExp(`\\*\\*Severity:\\*\\* ${check.severity}\\b`),
      'README states the severity',
    );
    for (const section of ['## Why', '## What it checks', '## Fix', '## Runbook', '## Exempt'])
      assert.ok(readme.includes(section), `README has ${section}`);
    assert.ok(readme.includes(`exempt.hindsight.dev/${check.id}`) || readme.includes(`rule: ${check.id}`));
  });
}
