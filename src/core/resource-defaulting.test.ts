import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from './resource.ts';
import { limitRangeDefaults, limitSource, NO_DEFAULTS, requestSource } from './resource-defaulting.ts';

const limitRange = (items: object[], namespace = 'shop'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name: 'defaults', namespace },
  spec: { limits: items },
});

test('limitRangeDefaults follows LimitRangeItem defaulting', () => {
  const d = limitRangeDefaults(
    [
      limitRange([
        { type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } },
        { type: 'Pod', max: { memory: '4Gi' } },
      ]),
      limitRange([{ type: 'Container', default: { memory: '1Gi' } }], 'other'),
    ],
    'shop',
  );
  // max → default limit → default request; min → default request only; Pod items do not count
  assert.deepEqual([...d.limits.keys()], ['cpu']);
  assert.deepEqual([...d.requests.keys()].sort(), ['cpu', 'memory']);
});

test('requestSource and limitSource', () => {
  const c = (resources: object) => ({ name: 'app', resources });
  assert.equal(requestSource(c({ requests: { cpu: '1' } }), 'cpu', undefined, NO_DEFAULTS), 'container');
  assert.equal(requestSource(c({ limits: { cpu: '1' } }), 'cpu', undefined, NO_DEFAULTS), 'limit');
  assert.equal(requestSource(c({ requests: { cpu: '' } }), 'cpu', undefined, NO_DEFAULTS), undefined);
  assert.equal(requestSource(c({}), 'cpu', { resources: { requests: { cpu: '2' } } }, NO_DEFAULTS), 'pod');
  assert.equal(
    requestSource(
      c({}),
      'memory',
      undefined,
      limitRangeDefaults([limitRange([{ type: 'Container', defaultRequest: { memory: '1Gi' } }])], 'shop'),
    ),
    'limit-range',
  );
  assert.equal(limitSource(c({ requests: { memory: '1Gi' } }), 'memory', undefined, NO_DEFAULTS), undefined);
  assert.equal(limitSource(c({ limits: { memory: '1Gi' } }), 'memory', undefined, NO_DEFAULTS), 'container');
  // wrong types do not throw
  assert.equal(
    requestSource({ name: 'x', resources: 'big' as never }, 'cpu', undefined, NO_DEFAULTS),
    undefined,
  );
});
