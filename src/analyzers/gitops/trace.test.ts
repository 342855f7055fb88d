import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../core/resource.ts';
import { parseRevision, revisionCommit, shortRevision } from './flux.ts';
import {
  type CommitInfo,
  failingObject,
  type GitFacts,
  traceAll,
  traceCommit,
  traceObject,
} from './trace.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
// A linear main branch A → B → C → D, and a commit X on another branch.
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const D = 'd'.repeat(40);
const X = 'e'.repeat(40);
const MAIN = [A, B, C, D];
const git: GitFacts = {
  isAncestor(a, b) {
    const i = MAIN.findIndex((s) => s.startsWith(a));
    const j = MAIN.findIndex((s) => s.startsWith(b));
    if (a === X || b === X) return a === b;
    if (i < 0 || j < 0) return undefined;
    return i <= j;
  },
  between(from, to) {
    const i = MAIN.indexOf(from);
    const j = MAIN.indexOf(to);
    return i < 0 || j < 0 ? undefined : MAIN.slice(i + 1, j + 1).map((sha) => ({ sha }));
  },
};
const rev = (sha: string) => `main@sha1:${sha}`;

function ready(status: string, reason: string, message = '', lastTransitionTime = '2026-12-01T11:00:00Z') {
  return { type: 'Ready', status, reason, message, lastTransitionTime };
}

function gitRepo(
  revision: string | undefined,
  extra: { ready?: object; suspend?: boolean; updated?: string } = {},
): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'app', namespace: 'flux-system' },
    spec: {
      url: 'http://git/app.git',
      interval: '1m',
      ref: { branch: 'main' },
      ...(extra.suspend ? { suspend: true } : {}),
    },
    status: {
      ...(revision
        ? { artifact: { revision, lastUpdateTime: extra.updated ?? '2026-12-01T11:30:00Z' } }
        : {}),
      conditions: [extra.ready ?? ready('True', 'Succeeded', `stored artifact for revision '${revision}'`)],
    },
  };
}

function kustomization(
  name: string,
  s: { applied?: string; attempted?: string; ready?: object; history?: object[] },
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: {
      interval: '5m',
      path: `./${name}`,
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'app' },
      ...extra,
    },
    status: {
      ...(s.applied ? { lastAppliedRevision: s.applied } : {}),
      ...(s.attempted ? { lastAttemptedRevision: s.attempted } : {}),
      conditions: [s.ready ?? ready('True', 'ReconciliationSucceeded', `Applied revision: ${s.applied}`)],
      ...(s.history ? { history: s.history } : {}),
      inventory: { entries: [{ id: `apps_${name}_apps_Deployment`, v: 'v1' }] },
    },
  };
}

const commit = (sha: string): CommitInfo => ({ sha, date: '2026-12-01T11:58:00Z' });

describe('Flux revisions', () => {
  it('reads RFC-0005 revisions, named pointers with @ and /, and Flux 1 revisions', () => {
    assert.deepEqual(parseRevision(`main@sha1:${A}`), {
      raw: `main@sha1:${A}`,
      pointer: 'main',
      algo: 'sha1',
      checksum: A,
    });
    assert.equal(revisionCommit(`refs/tags/v1@beta@sha1:${B}`), B);
    assert.equal(revisionCommit(`feature/x@sha1:${B}`), B);
    assert.equal(revisionCommit(`main/${C}`), C);
    assert.equal(revisionCommit('1.2.3'), undefined);
    assert.equal(revisionCommit(`v1.0@sha256:${'f'.repeat(64)}`), 'f'.repeat(64));
    assert.equal(shortRevision(`main@sha1:${A}`), 'main@sha1:aaaaaaaa');
    assert.equal(shortRevision('6.1.0'), '6.1.0');
  });

  it('finds the object a dry-run or health-check message names', () => {
    assert.equal(
      failingObject("timeout waiting for: [Deployment/apps/api status: 'InProgress']"),
      'Deployment/apps/api',
    );
    assert.equal(failingObject('Namespace/payments dry-run failed: forbidden'), 'Namespace/payments');
  });
});

