import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const pod = (metadata: object = {}, status?: object) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'shop', ...metadata },
  spec: { containers: [{ name: 'app', image: 'app:1' }] },
  ...(status ? { status } : {}),
});

test('pod-without-controller', () => {
  const cases: [string, object, string[]][] = [
    // no ownerReferences
    ['naked', pod(), ['naked']],
    // an empty list is the same
    ['empty owners', pod({ ownerReferences: [] }), ['naked']],
    // owned by a ReplicaSet (even one not in the inventory)
    [
      'owned',
      pod({ ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', controller: true }] }),
      [],
    ],
    // a static pod's mirror: the kubelet recreates it from its manifest file
    ['mirror', pod({ annotations: { 'kubernetes.io/config.mirror': 'abc' } }), []],
    // Helm test pods are one-shot
    ['helm test', pod({ annotations: { 'helm.sh/hook': 'test' } }), []],
    // other Helm hooks are not exempt
    ['helm pre-install', pod({ annotations: { 'helm.sh/hook': 'pre-install' } }), ['naked']],
    // a finished pod in a snapshot no longer matters
    ['succeeded', pod({}, { phase: 'Succeeded' }), []],
    ['running', pod({}, { phase: 'Running' }), ['naked']],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});
