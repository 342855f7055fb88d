import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { OutputError } from '../core/errors.ts';
import { writeFileSafely } from './safe-write.ts';

function workdir(): string {
  return mkdtempSync(join(tmpdir(), 'hindsight-write-'));
}

const isRoot = process.getuid?.() === 0;

test('a new file appears whole, with the mode a plain write would give it, and no temporary file is left', async () => {
  const dir = workdir();
  const file = join(dir, 'report.sarif');
  await writeFileSafely(file, '{"runs":[]}\n');
  assert.equal(readFileSync(file, 'utf8'), '{"runs":[]}\n');
  assert.equal(statSync(file).mode & 0o777, 0o666 & ~process.umask());
  assert.deepEqual(readdirSync(dir), ['report.sarif']);
});

test('a link planted at a temporary name is never followed: the file it points to is untouched', async () => {
  const dir = workdir();
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious\n');
  const file = join(dir, 'x.yaml');
  writeFileSync(file, 'a: 1\n');
  // The names earlier versions used (pid-based) and a spread of others: none is followed.
  for (const name of [`.x.yaml.hindsight-${process.pid}.tmp`, `.x.yaml.${process.pid}.tmp`])
    symlinkSync(victim, join(dir, name));
  await writeFileSafely(file, 'a: 2\n', { expected: 'a: 1\n' });
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(readFileSync(file, 'utf8'), 'a: 2\n');
  assert.ok(lstatSync(file).isFile() && !lstatSync(file).isSymbolicLink(), 'x.yaml stays a regular file');
});

test('a read-only file is refused unless forced', async () => {
  const dir = workdir();
  const file = join(dir, 'locked.yaml');
  writeFileSync(file, 'a: 1\n');
  chmodSync(file, 0o444);
  await assert.rejects(writeFileSafely(file, 'a: 2\n'), (error: unknown) => {
    assert.ok(error instanceof OutputError);
    assert.match(error.message, /is read-only \(mode 0444\); make it writable or pass --force/);
    return true;
  });
  assert.equal(readFileSync(file, 'utf8'), 'a: 1\n');
  await writeFileSafely(file, 'a: 2\n', { force: true });
  assert.equal(readFileSync(file, 'utf8'), 'a: 2\n');
  assert.equal(statSync(file).mode & 0o777, 0o444, 'forced: the mode is still kept');
});

test('a symbolic link stays a link and its target is edited', async () => {
  const dir = workdir();
  mkdirSync(join(dir, 'base'));
  const real = join(dir, 'base', 'deploy.yaml');
  writeFileSync(real, 'a: 1\n');
  const link = join(dir, 'deploy.yaml');
  symlinkSync('base/deploy.yaml', link);
  await writeFileSafely(link, 'a: 2\n', { expected: 'a: 1\n' });
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(readFileSync(real, 'utf8'), 'a: 2\n');
  assert.deepEqual(readdirSync(join(dir, 'base')), ['deploy.yaml']);
});

test('hard links stay linked: every name sees the new content on the same inode', async () => {
  const dir = workdir();
  const one = join(dir, 'one.yaml');
  const two = join(dir, 'two.yaml');
  writeFileSync(one, 'a: 1\n');
  linkSync(one, two);
  const inode = statSync(one).ino;
  await writeFileSafely(one, 'a: 2\n', { expected: 'a: 1\n' });
  assert.equal(readFileSync(two, 'utf8'), 'a: 2\n');
  assert.equal(statSync(one).ino, inode);
  assert.equal(statSync(one).nlink, 2);
});

test('mode and owner are kept', { skip: !isRoot && 'changing owners needs root' }, async () => {
  const dir = workdir();
  const file = join(dir, 'owned.yaml');
  writeFileSync(file, 'a: 1\n');
  chmodSync(file, 0o640);
  chownSync(file, 65534, 65534);
  await writeFileSafely(file, 'a: 2\n', { expected: 'a: 1\n' });
  const info = statSync(file);
  assert.equal(info.mode & 0o777, 0o640);
  assert.equal(info.uid, 65534);
  assert.equal(info.gid, 65534);
});

test('a file changed since it was read is left alone with the change kept', async () => {
  const dir = workdir();
  const file = join(dir, 'busy.yaml');
  writeFileSync(file, 'a: 1\n# edited by a colleague meanwhile\n');
  await assert.rejects(
    writeFileSafely(file, 'a: 2\n', { expected: 'a: 1\n' }),
    /changed since hindsight read it/,
  );
  assert.equal(readFileSync(file, 'utf8'), 'a: 1\n# edited by a colleague meanwhile\n');
  assert.deepEqual(readdirSync(dir), ['busy.yaml']);
});

test('a directory, a missing directory and a FIFO are named as such', async () => {
  const dir = workdir();
  await assert.rejects(writeFileSafely(dir, 'x'), /is a directory, not a regular file/);
  await assert.rejects(
    writeFileSafely(join(dir, 'missing', 'r.json'), 'x'),
    /directory .*missing does not exist/,
  );
  const fifo = join(dir, 'pipe');
  if (spawnSync('mkfifo', [fifo]).status === 0)
    await assert.rejects(writeFileSafely(fifo, 'x'), /is a FIFO, not a regular file/);
});

/** Runs node with `script` as the unprivileged user nobody; undefined when that is impossible here. */
function asNobody(script: string): { status: number | null; stdout: string; stderr: string } | undefined {
  if (!isRoot) return undefined;
  const run = spawnSync(
    'setpriv',
    [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      process.execPath,
      '--input-type=module',
      '-e',
      script,
    ],
    { encoding: 'utf8', cwd: process.cwd(), timeout: 30_000 },
  );
  if (run.error) return undefined;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('in a directory the user may not write: the file is edited in place; a new file is a clear error', async (t) => {
  if (!isRoot) {
    t.skip('needs root to act as another user');
    return;
  }
  const dir = workdir();
  chmodSync(dir, 0o755);
  const file = join(dir, 'app.yaml');
  writeFileSync(file, 'a: 1\n');
  chownSync(file, 65534, 65534);
  const module = new URL('./safe-write.ts', import.meta.url).href;
  const run = asNobody(
    `import { writeFileSafely } from ${JSON.stringify(module)};
     await writeFileSafely(${JSON.stringify(file)}, 'a: 2\\n', { expected: 'a: 1\\n' });
     try { await writeFileSafely(${JSON.stringify(join(dir, 'new.json'))}, '{}'); } catch (e) { console.log(e.name + ': ' + e.message); }`,
  );
  if (!run) {
    t.skip('setpriv is not available');
    return;
  }
  assert.equal(run.status, 0, run.stderr);
  assert.equal(readFileSync(file, 'utf8'), 'a: 2\n');
  assert.equal(statSync(file).uid, 65534);
  assert.match(run.stdout, /OutputError: permission denied: cannot write in /);
});
