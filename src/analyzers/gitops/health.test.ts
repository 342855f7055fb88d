import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { KubeObject } from '../../core/resource.ts';
import { attachUnready, healthCheckTargets, workloadNotReady } from './health.ts';
import type { TraceReport } from './trace.ts';

const deploy = (name: string, status: Record<string, unknown>, replicas = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'apps', generation: 3 },
  spec: { replicas },
  status: { observedGeneration: 3, ...status },
});

it('judges Deployments, StatefulSets and DaemonSets as kstatus does', () => {
  assert.equal(workloadNotReady(deploy('a', { updatedReplicas: 2, availableReplicas: 2 })), undefined);
  assert.equal(workloadNotReady(deploy('a', { updatedReplicas: 2, availableReplicas: 1 })), 'available 1/2');
  assert.equal(
    workloadNotReady(deploy('a', { observedGeneration: 2 })),
    'its controller has not seen the latest spec',
  );
  assert.equal(
    workloadNotReady(
      deploy('a', {
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "a-1" has timed out progressing.',
          },
        ],
      }),
    ),
    'ReplicaSet "a-1" has timed out progressing.',
  );
  const ds: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'd' },
    status: { desiredNumberScheduled: 3, numberReady: 2 },
  };
  assert.equal(workloadNotReady(ds), 'ready 2/3');
});

it('names the not-ready workload of a health-check failure whose message names none', () => {
  const k: KubeObject = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system' },
    spec: {},
    status: {
      inventory: {
        entries: [
          { id: 'apps_fine_apps_Deployment', v: 'v1' },
          { id: 'apps_stuck_apps_Deployment', v: 'v1' },
          { id: 'apps_cm__ConfigMap', v: 'v1' },
        ],
      },
    },
  };
  const report: TraceReport = {
    mode: 'all',
    query: 'all',
    notes: [],
    verdict: { state: 'not-live', reason: 'health-check-failed', message: '' },
    paths: [
      {
        target: 'Kustomization/flux-system/apps',
        hops: [],
        verdict: {
          state: 'not-live',
          reason: 'health-check-failed',
          message: 'health check failed after 30s: rate limiter',
          at: 'Kustomization/flux-system/apps',
        },
      },
    ],
  };
  const targets = healthCheckTargets(report, { objects: [k] });
  assert.deepEqual(
    targets.get('Kustomization/flux-system/apps')?.map((r) => r.name),
    ['fine', 'stuck'],
  );
  attachUnready(report, targets, [
    deploy('fine', { updatedReplicas: 2, availableReplicas: 2 }),
    deploy('stuck', { updatedReplicas: 2, availableReplicas: 0 }),
  ]);
  assert.equal(report.paths[0]?.verdict.failingObject, 'Deployment/apps/stuck');
  assert.match(
    report.paths[0]?.verdict.message ?? '',
    /not ready: Deployment\/apps\/stuck \(available 0\/2\)/,
  );
});
