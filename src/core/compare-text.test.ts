import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareText } from './compare-text.ts';

test('names sort as localeCompare sorts them, for the names Kubernetes allows', () => {
  const names = [
    'api',
    'API',
    'Api',
    'api-gateway',
    'api.v2',
    'apigateway',
    'api2',
    'api10',
    'ClusterRole',
    'CSIDriver',
    'configmap',
    'ConfigMap',
    'kube-system',
    'kube-public',
    '',
    'z',
    '0',
    'payments',
    'Deployment',
  ];
  const expected = [...names].sort((a, b) => a.localeCompare(b, 'en'));
  assert.deepEqual([...names].sort(compareText), expected);
  assert.equal(compareText('a', 'a'), 0);
});