describe('trace <commit>', () => {
  it('is live when the commit is in the applied revision, and says when it went live', () => {
    const report = traceCommit(
      {
        objects: [
          gitRepo(rev(D)),
          kustomization('apps', {
            applied: rev(D),
            attempted: rev(D),
            history: [
              {
                digest: 'sha256:1',
                lastReconciledStatus: 'ReconciliationSucceeded',
                firstReconciled: '2026-12-01T11:31:00Z',
                metadata: { revision: rev(D) },
              },
            ],
          }),
        ],
      },
      commit(B),
      { now: NOW, git },
    );
    assert.equal(report.verdict.state, 'live');
    assert.equal(report.verdict.reason, 'applied');
    assert.equal(report.verdict.since, '2026-12-01T11:31:00Z');
    const [source, ks] = report.paths[0]?.hops ?? [];
    assert.equal(source?.hasCommit, true);
    assert.equal(ks?.hasCommit, true);
  });

  it('says the source has not fetched a newer commit yet, with its interval', () => {
    const report = traceCommit(
      { objects: [gitRepo(rev(C)), kustomization('apps', { applied: rev(C), attempted: rev(C) })] },
      commit(D),
      { now: NOW, git },
    );
    assert.equal(report.verdict.reason, 'source-not-fetched');
    assert.match(report.verdict.message, /has not fetched it yet.*main@sha1:cccccccc.*every 1m/);
    assert.doesNotMatch(report.verdict.message, /over three intervals/);
    const late = traceCommit(
      { objects: [gitRepo(rev(C))] },
      { sha: D, date: '2026-12-01T10:00:00Z' },
      { now: NOW, git },
    );
    assert.match(late.verdict.message, /over three intervals: is source-controller running/);
  });

  it('tells a commit on another branch from one not fetched yet', () => {
    const report = traceCommit(
      { objects: [gitRepo(rev(D)), kustomization('apps', { applied: rev(D) })] },
      commit(X),
      {
        now: NOW,
        git,
      },
    );
    assert.equal(report.verdict.reason, 'not-on-branch');
    assert.match(report.verdict.message, /not in the history GitRepository\/flux-system\/app follows \(main/);
  });

  it('names authentication and rate-limit failures of the source', () => {
    const auth = traceCommit(
      {
        objects: [
          gitRepo(rev(C), {
            ready: ready(
              'False',
              'GitOperationFailed',
              'failed to checkout and determine revision: unable to clone: authentication required',
            ),
          }),
        ],
      },
      commit(D),
      { now: NOW, git },
    );
    assert.equal(auth.verdict.reason, 'source-failing');
    assert.match(auth.verdict.message, /cannot authenticate/);
    const limited = traceCommit(
      {
        objects: [
          gitRepo(rev(C), {
            ready: ready('False', 'GitOperationFailed', 'unexpected status code 429: Too Many Requests'),
          }),
        ],
      },
      commit(D),
      { now: NOW, git },
    );
    assert.match(limited.verdict.message, /rate-limiting/);
  });

  it('without a clone, says it cannot tell rather than guessing', () => {
    const report = traceCommit(
      { objects: [gitRepo(rev(C)), kustomization('apps', { applied: rev(C) })] },
      commit(B),
      {
        now: NOW,
      },
    );
    assert.equal(report.verdict.state, 'unknown');
    assert.match(report.verdict.message, /--repo DIR/);
    const exact = traceCommit(
      { objects: [gitRepo(rev(C)), kustomization('apps', { applied: rev(C) })] },
      commit('cccccccc'),
      {
        now: NOW,
      },
    );
    assert.equal(exact.verdict.state, 'live');
  });

  it('a broken revision blocks every later one (kustomize-controller#756): names the first failure and the range', () => {
    const message = 'Deployment/apps/api dry-run failed (Invalid): spec.replicas: Invalid value: "many"';
    const report = traceCommit(
      {
        objects: [
          gitRepo(rev(D)),
          kustomization('apps', {
            applied: rev(B),
            attempted: rev(D),
            ready: ready('False', 'ReconciliationFailed', message, '2026-12-01T11:40:00Z'),
            history: [
              {
                digest: 'sha256:3',
                lastReconciledStatus: 'ReconciliationFailed',
                firstReconciled: '2026-12-01T11:50:00Z',
                metadata: { revision: rev(D) },
              },
              {
                digest: 'sha256:2',
                lastReconciledStatus: 'ReconciliationFailed',
                firstReconciled: '2026-12-01T11:40:00Z',
                metadata: { revision: rev(C) },
              },
              {
                digest: 'sha256:1',
                lastReconciledStatus: 'ReconciliationSucceeded',
                firstReconciled: '2026-12-01T11:00:00Z',
                metadata: { revision: rev(B) },
              },
            ],
          }),
        ],
      },
      commit(D),
      { now: NOW, git },
    );
    assert.equal(report.verdict.reason, 'blocked-by-failed-revision');
    assert.match(report.verdict.message, /main@sha1:cccccccc failed first \(2026-12-01T11:40:00Z\)/);
    assert.match(report.verdict.message, /nothing after main@sha1:bbbbbbbb goes live/);
    assert.equal(report.verdict.failingObject, 'Deployment/apps/api');
    assert.deepEqual(
      report.verdict.commits?.map((c) => c.sha),
      [C, D],
    );
    // Asking about the broken commit itself: it is the one that fails.
    const own = traceCommit(
      {
        objects: [
          gitRepo(rev(C)),
          kustomization('apps', {
            applied: rev(B),
            attempted: rev(C),
            ready: ready('False', 'ReconciliationFailed', message),
          }),
        ],
      },
      commit(C),
      { now: NOW, git },
    );
    assert.equal(own.verdict.reason, 'apply-failed');
  });

  it('a failing health check names the object', () => {
    const report = traceCommit(
      {
        objects: [
          gitRepo(rev(C)),
          kustomization('apps', {
            applied: rev(B),
            attempted: rev(C),
            ready: ready(
              'False',
              'HealthCheckFailed',
              "health check failed after 30s: timeout waiting for: [Deployment/apps/api status: 'InProgress']",
            ),
          }),
        ],
      },
      commit(C),
      { now: NOW, git },
    );
    assert.equal(report.verdict.reason, 'health-check-failed');
    assert.equal(report.verdict.failingObject, 'Deployment/apps/api');
  });

  it('a suspended Kustomization, and a dependency chain walked to its root', () => {
    const suspended = traceCommit(
      { objects: [gitRepo(rev(C)), kustomization('apps', { applied: rev(B) }, { suspend: true })] },
      commit(C),
      { now: NOW, git },
    );
    assert.equal(suspended.verdict.reason, 'suspended');
    assert.match(suspended.verdict.message, /flux resume kustomization apps -n flux-system/);
    const chain = traceCommit(
      {
        objects: [
          gitRepo(rev(C)),
          kustomization(
            'apps',
            {
              applied: rev(B),
              attempted: rev(B),
              ready: ready('False', 'DependencyNotReady', "dependency 'flux-system/infra' is not ready"),
            },
            { dependsOn: [{ name: 'infra' }] },
          ),
          kustomization(
            'infra',
            { applied: rev(B), attempted: rev(B), ready: ready('False', 'DependencyNotReady', 'x') },
            { dependsOn: [{ name: 'crds' }] },
          ),
          kustomization('crds', {
            applied: rev(B),
            attempted: rev(C),
            ready: ready('False', 'BuildFailed', 'kustomization.yaml: no such file'),
          }),
        ],
      },
      commit(C),
      { now: NOW, git },
    );
    const apps = chain.paths.find((p) => p.target === 'Kustomization/flux-system/apps');
    assert.equal(apps?.verdict.reason, 'dependency-not-ready');
    assert.match(
      apps?.verdict.message ?? '',
      /waits on Kustomization\/flux-system\/infra ← Kustomization\/flux-system\/crds: BuildFailed: kustomization.yaml: no such file/,
    );
    assert.equal(apps?.verdict.at, 'Kustomization/flux-system/crds');
  });

  it('a HelmRelease from a Git chart: chart not rebuilt, upgrade failed, rolled back, released', () => {
    const chart = (observed: string, version: string): KubeObject => ({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      metadata: { name: 'apps-web', namespace: 'flux-system' },
      spec: { chart: './charts/web', sourceRef: { kind: 'GitRepository', name: 'app' } },
      status: {
        observedSourceArtifactRevision: observed,
        artifact: { revision: version },
        conditions: [ready('True', 'ChartPackageSucceeded', '')],
      },
    });
    const release = (s: Record<string, unknown>): KubeObject => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'web', namespace: 'apps' },
      spec: {
        interval: '5m',
        chart: {
          spec: {
            chart: './charts/web',
            sourceRef: { kind: 'GitRepository', name: 'app', namespace: 'flux-system' },
          },
        },
      },
      status: { helmChart: 'flux-system/apps-web', ...s },
    });
    const failed = release({
      history: [
        { version: 3, status: 'failed', chartVersion: '0.2.0+cccccccccccc' },
        { version: 2, status: 'superseded', chartVersion: '0.1.0' },
      ],
      lastAttemptedRevision: '0.2.0+cccccccccccc',
      upgradeFailures: 1,
      conditions: [
        ready(
          'False',
          'UpgradeFailed',
          'Helm upgrade failed for release apps/web with chart web@0.2.0: context deadline exceeded',
        ),
        {
          type: 'Released',
          status: 'False',
          reason: 'UpgradeFailed',
          message: 'Helm upgrade failed for release apps/web with chart web@0.2.0: context deadline exceeded',
        },
      ],
    });
    const upgrade = traceCommit(
      { objects: [gitRepo(rev(C)), chart(rev(C), '0.2.0+cccccccccccc'), failed] },
      commit(C),
      { now: NOW, git },
    );
    assert.equal(upgrade.verdict.reason, 'helm-upgrade-failed');
    assert.match(upgrade.verdict.message, /context deadline exceeded.*upgradeFailures 1/);
    assert.deepEqual(
      upgrade.paths[0]?.hops.map((h) => h.kind),
      ['GitRepository', 'HelmChart', 'HelmRelease'],
    );
    const notBuilt = traceCommit({ objects: [gitRepo(rev(C)), chart(rev(B), '0.1.0'), failed] }, commit(C), {
      now: NOW,
      git,
    });
    assert.equal(notBuilt.verdict.reason, 'chart-not-built');
    const rolledBack = release({
      history: [{ version: 4, status: 'deployed', chartVersion: '0.1.0' }],
      conditions: [
        ready('False', 'UpgradeFailed', 'upgrade failed'),
        {
          type: 'Released',
          status: 'False',
          reason: 'UpgradeFailed',
          message: 'Helm upgrade failed: timed out waiting for the condition',
        },
        {
          type: 'Remediated',
          status: 'True',
          reason: 'RollbackSucceeded',
          message: 'Helm rollback to previous release apps/web.v2 succeeded',
        },
      ],
    });
    const rb = traceCommit(
      { objects: [gitRepo(rev(C)), chart(rev(C), '0.2.0+cccccccccccc'), rolledBack] },
      commit(C),
      { now: NOW, git },
    );
    assert.equal(rb.verdict.reason, 'helm-rolled-back');
    assert.match(rb.verdict.message, /rolled back: Helm upgrade failed: timed out/);
    const ok = release({
      history: [
        {
          version: 5,
          status: 'deployed',
          chartVersion: '0.2.0+cccccccccccc',
          lastDeployed: '2026-12-01T11:45:00Z',
        },
      ],
      conditions: [ready('True', 'UpgradeSucceeded', 'Helm upgrade succeeded')],
    });
    const live = traceCommit(
      { objects: [gitRepo(rev(C)), chart(rev(C), '0.2.0+cccccccccccc'), ok] },
      commit(C),
      { now: NOW, git },
    );
    assert.equal(live.verdict.state, 'live');
    assert.equal(live.verdict.since, '2026-12-01T11:45:00Z');
  });
});

