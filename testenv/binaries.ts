/**
 * For tests that run the platform's command-line tools (helm, kubectl) without needing the
 * platform itself: `requireBinaries(t, ['helm'])` returns testenv's bin directory, to put on
 * the PATH of the run under test. When a binary is missing the test fails, loudly, with the
 * command that builds it, unless the run opted out with HINDSIGHT_TESTENV=off (then it skips).
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { binDir } from './paths.ts';

export function requireBinaries(t: TestContext, names: readonly string[]): string | undefined {
  const dir = binDir();
  const missing = names.filter((name) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return dir;
  if (process.env.HINDSIGHT_TESTENV === 'off') {
    t.skip(`needs ${missing.join(' and ')} from testenv's build; skipped because HINDSIGHT_TESTENV=off`);
    return undefined;
  }
  throw new Error(
    `${missing.join(' and ')} not found in ${dir}: build them with \`bash testenv/build.sh\` (cached; builds only what is missing), or set HINDSIGHT_TESTENV=off to skip these tests`,
  );
}
