/**
 * For tests that need the real test platform. `requirePlatform(t)` returns the running
 * platform's state; when it is not running the test fails with the reason it could not start,
 * unless the run opted out with HINDSIGHT_TESTENV=off, in which case the test is skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { stateDir } from './paths.ts';
import { type PlatformState, readPlatformState } from './platform.ts';

export function platformName(env: NodeJS.ProcessEnv = process.env): string {
  return env.HINDSIGHT_TESTENV_NAME ?? 'test';
}

export function requirePlatform(
  t: TestContext,
  needs: { prometheus?: boolean } = {},
): PlatformState | undefined {
  if (process.env.HINDSIGHT_TESTENV === 'off') {
    t.skip('needs the test platform; skipped because HINDSIGHT_TESTENV=off');
    return undefined;
  }
  const name = platformName();
  const state = readPlatformState(name);
  if (!state) {
    const errorFile = join(stateDir(name), 'up-error.txt');
    const reason = existsSync(errorFile) ? readFileSync(errorFile, 'utf8') : 'it was never started';
    throw new Error(
      `the test platform "${name}" is not running: ${reason}\n` +
        'Start it with `npm run testenv -- up --name test --prometheus`, or set HINDSIGHT_TESTENV=off to skip these tests.',
    );
  }
  if (needs.prometheus && !state.prometheus) {
    throw new Error(`the test platform "${name}" runs without Prometheus; start it with --prometheus`);
  }
  return state;
}