describe('a chain that ends in a HelmRelease whose chart repository cannot be reached (flux2-kustomize-helm-example without internet)', () => {
  it('walks apps ← configs ← controllers, then what controllers waits on and why', () => {
    const helmRepo: KubeObject = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: 'cert-manager', namespace: 'cert-manager' },
      spec: { url: 'https://charts.jetstack.io', interval: '24h' },
      status: {
        conditions: [
          ready(
            'False',
            'FailedFetch',
            'failed to fetch Helm repository index: Get "https://charts.jetstack.io/index.yaml": dial tcp: lookup charts.jetstack.io: no such host',
          ),
        ],
      },
    };
    const release: KubeObject = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'cert-manager', namespace: 'cert-manager' },
      spec: {
        interval: '12h',
        chart: {
          spec: { chart: 'cert-manager', sourceRef: { kind: 'HelmRepository', name: 'cert-manager' } },
        },
      },
    };
    const controllers = kustomization('infra-controllers', {
      attempted: rev(C),
      ready: {
        type: 'Ready',
        status: 'Unknown',
        reason: 'Progressing',
        message: 'Reconciliation in progress',
      },
    });
    (controllers.status as { inventory: unknown }).inventory = {
      entries: [{ id: 'cert-manager_cert-manager_helm.toolkit.fluxcd.io_HelmRelease', v: 'v2' }],
    };
    const report = traceCommit(
      {
        objects: [
          gitRepo(rev(C)),
          helmRepo,
          release,
          controllers,
          kustomization(
            'infra-configs',
            { ready: ready('False', 'DependencyNotReady', 'x') },
            { dependsOn: [{ name: 'infra-controllers' }] },
          ),
          kustomization(
            'apps',
            { ready: ready('False', 'DependencyNotReady', 'x') },
            { dependsOn: [{ name: 'infra-configs' }] },
          ),
        ],
      },
      commit(C),
      { now: NOW, git },
    );
    const apps = report.paths.find((p) => p.target === 'Kustomization/flux-system/apps');
    assert.equal(apps?.verdict.reason, 'dependency-not-ready');
    assert.match(
      apps?.verdict.message ?? '',
      /infra-configs ← Kustomization\/flux-system\/infra-controllers: Progressing: Reconciliation in progress; waiting for HelmRelease\/cert-manager\/cert-manager ← HelmRepository\/cert-manager\/cert-manager: it cannot reach the repository host/,
    );
    const all = traceAll({ objects: [helmRepo, release] }, { now: NOW, git });
    assert.equal(
      all.paths.find((p) => p.target === 'HelmRelease/cert-manager/cert-manager')?.verdict.reason,
      'source-failing',
    );
    assert.deepEqual(
      all.paths.find((p) => p.target === 'HelmRelease/cert-manager/cert-manager')?.hops.map((h) => h.kind),
      ['HelmRepository', 'HelmRelease'],
    );
  });
});

