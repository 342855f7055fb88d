import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  lstatSync,
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
import { fileURLToPath } from 'node:url';
import { runCli } from '../testing/run-cli.ts';

const env = { HOME: '/nonexistent-home', HINDSIGHT_NOW: '2026-11-12T10:00:00Z' };

const ORIGINAL = `# Payments API — owned by team payments
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api   # keep this name: dashboards use it
  namespace: payments
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: registry.example.com/api:1.2.0
        # root only to bind :80 (ticket PAY-12)
        securityContext:
          runAsUser: 0
---
# untouched document: every byte must survive
apiVersion: v1
kind:    Service
metadata: { name: api,   namespace: payments }
spec:
  ports: [ {port: 80} ]
`;

function workdir(content: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-fix-'));
  const file = join(dir, 'api.yaml');
  writeFileSync(file, content);
  return { dir, file };
}

test('fix edits in place, keeps comments, key order and untouched documents byte for byte', async () => {
  const { file } = workdir(ORIGINAL);
  chmodSync(file, 0o640);
  const run = await runCli(['fix', '--rule', 'container-privilege-escalation-allowed', file], { env });
  assert.equal(run.code, 0, run.stderr);
  const fixed = readFileSync(file, 'utf8');
  assert.match(fixed, /^# Payments API — owned by team payments\n/);
  assert.match(fixed, /# keep this name: dashboards use it/);
  assert.match(
    fixed,
    /# root only to bind :80 \(ticket PAY-12\)\n {8}securityContext:\n {10}runAsUser: 0\n {10}allowPrivilegeEscalation: false\n/,
  );
  const tail = ORIGINAL.slice(ORIGINAL.indexOf('---'));
  assert.ok(fixed.endsWith(tail), 'the Service document is unchanged');
  assert.equal(statSync(file).mode & 0o777, 0o640, 'file mode kept');
  // A second run has nothing left to fix for this rule: fixes are idempotent.
  const again = await runCli(['fix', '--rule', 'container-privilege-escalation-allowed', file], { env });
  assert.equal(readFileSync(file, 'utf8'), fixed);
  assert.match(again.stderr, /fixed 0 findings/);
  const scan = await runCli(['scan', '-o', 'json', file], { env });
  assert.equal(
    JSON.parse(scan.stdout).findings.filter(
      (f: { rule: string }) => f.rule === 'container-privilege-escalation-allowed',
    ).length,
    0,
  );
});

test('--dry-run prints a unified diff and writes nothing', async () => {
  const { file } = workdir(ORIGINAL);
  const run = await runCli(['fix', '--dry-run', '--rule', 'container-privilege-escalation-allowed', file], {
    env,
  });
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^\+\s+allowPrivilegeEscalation: false$/m);
  assert.equal(readFileSync(file, 'utf8'), ORIGINAL);
});

test('a file it could not parse is never touched', async () => {
  const broken = `${ORIGINAL}---\nkind: [unclosed\n`;
  const { file } = workdir(broken);
  const run = await runCli(['fix', '--rule', 'container-privilege-escalation-allowed', file], { env });
  assert.equal(readFileSync(file, 'utf8'), broken);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /api\.yaml/);
});

test('stdin cannot be fixed', async () => {
  const run = await runCli(['fix', '-'], { env });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /stdin/);
});

test('a byte-order mark and CRLF line endings survive a fix; only the fixed lines change', async () => {
  const crlf = `\uFEFF${ORIGINAL.replace(/\n/g, '\r\n')}`;
  const { file } = workdir(crlf);
  const run = await runCli(['fix', '--rule', 'container-privilege-escalation-allowed', file], { env });
  assert.equal(run.code, 0, run.stderr);
  const fixed = readFileSync(file, 'utf8');
  assert.ok(fixed.startsWith('\uFEFF# Payments API'), 'BOM kept');
  assert.doesNotMatch(fixed.replace(/\r\n/g, ''), /\n/, 'every line still ends in CRLF');
  assert.match(fixed, /allowPrivilegeEscalation: false\r\n/);
  const tail = crlf.slice(crlf.indexOf('---'));
  assert.ok(fixed.endsWith(tail), 'the untouched document keeps every byte');
});

