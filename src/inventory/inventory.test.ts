import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/resource.ts';
import { buildInventory, compactReads, partsOfChange } from './inventory.ts';

const obj = (kind: string, name: string, extra: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: kind === 'Pod' || kind === 'Service' ? 'v1' : 'apps/v1',
    kind,
    metadata: { name, namespace: 'shop', ...extra },
  }) as KubeObject;

test('owner chains resolve Pod → ReplicaSet → Deployment', () => {
  const inv = buildInventory(
    [
      obj('Deployment', 'api'),
      obj('ReplicaSet', 'api-7d9', {
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', controller: true }],
      }),
      obj('Pod', 'api-7d9-x', {
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7d9', controller: true }],
      }),
    ].map((object) => ({ object, origin: { source: 't' } })),
  );
  const pod = inv.ofKind('Pod')[0];
  assert.ok(pod);
  assert.equal(inv.topController(pod).ref.name, 'api');
});

test('malformed ownerReferences are ignored, not a crash', () => {
  for (const ownerReferences of [
    null,
    'x',
    [null],
    [{ kind: 'ReplicaSet' }],
    [{ apiVersion: 1, kind: 'ReplicaSet', name: 'r' }],
  ]) {
    const inv = buildInventory([{ object: obj('Pod', 'p', { ownerReferences }), origin: { source: 't' } }]);
    const pod = inv.ofKind('Pod')[0];
    assert.ok(pod);
    assert.equal(inv.controllerOf(pod), undefined, JSON.stringify(ownerReferences));
  }
});

test('same-name objects in different files are all kept; relations prefer the nearest copy', () => {
  const inv = buildInventory([
    { object: obj('Deployment', 'api', { labels: { v: '1' } }), origin: { source: 'v1/app.yaml' } },
    { object: obj('Service', 'api'), origin: { source: 'v1/app.yaml' } },
    { object: obj('Deployment', 'api', { labels: { v: '2' } }), origin: { source: 'v2/app.yaml' } },
    { object: obj('Service', 'api'), origin: { source: 'v2/app.yaml' } },
    { object: obj('Service', 'other'), origin: { source: 'shared/svc.yaml' } },
  ]);
  assert.equal(inv.size, 5);
  assert.deepEqual(
    inv.ofKind('Deployment').map((e) => e.object.metadata.labels?.v),
    ['1', '2'],
  );
  assert.deepEqual(
    inv.duplicates.map((d) => [d.ref.kind, d.origins.map((o) => o.source)]),
    [
      ['Deployment', ['v1/app.yaml', 'v2/app.yaml']],
      ['Service', ['v1/app.yaml', 'v2/app.yaml']],
    ],
  );
  const v2 = inv.ofKind('Deployment')[1];
  assert.ok(v2);
  // The Service named like v2's own is v2's copy; the unrelated Service is still seen.
  assert.deepEqual(
    inv.inNamespace('Service', v2.ref.namespace, v2).map((e) => `${e.ref.name} ${e.origin.source}`),
    ['api v2/app.yaml', 'other shared/svc.yaml'],
  );
  assert.equal(
    inv.get({ apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'api' }, v2)?.origin.source,
    'v2/app.yaml',
  );
  assert.equal(
    inv.get({ apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'api' })?.origin.source,
    'v1/app.yaml',
  );
  assert.equal(inv.copiesOf(v2.ref).length, 2);
});

test('compactReads: many objects of one kind in one namespace read as that kind there, not everywhere', () => {
  const reads = new Set<string>();
  for (let i = 0; i < 20; i++) reads.add(`apps/ReplicaSet/shop/web-${i}`);
  reads.add('apps/Deployment/shop/web');
  const compact = compactReads(reads);
  assert.deepEqual([...compact].sort(), ['ReplicaSet@shop', 'apps/Deployment/shop/web']);
  const rs = (namespace: string, name: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace },
  });
  const meets = (parts: Set<string>) => [...parts].some((p) => compact.has(p));
  // Another ReplicaSet of the same namespace, even a new one, meets it; one elsewhere does not.
  assert.equal(meets(partsOfChange(undefined, rs('shop', 'web-new'))), true);
  assert.equal(meets(partsOfChange(rs('bank', 'web-1'), rs('bank', 'web-1'))), false);
  // Few objects stay objects.
  assert.deepEqual(
    [...compactReads(new Set(['apps/ReplicaSet/shop/web-1']))],
    ['apps/ReplicaSet/shop/web-1'],
  );
});
