import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../config/config.ts';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const node = (name: string, type?: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: type ? { 'node.kubernetes.io/instance-type': type } : {} },
});

/** A running pod on `nodeName` with one bound claim, its PV backed by `driver`. */
const podWithVolume = (i: number, nodeName: string, driver = 'ebs.csi.aws.com', phase = 'Running') => [
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p-${i}`, namespace: 'ns' },
    spec: {
      nodeName,
      containers: [{ name: 'c' }],
      volumes: [{ name: 'd', persistentVolumeClaim: { claimName: `c-${i}` } }],
    },
    status: { phase },
  },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: `c-${i}`, namespace: 'ns' },
    spec: { volumeName: `pv-${i}` },
    status: { phase: 'Bound' },
  },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pv-${i}` },
    spec: { csi: { driver, volumeHandle: `vol-${i}` }, claimRef: { namespace: 'ns', name: `c-${i}` } },
  },
];

const many = (count: number, nodeName: string, driver?: string, phase?: string) =>
  Array.from({ length: count }, (_, i) => podWithVolume(i, nodeName, driver, phase)).flat();

const csiNode = (name: string, count: number) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'CSINode',
  metadata: { name },
  spec: { drivers: [{ name: 'ebs.csi.aws.com', allocatable: { count } }] },
});

test('node-ebs-attach-limit', () => {
  const cases: [string, object[], string[]][] = [
    // c6i.2xlarge ≈ 23: 18 volumes is 78%
    ['below 80%', [node('n', 'c6i.2xlarge'), ...many(18, 'n')], []],
    // 19 of 23 is 83%
    ['above 80%', [node('n', 'c6i.2xlarge'), ...many(19, 'n')], ['nearLimit']],
    // 23 of 23
    ['at limit', [node('n', 'c6i.2xlarge'), ...many(23, 'n')], ['atLimit']],
    // CSINode wins over the estimate
    ['csinode', [node('n', 'c6i.2xlarge'), csiNode('n', 4), ...many(4, 'n')], ['atLimit']],
    // EFS volumes do not count
    ['efs', [node('n', 'c6i.2xlarge'), ...many(23, 'n', 'efs.csi.aws.com')], []],
    // pods on another node do not count
    ['other node', [node('n', 'c6i.2xlarge'), ...many(23, 'm')], []],
    // finished pods have released their volumes
    ['succeeded pods', [node('n', 'c6i.2xlarge'), ...many(23, 'n', undefined, 'Succeeded')], []],
    // unknown instance type and no CSINode: no guess
    ['unknown type', [node('n'), ...many(30, 'n')], []],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('node-ebs-attach-limit explains the limit and honours warnPercent', () => {
  const [finding] = checkRule(rule, [node('n', 'r6i.large'), ...many(20, 'n')]);
  assert.equal(
    finding?.message,
    '20 of 24 EBS attachments are in use on this r6i.large node (83%; estimated: r6i.large shares 28 attachments with its network interfaces: 28 minus the root volume minus up to 3 ENIs), by 20 pod(s): a few more pods with volumes and attaches start failing',
  );
  const config = { ...DEFAULT_CONFIG, rules: { 'node-ebs-attach-limit': { options: { warnPercent: 90 } } } };
  assert.deepEqual(checkRule(rule, [node('n', 'r6i.large'), ...many(20, 'n')], { config }), []);
});