it('a HelmRelease of a Git chart before helm-controller made its HelmChart: traced from the template, and why it waits', () => {
  const release: KubeObject = {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name: 'web', namespace: 'apps' },
    spec: {
      chart: {
        spec: {
          chart: './charts/web',
          sourceRef: { kind: 'GitRepository', name: 'app', namespace: 'flux-system' },
        },
      },
    },
  };
  const report = traceCommit({ objects: [gitRepo(rev(C)), release] }, commit(C), { now: NOW, git });
  assert.equal(report.paths.length, 1);
  assert.equal(report.paths[0]?.verdict.reason, 'not-reconciled-yet');
  assert.match(
    report.paths[0]?.verdict.message ?? '',
    /has no status: helm-controller has not reconciled it/,
  );
});

describe('trace <commit> through artifacts made from Git (OCIRepository, ExternalArtifact)', () => {
  const external = (origin: string): KubeObject => ({
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'ExternalArtifact',
    metadata: { name: 'apps', namespace: 'flux-system' },
    spec: {
      sourceRef: {
        apiVersion: 'source.extensions.fluxcd.io/v1beta1',
        kind: 'ArtifactGenerator',
        name: 'flux-system',
      },
    },
    status: {
      artifact: {
        revision: `latest@sha256:${'1'.repeat(64)}`,
        metadata: { 'org.opencontainers.image.revision': origin },
      },
      conditions: [ready('True', 'Succeeded', 'ok')],
    },
  });
  const ks = (origin: string): KubeObject => ({
    ...kustomization('apps', {
      applied: `latest@sha256:${'1'.repeat(64)}`,
      attempted: `latest@sha256:${'1'.repeat(64)}`,
    }),
    spec: { interval: '1h', path: './staging', sourceRef: { kind: 'ExternalArtifact', name: 'apps' } },
    status: {
      lastAppliedRevision: `latest@sha256:${'1'.repeat(64)}`,
      lastAttemptedRevision: `latest@sha256:${'1'.repeat(64)}`,
      lastAppliedOriginRevision: origin,
      conditions: [ready('True', 'ReconciliationSucceeded', 'Applied')],
    },
  });

  it('matches the commit against the origin revision the artifact and the Kustomization record', () => {
    const live = traceCommit({ objects: [external(rev(C)), ks(rev(C))] }, commit(B), { now: NOW, git });
    assert.equal(live.verdict.reason, 'applied');
    assert.deepEqual(
      live.paths[0]?.hops.map((h) => [h.kind, h.hasCommit]),
      [
        ['ExternalArtifact', true],
        ['Kustomization', true],
      ],
    );
    const later = traceCommit({ objects: [external(rev(C)), ks(rev(C))] }, commit(D), { now: NOW, git });
    assert.equal(later.verdict.reason, 'source-not-fetched');
  });
});

