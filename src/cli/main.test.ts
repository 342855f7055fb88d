import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../testenv/paths.ts';
import { runCli } from '../testing/run-cli.ts';

const example = join(REPO_ROOT, 'examples', 'repo');

test('--help lists the commands; unknown flags are usage errors with exit 2', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /scan \[options\] \[paths\.\.\.\]/);
  const bad = await runCli(['scan', '--no-such-flag', example]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown option '--no-such-flag'/);
  const unknown = await runCli(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command/);
});

test('scan --help documents inputs per command', async () => {
  const help = await runCli(['scan', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--context <name>/);
  assert.match(help.stdout, /helm template/);
});

test('version prints the package version', async () => {
  const run = await runCli(['version', '-o', 'json']);
  assert.equal(run.code, 0);
  assert.match(JSON.parse(run.stdout).hindsight, /^\d+\.\d+\.\d+/);
});

test('scan of the bundled example summarises its inventory', async () => {
  const run = await runCli(['scan', example]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Scanned \d+ files: \d+ objects, 0 unreadable/);
  assert.match(run.stdout, /Deployment\s+7/);
  assert.match(run.stdout, /checkout/);
});

test('scan -o json carries the same numbers as data', async () => {
  const run = await runCli(['scan', '-o', 'json', example]);
  const { summary } = JSON.parse(run.stdout);
  const deployments = summary.byKind.find((k: { kind: string }) => k.kind === 'Deployment');
  assert.equal(deployments.count, 7);
  const checkout = summary.namespaces.find((n: { namespace: string }) => n.namespace === 'checkout');
  // The checkout Deployment's app container has no requests; its sidecar has some.
  assert.equal(checkout.containersWithoutRequests, 1);
});

test('a snapshot with status reads as objects, pods included', async () => {
  const run = await runCli(['scan', '-o', 'json', join(REPO_ROOT, 'examples', 'snapshot')]);
  assert.equal(run.code, 0, run.stderr);
  const { summary } = JSON.parse(run.stdout);
  assert.equal(summary.totals.nodes, 4);
  assert.equal(summary.totals.pods, 16);
});

test('unreadable inputs make the result partial: exit 3, errors on stderr', async () => {
  const run = await runCli(['scan', example, '/definitely/not/here.yaml']);
  assert.equal(run.code, 3);
  assert.match(run.stderr, /\/definitely\/not\/here\.yaml: no such file/);
  assert.match(run.stdout, /1 unreadable/);
});

test('no paths and no kubeconfig is a clear usage error, not a scan of localhost', async () => {
  const run = await runCli(['scan'], { env: { HOME: '/nonexistent-home' } });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /no kubeconfig/);
});

test('--context with paths is refused', async () => {
  const run = await runCli(['scan', '--context', 'prod', example]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--context and --namespace apply to live clusters/);
});

test('HINDSIGHT_NOW is validated once: a malformed value is a usage error naming it', async () => {
  const run = await runCli(['scan', 'examples/repo'], {
    env: { HOME: '/nonexistent-home', HINDSIGHT_NOW: 'yesterday' },
  });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /HINDSIGHT_NOW=yesterday: expected an RFC 3339 time/);
});
