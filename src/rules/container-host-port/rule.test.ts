import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const deployment = (ports: unknown, spec: object = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'ingress', namespace: 'edge' },
  spec: { template: { spec: { ...spec, containers: [{ name: 'proxy', image: 'proxy:1', ports }] } } },
});

test('container-host-port', () => {
  const cases: [string, object, string[]][] = [
    // container ports alone are fine
    ['containerPort only', deployment([{ containerPort: 8080 }]), []],
    // hostPort 0 means unset
    ['hostPort 0', deployment([{ containerPort: 8080, hostPort: 0 }]), []],
    // one finding per host port
    [
      'two host ports',
      deployment([
        { containerPort: 80, hostPort: 80 },
        { containerPort: 443, hostPort: 443, protocol: 'TCP' },
      ]),
      ['edge/proxy:80/TCP', 'edge/proxy:443/TCP'],
    ],
    ['UDP', deployment([{ containerPort: 8125, hostPort: 8125, protocol: 'UDP' }]), ['edge/proxy:8125/UDP']],
    // hostNetwork makes every port a host port: pod-host-namespaces reports the pod once
    ['hostNetwork', deployment([{ containerPort: 80, hostPort: 80 }], { hostNetwork: true }), []],
    // ports that are not a list do not throw
    ['ports is a map', deployment({ http: 80 }), []],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map(
        (f) => `${f.ref.namespace}/${f.container}:${/port (\d+\/\w+)/.exec(f.message)?.[1]}`,
      ),
      expected,
      name,
    );
  }
});

test('container-host-port points at the hostPort', () => {
  const [finding] = checkRule(rule, [
    deployment([{ containerPort: 80 }, { containerPort: 9100, hostPort: 9100 }]),
  ]);
  assert.deepEqual(finding?.path, ['spec', 'template', 'spec', 'containers', 0, 'ports', 1, 'hostPort']);
});
