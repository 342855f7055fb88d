import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const sc = (provisioner: string, parameters?: Record<string, string>) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'c' },
  provisioner,
  volumeBindingMode: 'WaitForFirstConsumer',
  ...(parameters ? { parameters } : {}),
});

test('storageclass-legacy-ebs', () => {
  const cases: [string, object, string[]][] = [
    // in-tree with gp2: both
    ['in-tree gp2', sc('kubernetes.io/aws-ebs', { type: 'gp2' }), ['inTreeProvisioner', 'gp2Volumes']],
    // in-tree without a type defaults to gp2
    ['in-tree default type', sc('kubernetes.io/aws-ebs'), ['inTreeProvisioner', 'gp2Volumes']],
    // in-tree io1
    ['in-tree io1', sc('kubernetes.io/aws-ebs', { type: 'io1', iopsPerGB: '10' }), ['inTreeProvisioner']],
    // CSI with gp2
    ['csi gp2', sc('ebs.csi.aws.com', { type: 'gp2' }), ['gp2Volumes']],
    // CSI, type case-insensitive
    ['csi GP2', sc('ebs.csi.aws.com', { type: 'GP2' }), ['gp2Volumes']],
    // CSI default type is gp3
    ['csi default', sc('ebs.csi.aws.com'), []],
    // CSI gp3
    ['csi gp3', sc('ebs.csi.aws.com', { type: 'gp3' }), []],
    // not EBS
    ['efs', sc('efs.csi.aws.com'), []],
  ];
  for (const [name, object, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, [object]).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('storageclass-legacy-ebs converts in-tree parameters, and only offers gp3 on the CSI driver', () => {
  const [inTree, gp2] = checkRule(rule, [sc('kubernetes.io/aws-ebs', { type: 'gp2', fsType: 'xfs' })]);
  assert.deepEqual(inTree?.fix?.edits, [
    { op: 'set', path: ['provisioner'], value: 'ebs.csi.aws.com' },
    { op: 'remove', path: ['parameters', 'fsType'] },
    { op: 'set', path: ['parameters', 'csi.storage.k8s.io/fstype'], value: 'xfs' },
  ]);
  assert.equal(gp2?.fix, undefined);
  assert.equal(gp2?.severity, 'low');
  const [zoned] = checkRule(rule, [sc('kubernetes.io/aws-ebs', { type: 'io1', zone: 'us-east-1a' })]);
  assert.equal(zoned?.fix, undefined, 'zone parameters have no CSI equivalent: no mechanical fix');
  const [csi] = checkRule(rule, [sc('ebs.csi.aws.com', { type: 'gp2' })]);
  assert.deepEqual(csi?.fix?.edits, [{ op: 'set', path: ['parameters', 'type'], value: 'gp3' }]);
});
