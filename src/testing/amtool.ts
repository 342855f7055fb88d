/**
 * amtool for the tests that check Alertmanager configurations with Alertmanager's own tooling:
 * Debian's prometheus-alertmanager (testenv/ensure.sh installs it), or HINDSIGHT_AMTOOL.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

/** amtool's path, or undefined when the test is skipped; fails when it is missing and wanted. */
export function amtool(t: TestContext): string | undefined {
  const path = process.env.HINDSIGHT_AMTOOL ?? '/usr/bin/amtool';
  if (existsSync(path)) return path;
  if (process.env.HINDSIGHT_TESTENV === 'off') {
    t.skip('no amtool and HINDSIGHT_TESTENV=off');
    return undefined;
  }
  assert.fail(
    `amtool not found at ${path}: run testenv/ensure.sh (installs Debian's prometheus-alertmanager) or set HINDSIGHT_AMTOOL`,
  );
}
