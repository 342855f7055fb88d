import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const pod = (spec: object) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'debug', namespace: 'ops' },
  spec: { containers: [{ name: 'sh', image: 'busybox:1.36' }], ...spec },
});

test('pod-host-namespaces', () => {
  const cases: [string, object, string[]][] = [
    // defaults are isolated
    ['none', pod({}), []],
    ['explicit false', pod({ hostNetwork: false, hostPID: false, hostIPC: false }), []],
    // one message per namespace shared
    ['hostNetwork', pod({ hostNetwork: true }), ['hostNetwork']],
    ['hostPID', pod({ hostPID: true }), ['hostPID']],
    ['hostIPC', pod({ hostIPC: true }), ['hostIPC']],
    [
      'all three',
      pod({ hostNetwork: true, hostPID: true, hostIPC: true }),
      ['hostNetwork', 'hostPID', 'hostIPC'],
    ],
    // a string is not true
    ['string', pod({ hostPID: 'true' }), []],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('pod-host-namespaces points at the field of the pod template', () => {
  const cronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'scan', namespace: 'ops' },
    spec: {
      schedule: '@daily',
      jobTemplate: {
        spec: { template: { spec: { hostPID: true, containers: [{ name: 'scan', image: 'scan:1' }] } } },
      },
    },
  };
  const [finding] = checkRule(rule, [cronJob]);
  assert.deepEqual(finding?.path, ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'hostPID']);
  assert.equal(finding?.severity, 'high');
});
