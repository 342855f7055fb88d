import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../cli/run-cli.ts';

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
  const run = await runCli(['fix', '--rule', 'container-runs-as-root', file], { env });
  assert.equal(run.code, 0, run.stderr);
  const fixed = readFileSync(file, 'utf8');
  assert.match(fixed, /^# Payments API — owned by team payments\n/);
  assert.match(fixed, /# keep this name: dashboards use it/);
  assert.match(
    fixed,
    /# root only to bind :80 \(ticket PAY-12\)\n {8}securityContext:\n {10}runAsUser: 1000\n {10}runAsNonRoot: true\n/,
  );
  const tail = ORIGINAL.slice(ORIGINAL.indexOf('---'));
  assert.ok(fixed.endsWith(tail), 'the Service document is unchanged');
  assert.equal(statSync(file).mode & 0o777, 0o640, 'file mode kept');
  // A second run has nothing left to fix for this rule: fixes are idempotent.
  const again = await runCli(['fix', '--rule', 'container-runs-as-root', file], { env });
  assert.equal(readFileSync(file, 'utf8'), fixed);
  assert.match(again.stderr, /fixed 0 findings/);
  const scan = await runCli(['scan', '-o', 'json', file], { env });
  assert.equal(
    JSON.parse(scan.stdout).findings.filter((f: { rule: string }) => f.rule === 'container-runs-as-root')
      .length,
    0,
  );
});

test('--dry-run prints a unified diff and writes nothing', async () => {
  const { file } = workdir(ORIGINAL);
  const run = await runCli(['fix', '--dry-run', '--rule', 'container-runs-as-root', file], { env });
  assert.equal(run.code, 0);
  assert.match(run.stdout, /^-\s+runAsUser: 0$/m);
  assert.match(run.stdout, /^\+\s+runAsNonRoot: true$/m);
  assert.equal(readFileSync(file, 'utf8'), ORIGINAL);
});

test('a file it could not parse is never touched', async () => {
  const broken = `${ORIGINAL}---\nkind: [unclosed\n`;
  const { file } = workdir(broken);
  const run = await runCli(['fix', '--rule', 'container-runs-as-root', file], { env });
  assert.equal(readFileSync(file, 'utf8'), broken);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /api\.yaml/);
});

test('stdin cannot be fixed', async () => {
  const run = await runCli(['fix', '-'], { env });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /stdin/);
});
