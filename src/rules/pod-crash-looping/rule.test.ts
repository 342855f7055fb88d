import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const pod = (name: string, waiting: string | undefined, last: object = {}, restarts = 3) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'shop',
    labels: { 'pod-template-hash': '7f9c6d8b5' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'api-7f9c6d8b5', controller: true }],
  },
  spec: { containers: [{ name: 'api' }] },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'api',
        restartCount: restarts,
        state: waiting ? { waiting: { reason: waiting } } : { running: {} },
        lastState: last,
      },
    ],
  },
});

const backOff = (podName: string, count: number, container = 'api') => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${podName}.1`, namespace: 'shop' },
  involvedObject: {
    kind: 'Pod',
    name: podName,
    namespace: 'shop',
    fieldPath: `spec.containers{${container}}`,
  },
  reason: 'BackOff',
  type: 'Warning',
  count,
  firstTimestamp: '2026-10-31T22:00:00Z',
  lastTimestamp: '2026-10-31T23:59:00Z',
});

const error = { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2026-10-31T23:55:00Z' } };

test('pod-crash-looping', () => {
  const cases: [string, object[], string[]][] = [
    // crash loop, no events in the scan
    ['loop', [pod('api-7f9c6d8b5-a', 'CrashLoopBackOff', error)], ['crashLooping']],
    // crash loop with the kubelet's BackOff event
    [
      'loop + event',
      [pod('api-7f9c6d8b5-a', 'CrashLoopBackOff', error), backOff('api-7f9c6d8b5-a', 40)],
      ['crashLoopingWithEvents'],
    ],
    // a BackOff event for another container does not count
    [
      'event for other container',
      [pod('api-7f9c6d8b5-a', 'CrashLoopBackOff', error), backOff('api-7f9c6d8b5-a', 40, 'sidecar')],
      ['crashLooping'],
    ],
    // OOM kill loops belong to container-oom-killed
    ['oom loop', [pod('api-7f9c6d8b5-a', 'CrashLoopBackOff', { terminated: { reason: 'OOMKilled' } })], []],
    // image pull trouble is not a crash loop
    ['image pull', [pod('api-7f9c6d8b5-a', 'ImagePullBackOff')], []],
    // running
    ['running', [pod('api-7f9c6d8b5-a', undefined)], []],
    // two looping replicas: one finding
    [
      'grouped',
      [pod('api-7f9c6d8b5-b', 'CrashLoopBackOff', error), pod('api-7f9c6d8b5-a', 'CrashLoopBackOff', error)],
      ['crashLooping'],
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

test('pod-crash-looping sums restarts and events over the replicas', () => {
  const findings = checkRule(rule, [
    pod('api-7f9c6d8b5-b', 'CrashLoopBackOff', error, 4),
    pod('api-7f9c6d8b5-a', 'CrashLoopBackOff', error, 10),
    backOff('api-7f9c6d8b5-a', 40),
    backOff('api-7f9c6d8b5-b', 2),
  ]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.ref.name, 'api-7f9c6d8b5-a');
  assert.equal(
    findings[0]?.message,
    'container api of Deployment shop/api is in CrashLoopBackOff in 2 pod(s): 14 restart(s), last exit code 1 (Error) 5m ago; the kubelet reported BackOff ×42 since 2h ago',
  );
});
