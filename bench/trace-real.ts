/**
 * `hindsight trace` on a public Flux repository nobody here wrote, reconciled by the real
 * source-controller and kustomize-controller on the test platform — bootstrapped as `flux
 * bootstrap` would (a GitRepository and a Kustomization for `clusters/<cluster>`), with nothing
 * else installed: no Flux Operator, no helm-controller, no internet for chart repositories.
 * Prints what `trace <commit> --repo` and `trace --all` say once the controllers have settled,
 * for a person to review (docs/BENCHMARKS.md, "Real repositories").
 *
 *   node bench/trace-real.ts --mirror DIR --commit SHA [--cluster staging] [--settle 90]
 *
 * DIR is a clone (or a bare mirror) of the repository, e.g. fluxcd/flux2-kustomize-helm-example.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs, promisify } from 'node:util';
import { runCli } from '../src/testing/run-cli.ts';
import { createKwokNode, platformClient } from '../testenv/apply.ts';
import { fluxMissing, installFluxCrds, startFlux } from '../testenv/flux.ts';
import { startGitServer } from '../testenv/git-server.ts';
import { startPlatform, stopPlatform } from '../testenv/platform.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    mirror: { type: 'string' },
    commit: { type: 'string' },
    cluster: { type: 'string', default: 'staging' },
    settle: { type: 'string', default: '90' },
  },
});
if (!values.mirror || !values.commit) {
  console.error(
    'usage: node bench/trace-real.ts --mirror DIR --commit SHA [--cluster staging] [--settle 90]',
  );
  process.exit(2);
}
const missing = fluxMissing();
if (missing) {
  console.error(missing);
  process.exit(2);
}

const root = mkdtempSync(join(tmpdir(), 'hindsight-trace-real-'));
const state = await startPlatform({ name: 'trace-real', controllers: 'all' });
const api = platformClient(state);
const git = await startGitServer(root);
let flux: Awaited<ReturnType<typeof startFlux>> | undefined;
try {
  await createKwokNode(api);

  await installFluxCrds(api);
  await api.json('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'flux-system' },
  });
  // The repository as its remote would serve it: main at the pinned commit.
  const bare = join(root, 'repo.git');
  await run('git', ['clone', '-q', '--bare', '--no-local', values.mirror, bare]);
  await run('git', ['-C', bare, 'branch', '-f', 'main', values.commit]);
  await run('git', ['-C', bare, 'symbolic-ref', 'HEAD', 'refs/heads/main']);
  const work = join(root, 'work');
  await run('git', ['clone', '-q', `${git.url}/repo.git`, work]);
  flux = await startFlux(state);
  await api.json('POST', '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories', {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'flux-system', namespace: 'flux-system' },
    spec: { url: `${git.url}/repo.git`, interval: '1m', ref: { branch: 'main' } },
  });
  await api.json('POST', '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations', {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'flux-system', namespace: 'flux-system' },
    spec: {
      interval: '10m',
      path: `./clusters/${values.cluster}`,
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'flux-system' },
    },
  });
  console.log(`settling ${values.settle} s …`);
  await sleep(Number(values.settle) * 1000);
  const env = { KUBECONFIG: state.kubeconfig, PATH: process.env.PATH ?? '', HOME: root, COLUMNS: '200' };
  for (const args of [
    ['trace', values.commit, '--repo', work],
    ['trace', '--all'],
  ]) {
    const cli = await runCli(args, { env });
    console.log(
      `\n$ hindsight ${args.join(' ').replace(work, 'CLONE')}   (exit ${cli.code})\n${cli.stdout}${cli.stderr}`,
    );
  }
} finally {
  await flux?.stop();
  await git.close();
  api.close();
  await stopPlatform(state);
  rmSync(root, { recursive: true, force: true });
}
