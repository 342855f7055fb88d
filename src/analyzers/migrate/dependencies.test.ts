import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../core/resource.ts';
import { buildInventory } from '../../inventory/inventory.ts';
import { servicesNamedIn } from './dependencies.ts';

const inventory = buildInventory(
  [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'payments' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'redis', namespace: 'cache' } },
  ].map((object) => ({ object: object as KubeObject, origin: { source: 'x' } })),
);

test('a Service is named by svc.ns, svc.ns.svc and svc.ns.svc.<domain>, in URLs or alone', () => {
  for (const text of [
    'http://api.payments:8080/v1',
    'api.payments',
    'api.payments.svc',
    'API.payments.svc.cluster.local:443',
    'postgres://u@api.payments.svc.cluster.local/db',
    'hosts=api.payments,redis.cache:6379',
  ])
    assert.ok(
      servicesNamedIn(inventory, text).some((s) => s.service === 'api' && s.namespace === 'payments'),
      text,
    );
  assert.deepEqual(servicesNamedIn(inventory, 'hosts=api.payments,redis.cache:6379'), [
    { service: 'api', namespace: 'payments' },
    { service: 'redis', namespace: 'cache' },
  ]);
});

test('names that only look like one are not: longer public names, unknown Services, other suffixes', () => {
  for (const text of [
    'https://api.payments.example.com',
    'api.payments.internal.corp',
    'web.payments',
    'redis.payments',
    'api.shop',
    'logback.payments.xml',
  ])
    assert.deepEqual(servicesNamedIn(inventory, text), [], text);
});
