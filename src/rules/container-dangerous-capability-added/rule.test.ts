import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const pod = (add: unknown, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'agent', namespace: 'ops' },
  spec: {
    containers: [
      {
        name: 'agent',
        image: 'agent:1',
        securityContext: { capabilities: { drop: ['ALL'], add }, ...extra },
      },
    ],
  },
});

test('container-dangerous-capability-added', () => {
  const cases: [string, object, [string, string][]][] = [
    // adding back what the baseline profile allows is the recommended pattern
    ['NET_BIND_SERVICE', pod(['NET_BIND_SERVICE']), []],
    ['CHOWN, SETUID, SETGID', pod(['CHOWN', 'SETUID', 'SETGID']), []],
    // the escape capability
    ['SYS_ADMIN', pod(['SYS_ADMIN']), [['adds', 'critical']]],
    // CAP_ prefix and case do not hide it
    ['cap_sys_admin', pod(['cap_sys_admin']), [['adds', 'critical']]],
    // ALL has its own message
    ['ALL', pod(['ALL']), [['addsAll', 'critical']]],
    // severity follows the capability
    ['NET_ADMIN', pod(['NET_ADMIN']), [['adds', 'high']]],
    ['SYS_PTRACE', pod(['SYS_PTRACE']), [['adds', 'high']]],
    [
      'BPF and PERFMON',
      pod(['BPF', 'PERFMON']),
      [
        ['adds', 'high'],
        ['adds', 'high'],
      ],
    ],
    ['DAC_READ_SEARCH', pod(['DAC_READ_SEARCH']), [['adds', 'critical']]],
    ['NET_RAW', pod(['NET_RAW']), [['adds', 'medium']]],
    // the same capability twice is one finding
    ['duplicate', pod(['NET_ADMIN', 'CAP_NET_ADMIN']), [['adds', 'high']]],
    // not a capability: the runtime refuses the container, nothing is granted
    ['typo', pod(['NET_ADMINN']), []],
    // privileged already has everything; container-privileged reports it as critical
    ['privileged', pod(['SYS_ADMIN'], { privileged: true }), []],
    // wrong types do not throw
    ['add is a string', pod('SYS_ADMIN'), []],
    ['add has a number', pod([42, 'SYS_MODULE']), [['adds', 'critical']]],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => [f.messageId, f.severity]),
      expected,
      name,
    );
  }
});

test('container-dangerous-capability-added points at the list entry', () => {
  const [finding] = checkRule(rule, [pod(['CHOWN', 'SYS_ADMIN'])]);
  assert.deepEqual(finding?.path, ['spec', 'containers', 0, 'securityContext', 'capabilities', 'add', 1]);
  assert.equal(finding?.container, 'agent');
  assert.match(finding?.message ?? '', /adds SYS_ADMIN: it can mount filesystems/);
  assert.equal(finding?.fix, undefined, 'no mechanical fix: the process may need it');
});
