/**
 * Hostile and broken inputs through `scan`, `fix` and `certs`, as a user would give them: devices
 * (`/dev/zero`, `/dev/urandom`), a FIFO and a socket, documents nested 100,000 deep, duplicate
 * keys, stdin that never ends, inputs over the per-file and per-run limits. Each is refused by
 * name, quickly and in little memory, with the exit code of a partial run; the rest is read.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { type CliRun, runCli } from '../../testing/run-cli.ts';

const env = { HOME: '/nonexistent-home', HINDSIGHT_NOW: '2026-11-12T10:00:00Z' };
let root: string;
let socketServer: Server;

const deployment = (name: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers:\n      - name: app\n        image: registry.example.com/${name}:1.0\n`;

function write(path: string, content: string | Buffer): string {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
  return full;
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'hindsight-hostile-'));
  write('good.yaml', deployment('good'));
  write('tree/a.yaml', deployment('a'));
  write('tree/z.yaml', deployment('z'));
  execFileSync('mkfifo', [join(root, 'tree', 'pipe.yaml')]);
  execFileSync('mkfifo', [join(root, 'fifo.yaml')]);
  symlinkSync('/dev/zero', join(root, 'tree', 'zero.yaml'));
  socketServer = createServer();
  await new Promise<void>((resolve) => socketServer.listen(join(root, 'sock.yaml'), resolve));
});

after(async () => {
  await new Promise((resolve) => socketServer.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

/** Runs the CLI in-process, measuring wall time and the growth of the process's memory. */
async function timed(
  argv: string[],
  stdin?: AsyncIterable<Buffer>,
): Promise<CliRun & { ms: number; rssMb: number }> {
  const rss = process.memoryUsage.rss();
  const started = performance.now();
  const run = await runCli(argv, { env, cwd: root, ...(stdin ? { stdin } : {}) });
  return {
    ...run,
    ms: performance.now() - started,
    rssMb: (process.memoryUsage.rss() - rss) / 2 ** 20,
  };
}

test('/dev/zero and /dev/urandom as arguments are skipped unread, at once and in little memory', async () => {
  for (const device of ['/dev/zero', '/dev/urandom']) {
    const run = await timed(['scan', '-o', 'json', device, join(root, 'good.yaml')]);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, new RegExp(`error: ${device}: is a character device, not a file: skipped`));
    assert.equal(JSON.parse(run.stdout).inputs.objects, 1, 'the good file is still scanned');
    assert.ok(run.ms < 2000, `${device}: ${run.ms.toFixed(0)} ms`);
    assert.ok(run.rssMb < 100, `${device}: memory grew ${run.rssMb.toFixed(0)} MB`);
  }
});

test('a FIFO given as an argument is never opened: no hang, one error naming it', async () => {
  const run = await timed(['scan', join(root, 'fifo.yaml'), join(root, 'good.yaml')]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /fifo\.yaml: is a FIFO \(named pipe\), not a file: skipped/);
  assert.ok(run.ms < 2000, `${run.ms.toFixed(0)} ms`);
});

test('a FIFO and a symlink to /dev/zero inside a scanned directory are skipped with a note; the rest is scanned', async () => {
  const run = await timed(['scan', '-o', 'json', join(root, 'tree')]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /note: .*tree\/pipe\.yaml: is a FIFO \(named pipe\), not a file: skipped/);
  assert.match(run.stderr, /note: .*tree\/zero\.yaml: is a character device, not a file: skipped/);
  assert.equal(JSON.parse(run.stdout).inputs.objects, 2);
  assert.ok(run.ms < 2000, `${run.ms.toFixed(0)} ms`);
});

test('a socket is skipped by name', async () => {
  const run = await timed(['scan', join(root, 'sock.yaml'), join(root, 'good.yaml')]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /sock\.yaml: is a socket, not a file: skipped/);
});

test('documents nested 100,000 deep (YAML and JSON, block and flow) are refused by file and line, quickly', async () => {
  const files = {
    'deep-block.yaml': `${'- '.repeat(100_000)}x\n`,
    'deep-flow.yaml': `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
    'deep.json': `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    'deep-object.json': `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_001)}`,
  };
  for (const [name, text] of Object.entries(files)) {
    const file = write(name, text);
    const run = await timed(['scan', file, join(root, 'good.yaml')]);
    assert.equal(run.code, 3, `${name}: ${run.stderr}`);
    assert.match(run.stderr, new RegExp(`${name}: line 1: nesting deeper than 1000 levels`));
    assert.doesNotMatch(run.stderr, /internal error/);
    assert.ok(run.ms < 2000, `${name}: ${run.ms.toFixed(0)} ms`);
  }
});

