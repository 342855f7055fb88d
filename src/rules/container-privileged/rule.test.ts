import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const daemonSet = (containerSecurity?: unknown, podSecurity?: unknown) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'ops' },
  spec: {
    template: {
      spec: {
        ...(podSecurity !== undefined ? { securityContext: podSecurity } : {}),
        containers: [
          {
            name: 'agent',
            image: 'agent:1',
            ...(containerSecurity !== undefined ? { securityContext: containerSecurity } : {}),
          },
        ],
      },
    },
  },
});

test('container-privileged', () => {
  const cases: [string, object, string[]][] = [
    // unset is unprivileged: no false positive on a safe default
    ['unset', daemonSet(), []],
    ['false', daemonSet({ privileged: false }), []],
    // the finding
    ['true', daemonSet({ privileged: true }), ['privileged']],
    // a string "true" is not a boolean: the API server would refuse the manifest
    ['string true', daemonSet({ privileged: 'true' }), []],
    // Windows HostProcess from the pod
    ['pod hostProcess', daemonSet(undefined, { windowsOptions: { hostProcess: true } }), ['hostProcess']],
    // the container's own setting wins over the pod's
    [
      'container opts out of pod hostProcess',
      daemonSet({ windowsOptions: { hostProcess: false } }, { windowsOptions: { hostProcess: true } }),
      [],
    ],
    ['container hostProcess', daemonSet({ windowsOptions: { hostProcess: true } }), ['hostProcess']],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('container-privileged is critical, per container, without a mechanical fix', () => {
  const object = daemonSet({ privileged: true });
  (object.spec.template.spec as Record<string, unknown>).initContainers = [
    { name: 'sysctl', image: 'busybox:1.36', securityContext: { privileged: true } },
  ];
  const findings = checkRule(rule, [object]);
  assert.deepEqual(
    findings.map((f) => [f.container, f.severity]),
    [
      ['agent', 'critical'],
      ['sysctl', 'critical'],
    ],
  );
  assert.deepEqual(findings[1]?.path, [
    'spec',
    'template',
    'spec',
    'initContainers',
    0,
    'securityContext',
    'privileged',
  ]);
  assert.equal(findings[0]?.fix, undefined);
});