test('a file with mixed line endings is left alone, with the reason', async () => {
  const mixed = ORIGINAL.replace('kind: Deployment\n', 'kind: Deployment\r\n');
  const { file } = workdir(mixed);
  const run = await runCli(['fix', '--rule', 'container-privilege-escalation-allowed', file], { env });
  assert.equal(run.code, 3);
  assert.match(run.stderr, /mixes CRLF and LF line endings/);
  assert.equal(readFileSync(file, 'utf8'), mixed);
});

test('a read-only file is refused with the reason and exit 3; --force edits it and keeps its mode', async () => {
  const { file } = workdir(ORIGINAL);
  chmodSync(file, 0o444);
  const run = await runCli(['fix', '--rule', 'container-privilege-escalation-allowed', file], { env });
  assert.equal(run.code, 3);
  assert.match(run.stderr, /api\.yaml: is read-only \(mode 0444\); make it writable or pass --force/);
  assert.equal(readFileSync(file, 'utf8'), ORIGINAL);
  const forced = await runCli(['fix', '--force', '--rule', 'container-privilege-escalation-allowed', file], {
    env,
  });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(readFileSync(file, 'utf8'), /allowPrivilegeEscalation: false/);
  assert.equal(statSync(file).mode & 0o777, 0o444);
});

test('fix through a symbolic link edits the linked file and keeps the link', async () => {
  const { dir, file } = workdir(ORIGINAL);
  const link = join(dir, 'link.yaml');
  symlinkSync('api.yaml', link);
  const run = await runCli(['fix', '--rule', 'container-privilege-escalation-allowed', link], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.match(readFileSync(file, 'utf8'), /allowPrivilegeEscalation: false/);
});

test('fix in a directory the user may not write in: the file is edited in place, no internal error', (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to act as another user');
    return;
  }
  const { dir, file } = workdir(ORIGINAL);
  chmodSync(dir, 0o755);
  chownSync(file, 65534, 65534);
  const bin = fileURLToPath(new URL('../cli/bin.ts', import.meta.url));
  const run = spawnSync(
    'setpriv',
    [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      process.execPath,
      bin,
      'fix',
      '--rule',
      'container-privilege-escalation-allowed',
      file,
    ],
    { encoding: 'utf8', env: { ...env, PATH: process.env.PATH ?? '' }, timeout: 60_000 },
  );
  if (run.error) {
    t.skip(`setpriv: ${run.error.message}`);
    return;
  }
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /internal error/);
  assert.match(readFileSync(file, 'utf8'), /allowPrivilegeEscalation: false/);
  assert.equal(statSync(file).uid, 65534);
  // Nothing the user may not write in was written: no temporary file beside it.
  assert.deepEqual(readdirSync(dir), ['api.yaml']);
});

test('fix of the example repository: every fixed finding is gone on re-scan, and no new one appears', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-fix-repo-'));
  cpSync(fileURLToPath(new URL('../../examples/repo', import.meta.url)), dir, { recursive: true });
  const scan = async () => {
    const run = await runCli(['scan', '-o', 'json', dir], { env });
    const report = JSON.parse(run.stdout) as {
      findings: {
        rule: string;
        kind: string;
        namespace?: string;
        name: string;
        container?: string;
        file?: string;
        fixable?: boolean;
      }[];
    };
    return report.findings.map(
      (f) => `${f.rule} ${f.kind} ${f.namespace ?? ''}/${f.name} ${f.container ?? ''} ${f.file ?? ''}`,
    );
  };
  const before = await scan();
  const fix = await runCli(['fix', dir], { env });
  assert.equal(fix.code, 0, fix.stderr);
  const fixed = Number(/fixed (\d+) findings/.exec(fix.stderr)?.[1]);
  assert.ok(fixed > 10, fix.stderr);
  const after = await scan();
  const introduced = after.filter((f) => !before.includes(f));
  assert.deepEqual(introduced, [], 'a fix must not create a finding');
  // Every fixed finding is gone (a fix may take another finding with it, never add one).
  assert.ok(
    before.length - after.length >= fixed,
    `${before.length} before, ${after.length} after, ${fixed} fixed`,
  );
  // Fixes that would trade a finding for another are held back, saying which.
  assert.match(fix.stderr, /not fixed: with the other fixes it would create /);
});