test('a duplicate key in YAML is an error naming the file and the line of the repeated key', async () => {
  // The repeated key is in the second document, after comments: the line is the file's.
  const file = write(
    'dup.yaml',
    `${deployment('first')}---\n# a comment\n# another\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: shop\ndata:\n  a: "1"\n  a: "2"\n`,
  );
  const run = await timed(['scan', '-o', 'json', file]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /dup\.yaml: line 25: duplicate key "a" \(kubectl apply refuses duplicate fields/);
  assert.equal(JSON.parse(run.stdout).inputs.objects, 1, 'the other document is still read');
});

test('a duplicate key in JSON is an error naming the file and line, where JSON.parse would merge', async () => {
  const file = write(
    'dup.json',
    '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "cm", "namespace": "a"},\n  "data": {"x": "1"},\n  "metadata": {"name": "cm2"}\n}\n',
  );
  const run = await timed(['scan', file, join(root, 'good.yaml')]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /dup\.json: line 6: duplicate key "metadata"/);
});

test('stdin over --max-file-size is read only up to the limit, then refused', async () => {
  let chunks = 0;
  // An endless writer: the read must stop at the cap, not wait for an end.
  const endless = (async function* () {
    for (;;) {
      chunks++;
      yield Buffer.from(`# ${'x'.repeat(1000)}\n`);
    }
  })();
  const run = await timed(['scan', '--max-file-size', '64Ki', '-', join(root, 'good.yaml')], endless);
  assert.equal(run.code, 3, run.stderr);
  assert.match(
    run.stderr,
    /error: -: over the 64 KiB limit for one input \(--max-file-size\); stopped reading it/,
  );
  assert.ok(chunks < 100, `${chunks} chunks read`);
});

test('binary on stdin is refused as soon as it is seen', async () => {
  let chunks = 0;
  const noise = (async function* () {
    for (;;) {
      chunks++;
      yield Buffer.from([0x89, 0x50, 0x00, 0xff, 0x10]);
    }
  })();
  const run = await timed(['scan', '-', join(root, 'good.yaml')], noise);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /error: -: binary file, not YAML or JSON/);
  assert.equal(chunks, 1);
});

test('--max-input-size caps the whole run: files past it are refused by name, the ones before are read', async () => {
  const dir = join(root, 'budget');
  for (const name of ['a', 'b', 'c'])
    write(`budget/${name}.yaml`, `${deployment(name)}# ${'p'.repeat(300)}\n`);
  const run = await timed(['scan', '-o', 'json', '--max-input-size', '1Ki', dir]);
  assert.equal(run.code, 3);
  assert.equal(JSON.parse(run.stdout).inputs.objects, 1);
  assert.match(
    run.stderr,
    /budget\/b\.yaml: not read: its 567 bytes would take this run's inputs over the 1 KiB limit for all inputs together \(--max-input-size; 567 bytes read so far\)/,
  );
  assert.match(run.stderr, /budget\/c\.yaml: not read/);
});

test('--max-file-size refuses a bigger file unread; malformed sizes are usage errors', async () => {
  const big = write('big.yaml', `${deployment('big')}# ${'p'.repeat(2000)}\n`);
  const run = await timed(['scan', '--max-file-size', '1Ki', big, join(root, 'good.yaml')]);
  assert.equal(run.code, 3);
  assert.match(
    run.stderr,
    /big\.yaml: file is 2\.2 KiB, over the 1 KiB limit for one manifest file \(--max-file-size\)/,
  );
  for (const argv of [
    ['scan', '--max-file-size', 'lots', 'x.yaml'],
    ['fix', '--max-input-size', '-1Gi', 'x.yaml'],
    ['certs', '--max-file-size', '0', 'x.pem'],
  ]) {
    const bad = await timed(argv);
    assert.equal(bad.code, 2, argv.join(' '));
    assert.match(bad.stderr, /expected a size such as 256Mi, 2Gi or 500M/);
  }
});

test('the limits and their defaults are in --help of scan, fix and certs', async () => {
  for (const command of ['scan', 'fix', 'certs']) {
    const run = await runCli([command, '--help']);
    assert.match(run.stdout, /--max-file-size <size>[\s\S]*default: 256Mi/, command);
    assert.match(run.stdout, /--max-input-size <size>[\s\S]*default: 2Gi/, command);
  }
});

test('certs: devices and FIFOs are skipped too, given directly or met in a directory', async () => {
  const dir = join(root, 'pki');
  write('pki/ok.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
  execFileSync('mkfifo', [join(dir, 'ca.crt')]);
  symlinkSync('/dev/urandom', join(dir, 'apiserver.crt'));
  const run = await timed(['certs', '-o', 'json', '/dev/zero', dir]);
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /error: \/dev\/zero: is a character device, not a file: skipped/);
  assert.match(run.stderr, /note: .*pki\/ca\.crt: is a FIFO \(named pipe\), not a file: skipped/);
  assert.match(run.stderr, /note: .*pki\/apiserver\.crt: is a character device, not a file: skipped/);
  assert.ok(run.ms < 2000, `${run.ms.toFixed(0)} ms`);
});

test('certs: a kubeconfig pointing its CA at /dev/zero gets an error for that entry, not a hang', async () => {
  const file = write(
    'kube/config.yaml',
    'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:6443\n    certificate-authority: /dev/zero\n',
  );
  const run = await timed(['certs', file]);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /certificate-authority \/dev\/zero: is a character device, not a file: skipped/);
  assert.ok(run.ms < 2000, `${run.ms.toFixed(0)} ms`);
});
