/**
 * The executable under a pipe whose reader leaves early (`hindsight cost --help | head -1`): it
 * stops quietly with exit 0, as other CLIs do, instead of a stack trace about EPIPE.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../testenv/paths.ts';

test('a closed stdout pipe ends the run quietly', () => {
  const bin = join(REPO_ROOT, 'src', 'cli', 'bin.ts');
  for (const args of ['cost --help', `scan ${join(REPO_ROOT, 'examples', 'repo')} -o json`]) {
    const run = spawnSync(
      'bash',
      ['-c', `set -o pipefail; "${process.execPath}" "${bin}" ${args} | head -c 10 >/dev/null`],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, `${args}: ${run.stderr}`);
    assert.doesNotMatch(run.stderr, /EPIPE|Error/, args);
  }
});