describe('trace <object>', () => {
  const deploy = (labels: Record<string, string> = {}): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'apps', namespace: 'apps', labels },
  });
  const query = { kind: 'Deployment', namespace: 'apps', name: 'apps', apiVersion: 'apps/v1' };

  it('finds the Kustomization by its labels and says the object is at the source revision', () => {
    const report = traceObject(
      { objects: [gitRepo(rev(C)), kustomization('apps', { applied: rev(C), attempted: rev(C) })] },
      {
        query,
        chain: [
          deploy({
            'kustomize.toolkit.fluxcd.io/name': 'apps',
            'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
          }),
        ],
      },
      { now: NOW },
    );
    assert.equal(report.verdict.state, 'live');
    assert.deepEqual(
      report.paths[0]?.hops.map((h) => h.kind),
      ['GitRepository', 'Kustomization', 'Deployment'],
    );
  });

  it('finds it through the inventory when labels are gone, and says why it is behind', () => {
    const report = traceObject(
      {
        objects: [
          gitRepo(rev(D)),
          kustomization('apps', {
            applied: rev(C),
            attempted: rev(D),
            ready: ready('False', 'BuildFailed', 'accumulating resources: missing'),
          }),
        ],
      },
      { query, chain: [deploy()] },
      { now: NOW },
    );
    assert.equal(report.verdict.reason, 'build-failed');
    assert.match(
      report.verdict.message,
      /stays as Kustomization\/flux-system\/apps last applied it \(main@sha1:cccccccc\)/,
    );
  });

  it('an object gone from the cluster but still in an inventory; one nobody manages', () => {
    const gone = traceObject(
      { objects: [gitRepo(rev(C)), kustomization('apps', { applied: rev(C) })] },
      { query, chain: [] },
      { now: NOW },
    );
    assert.equal(gone.verdict.reason, 'not-found');
    assert.match(
      gone.verdict.message,
      /in Kustomization\/flux-system\/apps's inventory but not in the cluster/,
    );
    const stray = traceObject(
      { objects: [gitRepo(rev(C))] },
      {
        query: { ...query, name: 'other' },
        chain: [{ ...deploy(), metadata: { name: 'other', namespace: 'apps' } }],
      },
      { now: NOW },
    );
    assert.equal(stray.verdict.reason, 'not-managed');
  });
});

describe('trace --all', () => {
  it('lists what is stuck, behind or failing, oldest first, and nothing that is live', () => {
    const report = traceAll(
      {
        objects: [
          gitRepo(rev(D)),
          kustomization('live', { applied: rev(D), attempted: rev(D) }),
          kustomization('behind', {
            applied: rev(C),
            attempted: rev(C),
            ready: ready('True', 'ReconciliationSucceeded', 'ok', '2026-12-01T10:00:00Z'),
          }),
          kustomization('broken', {
            applied: rev(B),
            attempted: rev(D),
            ready: ready('False', 'BuildFailed', 'bad', '2026-12-01T09:00:00Z'),
          }),
        ],
      },
      { now: NOW, git },
    );
    assert.deepEqual(
      report.paths.map((p) => [p.target, p.verdict.reason]),
      [
        ['Kustomization/flux-system/broken', 'build-failed'],
        ['Kustomization/flux-system/behind', 'not-reconciled-yet'],
      ],
    );
  });
});
