import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule, { evictionCause } from './rule.ts';

const evicted = (name: string, node: string, message: string, namespace = 'shop') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { nodeName: node, containers: [{ name: 'c' }] },
  status: { phase: 'Failed', reason: 'Evicted', message },
});

const memory =
  'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91236Ki. Container app was using 3188040Ki, request is 1Gi, has larger consumption of memory. ';

test('evictionCause reads the kubelet messages', () => {
  // node pressure with the container's usage
  assert.deepEqual(evictionCause(memory), {
    kind: 'node',
    resource: 'memory',
    usage: ['app used 3Gi against a 1Gi request'],
  });
  // the newer wording
  assert.deepEqual(
    evictionCause(
      'The node was low on resource: memory. Container app was using 2Gi, which exceeds its request of 512Mi.',
    ).usage,
    ['app used 2Gi against a 512Mi request'],
  );
  // a node condition at admission
  assert.equal(evictionCause('The node had condition: [DiskPressure]. ').resource, 'disk');
  // the pod's own limit
  assert.equal(
    evictionCause('Pod ephemeral local storage usage exceeds the total limit of containers 2Gi. ').kind,
    'limit',
  );
  assert.equal(evictionCause('Usage of EmptyDir volume "cache" exceeds the limit "1Gi". ').kind, 'limit');
  // unreadable
  assert.equal(evictionCause('').kind, 'unknown');
});

test('pod-evicted', () => {
  const cases: [string, object[], string[]][] = [
    // one pod under memory pressure
    ['memory', [evicted('a', 'n1', memory)], ['nodePressure']],
    // two pods, same node and pressure: one finding
    ['grouped', [evicted('b', 'n1', memory), evicted('a', 'n1', memory, 'other')], ['nodePressure']],
    // same pressure on two nodes: two findings
    ['two nodes', [evicted('a', 'n1', memory), evicted('b', 'n2', memory)], ['nodePressure', 'nodePressure']],
    // own storage limit
    [
      'limit',
      [evicted('a', 'n1', 'Pod ephemeral local storage usage exceeds the total limit of containers 2Gi.')],
      ['storageLimit'],
    ],
    // unknown
    ['unknown', [evicted('a', 'n1', 'something else')], ['evicted']],
    // not evicted
    [
      'failed otherwise',
      [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'a', namespace: 'x' },
          status: { phase: 'Failed', reason: 'Error' },
        },
      ],
      [],
    ],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('pod-evicted lists the pods and the usage', () => {
  const [finding] = checkRule(rule, [evicted('b', 'n1', memory), evicted('a', 'n1', memory, 'other')]);
  assert.equal(finding?.ref.name, 'a');
  assert.equal(
    finding?.message,
    '2 pod(s) evicted from node n1 when it ran low on memory: other/a, shop/b; app used 3Gi against a 1Gi request. Pods that use more than they request are evicted first',
  );
});
