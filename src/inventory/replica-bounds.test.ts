import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/resource.ts';
import { buildInventory, type Inventory } from './inventory.ts';
import { podsCountedBy, replicaBounds } from './replica-bounds.ts';

const inventoryOf = (objects: object[]): Inventory =>
  buildInventory(objects.map((object) => ({ object: object as KubeObject, origin: { source: 'test' } })));
const deployment = (name: string, replicas?: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: {
    ...(replicas !== undefined ? { replicas } : {}),
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'app' }] } },
  },
});
const hpa = (name: string, min: number | undefined, max: number, metadata: object = {}) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name, namespace: 'shop', ...metadata },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
    ...(min !== undefined ? { minReplicas: min } : {}),
    maxReplicas: max,
  },
});
const scaledObject = {
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { scaleTargetRef: { name: 'api' } },
};
const pdb = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'api', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'api' } } },
};

function boundsOf(objects: object[]) {
  const inv = inventoryOf(objects);
  const entry = inv.ofKind('Deployment').find((e) => e.ref.name === 'api');
  const b = entry ? replicaBounds(inv, entry) : undefined;
  return b ? [b.min, b.max, b.scalers.length] : undefined;
}

test('replicaBounds', () => {
  // spec.replicas, defaulting to 1
  assert.deepEqual(boundsOf([deployment('api', 3)]), [3, 3, 0]);
  assert.deepEqual(boundsOf([deployment('api')]), [1, 1, 0]);
  // an HPA overrides spec.replicas; minReplicas defaults to 1
  assert.deepEqual(boundsOf([deployment('api', 5), hpa('api', undefined, 10)]), [1, 10, 1]);
  // KEDA: 0 to 100 by default; its own HPA is not counted twice
  assert.deepEqual(
    boundsOf([
      deployment('api'),
      scaledObject,
      hpa('keda-hpa-api', 1, 100, {
        ownerReferences: [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'api' }],
      }),
    ]),
    [0, 100, 1],
  );
  // two autoscalers: the higher minimum and maximum
  assert.deepEqual(boundsOf([deployment('api'), scaledObject, hpa('api-cpu', 2, 20)]), [2, 100, 2]);
});

test('podsCountedBy', () => {
  const count = (objects: object[]) => {
    const inv = inventoryOf(objects);
    const entry = inv.ofKind('PodDisruptionBudget')[0];
    return entry ? podsCountedBy(inv, entry) : undefined;
  };
  // two Deployments with the same labels add up
  const two = count([pdb, deployment('api', 2), deployment('api-canary', 1)]);
  assert.deepEqual([two?.floor, two?.ceiling, two?.scaled], [3, 3, false]);
  // a KEDA workload counts at its first pod at the floor
  const keda = count([pdb, deployment('api'), scaledObject]);
  assert.deepEqual([keda?.floor, keda?.ceiling, keda?.scaled], [1, 100, true]);
  // nothing selected and no status: unknown
  assert.equal(count([pdb]), undefined);
  // a snapshot's status.expectedPods
  assert.equal(count([{ ...pdb, status: { expectedPods: 4 } }])?.ceiling, 4);
  // Pods of a controller not in the inventory: fall back to status, else unknown
  const owned = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'api-1',
      namespace: 'shop',
      labels: { app: 'api' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7d', controller: true }],
    },
    spec: { containers: [{ name: 'app' }] },
  };
  assert.equal(count([pdb, owned]), undefined);
});
