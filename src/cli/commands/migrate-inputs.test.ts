/** `migrate` on bad and plain-file inputs: what it says, and that a run that read nothing gives no verdict. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../../testing/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-migrate-inputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { HOME: dir, HINDSIGHT_NOW: '2026-12-04T12:00:00Z' };

test('a snapshot path that does not exist is said as such, not looked up as a context', async () => {
  const run = await runCli(['migrate', 'plan', '--from', 'snapshots/old.json'], { env, cwd: dir });
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /snapshots\/old\.json: no such file or directory \(a snapshot or manifests\), and not a context name/,
  );
});

test('a snapshot that cannot be read gives no verdict (exit 3), naming the file once', async () => {
  writeFileSync(join(dir, 'cut.json'), '{"kind":"List","items":[');
  const run = await runCli(['migrate', 'verify', '--from', 'cut.json', '--to', 'cut.json'], {
    env,
    cwd: dir,
  });
  assert.equal(run.code, 3);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^error: .*cut\.json: invalid JSON/m);
  assert.doesNotMatch(run.stderr, /cut\.json: .*cut\.json: /);
  assert.match(run.stderr, /nothing was read from cut\.json: no verdict/);
});

test('manifests that name no namespace are planned as namespace default, and that is said', async () => {
  writeFileSync(
    join(dir, 'app.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec: {containers: [{name: web, image: "nginx:1.27"}]}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web}',
      'spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}',
    ].join('\n'),
  );
  const run = await runCli(['migrate', 'plan', '--from', 'app.yaml'], { env, cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /2 objects name no namespace: read as in namespace default/);
  assert.match(run.stdout, /^## Step 1 — namespace default \(stateless\)$/m);
  assert.match(run.stdout, /Cutover, by hand: clients reach Service\/web by address/);
  assert.doesNotMatch(run.stdout, /Create namespace default/);
});

test('usage: flags that are not what they should be', async () => {
  const bad = [
    ['plan', '--from', 'x', '--fallback-days', 'two'],
    ['plan', '--from', 'x', '--target-version', 'latest'],
    ['verify', '--from', 'x', '--to', 'y', '--interval', '5x'],
  ];
  for (const args of bad) {
    const run = await runCli(['migrate', ...args], { env, cwd: dir });
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, /^error: --(fallback-days|target-version|interval) /m, args.join(' '));
  }
});
