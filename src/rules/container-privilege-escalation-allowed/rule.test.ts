import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const job = (securityContext?: unknown, os?: string) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'backfill', namespace: 'workers' },
  spec: {
    template: {
      spec: {
        ...(os ? { os: { name: os } } : {}),
        restartPolicy: 'Never',
        containers: [
          { name: 'run', image: 'run:1', ...(securityContext !== undefined ? { securityContext } : {}) },
        ],
      },
    },
  },
});

test('container-privilege-escalation-allowed', () => {
  const cases: [string, object, string[]][] = [
    // the baseline setting
    ['false', job({ allowPrivilegeEscalation: false }), []],
    // unset defaults to true: no_new_privs is not set
    ['unset', job(), ['notSet']],
    ['empty securityContext', job({}), ['notSet']],
    // dropping capabilities does not stop a setuid-root binary from becoming UID 0
    ['drop ALL only', job({ capabilities: { drop: ['ALL'] } }), ['notSet']],
    // explicit true gets its own message
    ['true', job({ allowPrivilegeEscalation: true }), ['setTrue']],
    // privileged always escalates and the API server rejects false next to it: container-privileged reports it
    ['privileged', job({ privileged: true }), []],
    // the same for CAP_SYS_ADMIN: container-dangerous-capability-added reports it
    ['SYS_ADMIN added', job({ capabilities: { add: ['CAP_SYS_ADMIN'] } }), []],
    // Windows has no such setting
    ['windows', job(undefined, 'windows'), []],
    // wrongly typed capabilities do not throw
    ['capabilities is a string', job({ capabilities: 'SYS_ADMIN' }), ['notSet']],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('container-privilege-escalation-allowed fixes by setting false', () => {
  const [finding] = checkRule(rule, [job()]);
  assert.equal(finding?.container, 'run');
  assert.deepEqual(finding?.fix?.edits, [
    {
      op: 'set',
      path: ['spec', 'template', 'spec', 'containers', 0, 'securityContext', 'allowPrivilegeEscalation'],
      value: false,
    },
  ]);
});
