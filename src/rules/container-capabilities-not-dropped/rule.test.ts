import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const pod = (securityContext?: unknown, os?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'api', namespace: 'shop' },
  spec: {
    ...(os ? { os: { name: os } } : {}),
    containers: [
      { name: 'app', image: 'app:1', ...(securityContext !== undefined ? { securityContext } : {}) },
    ],
  },
});

test('container-capabilities-not-dropped', () => {
  const cases: [string, object, string[]][] = [
    // the baseline: drop ALL
    ['drop ALL', pod({ capabilities: { drop: ['ALL'] } }), []],
    // runtimes read capability names case-insensitively
    ['drop all (lower case)', pod({ capabilities: { drop: ['all'] } }), []],
    // but CAP_ALL is not ALL to any runtime: it drops nothing
    ['drop CAP_ALL', pod({ capabilities: { drop: ['CAP_ALL'] } }), ['partialDrop']],
    // drop ALL and add back one is the recommended shape
    ['drop ALL, add one', pod({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }), []],
    // nothing set: the runtime default set stays
    ['no securityContext', pod(), ['noDrop']],
    // capabilities without drop
    ['add only', pod({ capabilities: { add: ['NET_BIND_SERVICE'] } }), ['noDrop']],
    // dropping a few is not dropping all
    ['drop NET_RAW', pod({ capabilities: { drop: ['NET_RAW', 'cap_mknod'] } }), ['partialDrop']],
    // privileged has every capability anyway; container-privileged reports it
    ['privileged', pod({ privileged: true }), []],
    // Windows containers have no Linux capabilities
    ['windows', pod(undefined, 'windows'), []],
    // a drop that is not a list does not throw
    ['drop is a string', pod({ capabilities: { drop: 'ALL' } }), ['noDrop']],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('container-capabilities-not-dropped names what is dropped and fixes by adding ALL', () => {
  const [finding] = checkRule(rule, [pod({ capabilities: { drop: ['NET_RAW'] } })]);
  assert.match(finding?.message ?? '', /drops NET_RAW but not ALL/);
  assert.deepEqual(finding?.fix?.edits, [
    {
      op: 'add-to-list',
      path: ['spec', 'containers', 0, 'securityContext', 'capabilities', 'drop'],
      value: 'ALL',
    },
  ]);
});
