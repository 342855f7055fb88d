/**
 * `hindsight trace` against real Flux: source-controller and kustomize-controller (built from
 * their Go modules by testenv) run out of cluster against the test platform, cloning from a real
 * Git server on 127.0.0.1 (git http-backend). The test pushes commits and checks trace's answers
 * for an applied commit, one not fetched yet, a broken commit blocking a later good one (and the
 * fix that releases it), a failing health check, a suspended Kustomization and a dependsOn chain.
 * helm-controller is not served by the Go module proxy: the HelmRelease whose upgrade failed is
 * a real object of the real CRD with its status written through the status subresource, as
 * helm-controller writes it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createKwokNode, platformClient } from '../../../testenv/apply.ts';
import { fluxMissing, installFluxCrds, startFlux } from '../../../testenv/flux.ts';
import { startGitServer } from '../../../testenv/git-server.ts';
import { startPlatform, stopPlatform } from '../../../testenv/platform.ts';
import type { TraceReport } from '../../analyzers/gitops/trace.ts';
import { runCli } from '../../testing/run-cli.ts';

const run = promisify(execFile);
const FLUX = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations';
const GITREPO = '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/app';

type Obj = {
  metadata: { annotations?: Record<string, string>; resourceVersion?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & {
    conditions?: { type: string; status: string; reason?: string; [k: string]: unknown }[];
  };
};

const deployment = (name: string, replicas: number | string, extra = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: apps\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n${extra}      containers: [{name: app, image: registry.example.com/${name}:1.0.0}]\n`;
const configMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: apps\ndata:\n  k: v\n`;

function kustomization(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: {
      interval: '1h',
      retryInterval: '1h',
      path: `./${name}`,
      prune: true,
      timeout: '15s',
      sourceRef: { kind: 'GitRepository', name: 'app' },
      ...spec,
    },
  };
}

test('trace on real Flux: applied, not fetched, a broken commit blocking a good one, health check, suspend, dependsOn, a failed Helm upgrade', {
  timeout: 420_000,
}, async (t) => {
  const missing = fluxMissing();
  if (missing) {
    if (process.env.HINDSIGHT_TESTENV === 'off') {
      t.skip(`needs Flux from testenv's build (${missing}); skipped because HINDSIGHT_TESTENV=off`);
      return;
    }
    throw new Error(`${missing}: build it with \`bash testenv/build.sh\`, or set HINDSIGHT_TESTENV=off`);
  }
  // Every controller and a KWOK node, so Deployments become Available (or, unschedulable, do not).
  const state = await startPlatform({ name: 'flux', controllers: 'all' });
  const api = platformClient(state);
  const root = mkdtempSync(join(tmpdir(), 'hindsight-flux-git-'));
  const git = await startGitServer(root);
  let flux: Awaited<ReturnType<typeof startFlux>> | undefined;
  t.after(async () => {
    await flux?.stop();
    await git.close();
    api.close();
    await stopPlatform(state);
    rmSync(root, { recursive: true, force: true });
  });
  await createKwokNode(api);

  const crds = await installFluxCrds(api);
  t.diagnostic(`Flux CRDs: ${crds.join(', ')}`);
  for (const ns of ['flux-system', 'apps'])
    await api.json('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });

  // The repository: a bare one served over HTTP, and a working clone the test commits in.
  const gitEnv = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
  };
  await run('git', ['init', '-q', '--bare', '-b', 'main', join(root, 'app.git')]);
  const work = mkdtempSync(join(tmpdir(), 'hindsight-flux-work-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  await run('git', ['init', '-q', '-b', 'main', work]);
  await run('git', ['-C', work, 'remote', 'add', 'origin', `${git.url}/app.git`]);
  const commit = async (files: Record<string, string | null>, message: string): Promise<string> => {
    for (const [file, text] of Object.entries(files)) {
      const path = join(work, file);
      if (text === null) rmSync(path, { force: true });
      else {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
    }
    await run('git', ['-C', work, 'add', '-A'], { env: gitEnv });
    await run('git', ['-C', work, 'commit', '-q', '-m', message], { env: gitEnv });
    await run('git', ['-C', work, 'push', '-q', 'origin', 'main'], { env: gitEnv });
    return (await run('git', ['-C', work, 'rev-parse', 'HEAD'])).stdout.trim();
  };
  const waitFor = async (
    path: string,
    what: string,
    ok: (o: Obj) => boolean,
    timeoutMs = 90_000,
  ): Promise<Obj> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await api.send('GET', path);
      const o = res.status === 200 ? (JSON.parse(res.body) as Obj) : undefined;
      if (o && ok(o)) return o;
      if (Date.now() > deadline || (flux && flux.exited().length > 0))
        throw new Error(
          `timed out waiting for ${what}: ${JSON.stringify(o?.status ?? res.body).slice(0, 1500)}\n${flux?.logs(25) ?? ''}`,
        );
      await sleep(500);
    }
  };
  const reconcile = async (path: string) => {
    // What `flux reconcile` does: a new requestedAt annotation.
    for (let attempt = 0; ; attempt++) {
      const o = await api.json<Obj>('GET', path);
      o.metadata.annotations = {
        ...o.metadata.annotations,
        'reconcile.fluxcd.io/requestedAt': new Date().toISOString(),
      };
      const res = await api.send('PUT', path, o);
      if (res.status < 300) return;
      if (res.status !== 409 || attempt > 10)
        throw new Error(`PUT ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    }
  };
  const env = { KUBECONFIG: state.kubeconfig, PATH: process.env.PATH ?? '', HOME: work };
  const trace = async (...args: string[]) => {
    const cli = await runCli(['trace', ...args, '-o', 'json'], { env });
    assert.ok(cli.stdout, `trace ${args.join(' ')} printed nothing: ${cli.stderr}`);
    return { code: cli.code, report: JSON.parse(cli.stdout) as TraceReport, stderr: cli.stderr };
  };
  const pathOf = (report: TraceReport, name: string) => {
    const path = report.paths.find((p) => p.target === `Kustomization/flux-system/${name}`);
    assert.ok(path, `no path for ${name} in ${report.paths.map((p) => p.target).join(', ')}`);
    return path;
  };
  const has = (sha: string) => (o: Obj) => String(o.status?.lastAppliedRevision ?? '').endsWith(sha);
  const attempted = (sha: string) => (o: Obj) => String(o.status?.lastAttemptedRevision ?? '').endsWith(sha);
  const readyIs = (status: string, reason?: string) => (o: Obj) =>
    o.status?.conditions?.some(
      (c) => c.type === 'Ready' && c.status === status && (!reason || c.reason === reason),
    ) ?? false;

  // Commit A: an app, a Deployment that can never be scheduled (its health check fails), a
  // suspended Kustomization's files and a Kustomization that depends on the failing one.
  const a = await commit(
    {
      'apps/web.yaml': deployment('web', 1),
      'health/stuck.yaml': deployment(
        'stuck',
        1,
        '      nodeSelector: {hindsight.example/no-such-node: "true"}\n',
      ),
      'paused/cm.yaml': configMap('paused'),
      'frontend/cm.yaml': configMap('frontend'),
    },
    'A: web, stuck, paused, frontend',
  );
  flux = await startFlux(state);
  await api.json('POST', '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories', {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'app', namespace: 'flux-system' },
    // An hour: a pushed commit stays unfetched until the test asks for a reconciliation.
    spec: { url: `${git.url}/app.git`, interval: '1h', ref: { branch: 'main' } },
  });
  for (const k of [
    kustomization('apps', {}),
    kustomization('health', { wait: true, timeout: '10s' }),
    kustomization('paused', { suspend: true }),
    kustomization('frontend', { dependsOn: [{ name: 'health' }] }),
  ])
    await api.json('POST', FLUX, k);
  const started = Date.now();
  await waitFor(`${FLUX}/apps`, 'apps to apply A', has(a));
  t.diagnostic(`A applied ${((Date.now() - started) / 1000).toFixed(1)} s after the objects were created`);
  await waitFor(`${FLUX}/health`, 'the health check to fail', readyIs('False', 'HealthCheckFailed'));

  await t.test('applied, health check, suspended, dependsOn — for one commit', async () => {
    const { report } = await trace(a, '--repo', work);
    assert.equal(report.commit?.sha, a);
    assert.equal(report.commit?.subject, 'A: web, stuck, paused, frontend');
    const apps = pathOf(report, 'apps');
    assert.equal(apps.verdict.state, 'live');
    assert.equal(apps.verdict.reason, 'applied');
    assert.deepEqual(
      apps.hops.map((h) => [h.kind, h.hasCommit]),
      [
        ['GitRepository', true],
        ['Kustomization', true],
      ],
    );
    const health = pathOf(report, 'health');
    assert.equal(health.verdict.reason, 'health-check-failed');
    assert.equal(health.verdict.failingObject, 'Deployment/apps/stuck');
    assert.equal(pathOf(report, 'paused').verdict.reason, 'suspended');
    const frontend = pathOf(report, 'frontend');
    assert.equal(frontend.verdict.reason, 'dependency-not-ready');
    assert.equal(frontend.verdict.at, 'Kustomization/flux-system/health');
    assert.match(frontend.verdict.message, /HealthCheckFailed/);
    // The commit as a whole is not live: one of its paths fails.
    assert.equal(report.verdict.state, 'not-live');
  });

  await t.test('an object: the Kustomization that applied it, live at the source revision', async () => {
    const { code, report } = await trace('deploy/web', '-n', 'apps');
    assert.equal(report.verdict.state, 'live', report.verdict.message);
    assert.equal(code, 0);
    assert.deepEqual(
      report.paths[0]?.hops.map((h) => `${h.kind}/${h.name}`),
      ['GitRepository/app', 'Kustomization/apps', 'Deployment/web'],
    );
    const stuck = await trace('deployment', 'stuck', '-n', 'apps');
    assert.equal(stuck.report.verdict.reason, 'health-check-failed');
    assert.equal(stuck.code, 1);
  });

  const b = await commit({ 'apps/web.yaml': deployment('web', 2) }, 'B: two replicas');
  await t.test('a pushed commit the source has not fetched yet', async () => {
    const { code, report } = await trace(b.slice(0, 8), '--repo', work);
    assert.equal(pathOf(report, 'apps').verdict.reason, 'source-not-fetched');
    assert.match(pathOf(report, 'apps').verdict.message, /checks for new commits every 1h/);
    assert.equal(code, 1);
  });

  // C breaks the app (a replica count the API server refuses); D, a good change, comes after it.
  const c = await commit({ 'apps/web.yaml': deployment('web', '"many"') }, 'C: broken replicas');
  await reconcile(GITREPO);
  await waitFor(`${FLUX}/apps`, 'apps to fail on C', (o) => attempted(c)(o) && readyIs('False')(o));
  const d = await commit({ 'apps/extra.yaml': configMap('extra') }, 'D: an extra ConfigMap');
  await reconcile(GITREPO);
  await waitFor(`${FLUX}/apps`, 'apps to fail on D', (o) => attempted(d)(o) && readyIs('False')(o));
  await t.test('a broken commit blocks the good one after it (kustomize-controller#756)', async () => {
    const { report } = await trace(d, '--repo', work);
    const apps = pathOf(report, 'apps');
    assert.equal(apps.verdict.reason, 'blocked-by-failed-revision', apps.verdict.message);
    assert.match(apps.verdict.message, new RegExp(`${c.slice(0, 8)} failed first`));
    assert.deepEqual(
      apps.verdict.commits?.map((x) => x.subject),
      ['B: two replicas', 'C: broken replicas', 'D: an extra ConfigMap'],
    );
    const hop = apps.hops.find((h) => h.kind === 'Kustomization');
    assert.equal(hop?.hasCommit, false);
    assert.ok(hop?.attempted?.endsWith(d));
    // B, fetched now, waits on the same breakage.
    const older = await trace(b, '--repo', work);
    assert.equal(pathOf(older.report, 'apps').verdict.reason, 'blocked-by-failed-revision');
  });

  const e = await commit({ 'apps/web.yaml': deployment('web', 3) }, 'E: fix replicas');
  await reconcile(GITREPO);
  await waitFor(`${FLUX}/apps`, 'apps to apply E', has(e));
  await t.test(
    'once fixed, the blocked commit is live, and a short SHA without a clone matches exactly',
    async () => {
      const { report } = await trace(d, '--repo', work);
      assert.equal(pathOf(report, 'apps').verdict.state, 'live');
      const exact = await trace(e.slice(0, 10));
      assert.equal(pathOf(exact.report, 'apps').verdict.state, 'live');
      const unknown = await trace(d.slice(0, 10));
      assert.equal(pathOf(unknown.report, 'apps').verdict.state, 'unknown');
      assert.match(pathOf(unknown.report, 'apps').verdict.message, /--repo DIR/);
    },
  );

  // A HelmRelease whose upgrade failed: the real CRD, the status as helm-controller writes it.
  const hrPath = '/apis/helm.toolkit.fluxcd.io/v2/namespaces/apps/helmreleases';
  await api.json('POST', hrPath, {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'web-chart', namespace: 'apps' },
    spec: {
      interval: '10m',
      chart: {
        spec: {
          chart: './charts/web',
          sourceRef: { kind: 'GitRepository', name: 'app', namespace: 'flux-system' },
        },
      },
    },
  });
  const hr = await api.json<Obj>('GET', `${hrPath}/web-chart`);
  const message =
    'Helm upgrade failed for release apps/web-chart with chart web@0.2.0: context deadline exceeded';
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  hr.status = {
    observedGeneration: 1,
    helmChart: 'flux-system/apps-web-chart',
    lastAttemptedRevision: '0.2.0',
    lastAttemptedReleaseAction: 'upgrade',
    upgradeFailures: 2,
    failures: 2,
    history: [
      {
        name: 'web-chart',
        namespace: 'apps',
        version: 2,
        status: 'failed',
        chartName: 'web',
        chartVersion: '0.2.0',
        configDigest: 'sha256:1',
        digest: 'sha256:2',
        firstDeployed: at,
        lastDeployed: at,
      },
      {
        name: 'web-chart',
        namespace: 'apps',
        version: 1,
        status: 'superseded',
        chartName: 'web',
        chartVersion: '0.1.0',
        configDigest: 'sha256:1',
        digest: 'sha256:3',
        firstDeployed: at,
        lastDeployed: at,
      },
    ],
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'UpgradeFailed',
        message,
        lastTransitionTime: at,
        observedGeneration: 1,
      },
      {
        type: 'Released',
        status: 'False',
        reason: 'UpgradeFailed',
        message,
        lastTransitionTime: at,
        observedGeneration: 1,
      },
    ],
  };
  await api.json('PUT', `${hrPath}/web-chart/status`, hr);
  await t.test('a HelmRelease whose upgrade failed', async () => {
    const { code, report } = await trace('helmrelease/web-chart', '-n', 'apps');
    assert.equal(report.verdict.reason, 'helm-upgrade-failed');
    assert.match(report.verdict.message, /context deadline exceeded.*upgradeFailures 2/);
    assert.equal(code, 1);
  });

  // health re-runs its (failing) health check for E: let it settle first.
  await waitFor(
    `${FLUX}/health`,
    'health to fail on E',
    (o) => attempted(e)(o) && readyIs('False', 'HealthCheckFailed')(o),
  );
  await t.test('--all: what is stuck, oldest first, and the table renders', async () => {
    const { code, report } = await trace('--all');
    assert.equal(code, 1);
    const reasons = new Map(report.paths.map((p) => [p.target, p.verdict.reason]));
    assert.equal(reasons.get('Kustomization/flux-system/health'), 'health-check-failed');
    assert.equal(reasons.get('Kustomization/flux-system/paused'), 'suspended');
    assert.equal(reasons.get('Kustomization/flux-system/frontend'), 'dependency-not-ready');
    assert.equal(reasons.get('HelmRelease/apps/web-chart'), 'helm-upgrade-failed');
    assert.equal(reasons.has('Kustomization/flux-system/apps'), false);
    const since = report.paths.map((p) => p.verdict.since).filter((s): s is string => !!s);
    assert.deepEqual(since, [...since].sort());
    const table = await runCli(['trace', e, '--repo', work], { env });
    assert.match(table.stdout, /HAS COMMIT/);
    assert.match(table.stdout, /Kustomization\/flux-system\/apps {2}LIVE \(applied\)/);
    if (process.env.HINDSIGHT_SHOW_TRACE)
      t.diagnostic(`${table.stdout}\n${(await runCli(['trace', '--all'], { env })).stdout}`);
  });
});
