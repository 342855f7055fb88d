import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

interface Mount {
  container?: string;
  readOnly?: boolean;
  subPath?: string;
}

const daemonSet = (path: string, mounts: Mount[] = [{}], type?: string) => {
  const names = [...new Set(mounts.map((m) => m.container ?? 'agent'))];
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'ops' },
    spec: {
      template: {
        spec: {
          volumes: [
            { name: 'scratch', emptyDir: {} },
            { name: 'host', hostPath: { path, ...(type ? { type } : {}) } },
          ],
          containers: names.map((name) => ({
            name,
            image: 'agent:1',
            volumeMounts: mounts
              .filter((m) => (m.container ?? 'agent') === name)
              .map((m) => ({
                name: 'host',
                mountPath: '/host',
                ...(m.readOnly ? { readOnly: true } : {}),
                ...(m.subPath ? { subPath: m.subPath } : {}),
              })),
          })),
        },
      },
    },
  };
};

test('pod-host-path-volume', () => {
  const cases: [string, object, [string, string][]][] = [
    // the container runtime socket is root on the node, read-only or not
    ['docker.sock', daemonSet('/var/run/docker.sock'), [['sensitive', 'critical']]],
    [
      'docker.sock read-only',
      daemonSet('/var/run/docker.sock', [{ readOnly: true }]),
      [['sensitive', 'critical']],
    ],
    ['containerd dir', daemonSet('/run/containerd/'), [['sensitive', 'critical']]],
    // a parent of the socket exposes it too
    ['/var/run read-only', daemonSet('/var/run', [{ readOnly: true }]), [['sensitive', 'critical']]],
    // the whole node
    ['/', daemonSet('/'), [['sensitive', 'critical']]],
    // files: read-only lowers the severity
    ['/etc', daemonSet('/etc'), [['sensitive', 'critical']]],
    ['/etc read-only', daemonSet('/etc', [{ readOnly: true }]), [['sensitive', 'high']]],
    ['/var/lib/kubelet/pods', daemonSet('/var/lib/kubelet/pods'), [['sensitive', 'critical']]],
    ['/proc read-only', daemonSet('/proc', [{ readOnly: true }]), [['sensitive', 'high']]],
    // /var/log: writable is the log-symlink escape
    ['/var/log', daemonSet('/var/log'), [['sensitive', 'high']]],
    ['/var/log read-only', daemonSet('/var/log', [{ readOnly: true }]), [['sensitive', 'medium']]],
    // CA bundles mounted read-only are routine
    ['/etc/ssl/certs read-only', daemonSet('/etc/ssl/certs', [{ readOnly: true }]), [['hostPath', 'low']]],
    // an ordinary directory
    ['/data', daemonSet('/data/app'), [['hostPath', 'medium']]],
    ['/data read-only', daemonSet('/data/app', [{ readOnly: true }]), [['hostPath', 'low']]],
    // a socket type or .sock path anywhere stays dangerous read-only
    [
      'other socket',
      daemonSet('/var/agent/agent.sock', [{ readOnly: true }], 'Socket'),
      [['sensitive', 'high']],
    ],
    // one writer is enough for read-write
    [
      'one reader one writer',
      daemonSet('/etc', [{ container: 'a', readOnly: true }, { container: 'b' }]),
      [['sensitive', 'critical']],
    ],
    // subPath picks what the container sees of the node
    ['subPath of /', daemonSet('/', [{ subPath: 'data/app' }]), [['hostPath', 'medium']]],
    // a volume no container mounts exposes nothing
    ['unmounted', daemonSet('/etc', []), []],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => [f.messageId, f.severity]),
      expected,
      name,
    );
  }
});

test('pod-host-path-volume says what is mounted and by whom', () => {
  const [finding] = checkRule(rule, [
    daemonSet('/var', [{ container: 'a', readOnly: true }, { container: 'b' }]),
  ]);
  assert.equal(
    finding?.message,
    "hostPath volume host mounts /var of the node read-write (b), read-only (a): it contains /var/run/docker.sock: the container runtime's API socket: whoever reaches it is root on the node",
  );
  assert.deepEqual(finding?.path, ['spec', 'template', 'spec', 'volumes', 1, 'hostPath', 'path']);
  assert.equal(finding?.container, undefined, 'two containers: no single container to exempt');

  const [single] = checkRule(rule, [daemonSet('/data')]);
  assert.equal(single?.container, 'agent');
});
