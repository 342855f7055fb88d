import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const daemonSet = (podSpec: object, args: string[] = []) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'ops' },
  spec: {
    template: {
      metadata: { labels: { app: 'agent' } },
      spec: { ...podSpec, containers: [{ name: 'a', args }] },
    },
  },
});

test('dns-policy-default-trap', () => {
  const svc = ['--target=http://collector.ops.svc.cluster.local:4317'];
  const cases: [string, object, string[]][] = [
    // unset policy, no host network: ClusterFirst
    ['default', daemonSet({}, svc), []],
    // Default without cluster names: still the trap
    ['Default', daemonSet({ dnsPolicy: 'Default' }), ['defaultPolicy']],
    // Default and a cluster name: broken today
    ['Default + svc', daemonSet({ dnsPolicy: 'Default' }, svc), ['defaultPolicyClusterNames']],
    // a trailing-dot cluster name is still a cluster name
    [
      'Default + svc.',
      daemonSet({ dnsPolicy: 'Default' }, ['collector.ops.svc.cluster.local.']),
      ['defaultPolicyClusterNames'],
    ],
    // hostNetwork, implicit ClusterFirst, cluster name
    ['hostNetwork + svc', daemonSet({ hostNetwork: true }, svc), ['hostNetworkClusterNames']],
    // hostNetwork with Default and a cluster name
    [
      'hostNetwork Default + svc',
      daemonSet({ hostNetwork: true, dnsPolicy: 'Default' }, svc),
      ['hostNetworkClusterNames'],
    ],
    // hostNetwork without cluster names: the node resolver is right
    ['hostNetwork only', daemonSet({ hostNetwork: true }), []],
    // hostNetwork with the right policy
    [
      'ClusterFirstWithHostNet',
      daemonSet({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }, svc),
      [],
    ],
    // None: the user wrote the resolver config themselves
    ['None', daemonSet({ dnsPolicy: 'None', dnsConfig: { nameservers: ['10.0.0.2'] } }, svc), []],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('dns-policy-default-trap fixes the policy and escalates when a Service name is configured', () => {
  const [broken] = checkRule(rule, [daemonSet({ hostNetwork: true }, ['collector.ops.svc:4317'])]);
  assert.equal(broken?.severity, 'high');
  assert.match(broken?.message ?? '', /collector\.ops\.svc \(args of container a\)/);
  assert.deepEqual(broken?.fix?.edits, [
    { op: 'set', path: ['spec', 'template', 'spec', 'dnsPolicy'], value: 'ClusterFirstWithHostNet' },
  ]);
  const [trap] = checkRule(rule, [daemonSet({ dnsPolicy: 'Default' })]);
  assert.equal(trap?.severity, 'medium');
  assert.deepEqual(trap?.fix?.edits, [
    { op: 'set', path: ['spec', 'template', 'spec', 'dnsPolicy'], value: 'ClusterFirst' },
  ]);
});
