import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  BINARY_CHECK_BYTES,
  binaryProblem,
  InputBudget,
  type ReadCaps,
  readRegularFile,
  readStreamCapped,
} from './bounded-read.ts';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-bounded-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const caps = (overrides: Partial<ReadCaps> = {}): ReadCaps => ({
  maxFileBytes: 1024,
  budget: new InputBudget(4096),
  what: 'manifest',
  ...overrides,
});

test('a regular file is read whole and taken from the run budget', async () => {
  const file = join(dir, 'ok.yaml');
  writeFileSync(file, 'a: 1\n');
  const budget = new InputBudget(100);
  const read = await readRegularFile(file, caps({ budget }));
  assert.ok(read.ok);
  assert.equal(read.bytes.toString(), 'a: 1\n');
  assert.equal(budget.used, 5);
});

test('devices, FIFOs and symlinks to them are skipped without being opened', async () => {
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const link = join(dir, 'urandom-link');
  symlinkSync('/dev/urandom', link);
  for (const [path, type] of [
    ['/dev/zero', 'a character device'],
    ['/dev/urandom', 'a character device'],
    [fifo, 'a FIFO (named pipe)'],
    [link, 'a character device'],
  ] as const) {
    const read = await readRegularFile(path, caps());
    assert.ok(!read.ok, path);
    assert.equal(read.notAFile, type);
    assert.equal(read.error.source, path);
    assert.equal(read.error.message, `is ${type}, not a file: skipped`);
  }
});

test('a file over the per-file limit, or over what is left of the run, is refused unread', async () => {
  const file = join(dir, 'big.yaml');
  writeFileSync(file, 'x'.repeat(2000));
  const tooBig = await readRegularFile(file, caps());
  assert.ok(!tooBig.ok);
  assert.match(
    tooBig.error.message,
    /^file is 2 KiB, over the 1 KiB limit for one manifest file \(--max-file-size\)$/,
  );
  const budget = new InputBudget(3000);
  budget.used = 1500;
  const overRun = await readRegularFile(file, caps({ maxFileBytes: 10_000, budget }));
  assert.ok(!overRun.ok);
  assert.match(
    overRun.error.message,
    /over the 2\.9 KiB limit for all inputs together \(--max-input-size; 1\.5 KiB read so far\)/,
  );
  assert.equal(budget.used, 1500, 'nothing taken for a refused file');
});

test('a missing file and a directory are errors naming them', async () => {
  const missing = await readRegularFile(join(dir, 'nope.yaml'), caps());
  assert.ok(!missing.ok);
  assert.equal(missing.error.message, 'no such file or directory');
  const directory = await readRegularFile(dir, caps());
  assert.ok(!directory.ok);
  assert.equal(directory.error.message, 'is a directory');
});

test('a stream is read up to the cap and no further, even if it never ends', async () => {
  let pulled = 0;
  const endless = (async function* () {
    for (;;) {
      pulled++;
      yield Buffer.alloc(100, 0x61);
    }
  })();
  const read = await readStreamCapped(endless, '-', caps());
  assert.ok(!read.ok);
  assert.equal(
    read.error.message,
    'over the 1 KiB limit for one input (--max-file-size); stopped reading it',
  );
  assert.equal(pulled, 11);
});

test('a stream is refused as binary as soon as a NUL or 64 KiB of non-text arrive', async () => {
  let pulled = 0;
  const noise = (async function* () {
    for (;;) {
      pulled++;
      yield Buffer.from([0x41, 0x00, 0x42]);
    }
  })();
  const read = await readStreamCapped(noise, '-', { ...caps(), refuseBinary: true });
  assert.ok(!read.ok);
  assert.match(read.error.message, /binary file, not YAML or JSON \(contains NUL bytes\)/);
  assert.equal(pulled, 1);
});

test('binaryProblem: NULs, UTF-16, invalid UTF-8 and control characters; text and a cut character are fine', () => {
  const cases: [Buffer, RegExp | undefined][] = [
    [Buffer.from('apiVersion: v1\nkind: Pod\n'), undefined],
    [Buffer.from('name: "naïve ☃ 𝒳"\n'), undefined],
    [Buffer.from([0x61, 0x00]), /contains NUL bytes/],
    [Buffer.from('\ufeffa: 1', 'utf16le'), /UTF-16 text: convert it to UTF-8/],
    [Buffer.from([0x61, 0xc3, 0x28, 0x0a]), /not valid UTF-8/],
    [Buffer.from('\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008 some text'), /8 control characters/],
    // One stray control character is left to the YAML parser, which names its line.
    [Buffer.from('a: 1\nb: \u0007\n'), undefined],
  ];
  for (const [bytes, expected] of cases) {
    const problem = binaryProblem(bytes);
    if (expected) assert.match(problem ?? '', expected, bytes.toString('hex'));
    else assert.equal(problem, undefined, bytes.toString('hex'));
  }
  // A multi-byte character cut by the 64 KiB window is not invalid UTF-8.
  const head = Buffer.concat([
    Buffer.alloc(BINARY_CHECK_BYTES - 1, 0x61),
    Buffer.from('☃'),
    Buffer.from('\n'),
  ]);
  assert.equal(binaryProblem(head), undefined);
});
