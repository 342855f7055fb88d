import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

interface PodOptions {
  name: string;
  limit?: string;
  restarts?: number;
  last?: object;
  state?: object;
  owner?: string;
}

const pod = ({
  name,
  limit,
  restarts = 0,
  last = {},
  state = { running: {} },
  owner = 'worker-84c6f9d7b',
}: PodOptions) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'workers',
    labels: { 'pod-template-hash': '84c6f9d7b' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, controller: true }],
  },
  spec: { containers: [{ name: 'worker', resources: limit ? { limits: { memory: limit } } : {} }] },
  status: {
    phase: 'Running',
    containerStatuses: [{ name: 'worker', restartCount: restarts, state, lastState: last }],
  },
});

const oom = { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-10-31T23:30:00Z' } };

test('container-oom-killed', () => {
  const cases: [string, object[], string[]][] = [
    // last termination was an OOM kill, with a limit
    ['oom with limit', [pod({ name: 'w-1', limit: '512Mi', restarts: 3, last: oom })], ['oomKilled']],
    // no limit: the node's OOM killer
    ['oom without limit', [pod({ name: 'w-1', restarts: 1, last: oom })], ['oomKilledNoLimit']],
    // terminated by OOM right now
    ['current oom', [pod({ name: 'w-1', limit: '1Gi', state: oom })], ['oomKilled']],
    // a plain error is not an OOM kill
    [
      'error',
      [pod({ name: 'w-1', restarts: 2, last: { terminated: { reason: 'Error', exitCode: 137 } } })],
      [],
    ],
    // three OOMKilled replicas of one Deployment: one finding
    [
      'grouped',
      [
        pod({ name: 'w-3', limit: '512Mi', restarts: 1, last: oom }),
        pod({ name: 'w-1', limit: '512Mi', restarts: 2, last: oom }),
        pod({ name: 'w-2', limit: '512Mi', restarts: 4, last: oom }),
      ],
      ['oomKilled'],
    ],
    // two workloads: two findings
    [
      'two workloads',
      [
        pod({ name: 'w-1', limit: '512Mi', restarts: 1, last: oom }),
        pod({ name: 'other-1', limit: '512Mi', restarts: 1, last: oom, owner: 'other-84c6f9d7b' }),
      ],
      ['oomKilled', 'oomKilled'],
    ],
    // no status at all (a manifest): nothing to say
    [
      'manifest',
      [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', namespace: 'x' },
          spec: { containers: [{ name: 'c' }] },
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

test('container-oom-killed names the workload, the limit and the totals, on the first pod', () => {
  const findings = checkRule(rule, [
    pod({ name: 'worker-84c6f9d7b-b', limit: '512Mi', restarts: 2, last: oom }),
    pod({ name: 'worker-84c6f9d7b-a', limit: '512Mi', restarts: 5, last: oom }),
    pod({ name: 'worker-84c6f9d7b-c', limit: '512Mi' }),
  ]);
  assert.equal(findings.length, 1);
  const [finding] = findings;
  assert.equal(finding?.ref.name, 'worker-84c6f9d7b-a');
  assert.equal(finding?.container, 'worker');
  assert.equal(
    finding?.message,
    'container worker of Deployment workers/worker was OOMKilled (last 30m ago): 7 restart(s) in 2 of 3 pod(s), against its 512Mi memory limit',
  );
  assert.deepEqual(finding?.path, ['status', 'containerStatuses', 0, 'lastState', 'terminated', 'reason']);
  assert.equal(finding?.severity, 'high');
  // a kill two weeks ago and none since: medium
  const old = { terminated: { reason: 'OOMKilled', finishedAt: '2026-10-15T00:00:00Z' } };
  assert.equal(
    checkRule(rule, [pod({ name: 'w-1', limit: '1Gi', restarts: 1, last: old })])[0]?.severity,
    'medium',
  );
});
