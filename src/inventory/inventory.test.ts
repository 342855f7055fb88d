import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/resource.ts';
import { buildInventory } from './inventory.ts';

const obj = (kind: string, name: string, extra: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1',
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

test('a repeated object is recorded as a duplicate and the later one wins', () => {
  const inv = buildInventory([
    { object: obj('Deployment', 'api', { labels: { v: '1' } }), origin: { source: 'a.yaml' } },
    { object: obj('Deployment', 'api', { labels: { v: '2' } }), origin: { source: 'b.yaml' } },
  ]);
  assert.equal(inv.size, 1);
  assert.equal(inv.ofKind('Deployment')[0]?.object.metadata.labels?.v, '2');
  assert.equal(inv.duplicates[0]?.second.source, 'b.yaml');
});
