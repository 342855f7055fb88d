import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { requirePlatform } from '../../../testenv/harness.ts';
import { runCli } from '../../testing/run-cli.ts';

test('trace: usage errors name what is wrong, before any cluster is read', async () => {
  const none = await runCli(['trace']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /needs a commit \(3f2a9c1\) or an object \(deploy\/api\), or --all/);
  const word = await runCli(['trace', 'main']);
  assert.equal(word.code, 2);
  assert.match(word.stderr, /not a commit SHA .* a branch or tag needs --repo DIR/);
  const both = await runCli(['trace', '--all', 'deploy/api']);
  assert.equal(both.code, 2);
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-not-a-repo-'));
  try {
    const notRepo = await runCli(['trace', 'abc1234', '--repo', dir], {
      env: { PATH: process.env.PATH ?? '' },
    });
    assert.equal(notRepo.code, 2);
    assert.match(notRepo.stderr, new RegExp(`--repo ${dir}: not a Git repository`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trace: an unreachable cluster is exit 3 with the error, not a verdict', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-trace-'));
  try {
    const kubeconfig = join(dir, 'config');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const run = await runCli(['trace', '--all', '--kubeconfig', kubeconfig, '--request-timeout', '2s']);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /error: .*127\.0\.0\.1:1/);
    assert.equal(run.stdout, '', 'no verdict from a cluster never read');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trace on a cluster without Flux: no verdict, exit 3, and why', async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const run = await runCli(['trace', '--all'], {
    env: { KUBECONFIG: state.kubeconfig, HOME: '/nonexistent-home' },
  });
  assert.equal(run.code, 3);
  assert.match(run.stderr, /no Flux objects in the cluster \(are the Flux CRDs installed/);
  assert.equal(run.stdout, '');
});
