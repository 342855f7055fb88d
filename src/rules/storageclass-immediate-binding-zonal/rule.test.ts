import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const sc = (fields: object, provisioner = 'ebs.csi.aws.com') => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'c' },
  provisioner,
  ...fields,
});

const node = (name: string, zone: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } },
});

test('storageclass-immediate-binding-zonal', () => {
  const cases: [string, object[], string[]][] = [
    // explicit Immediate
    ['immediate', [sc({ volumeBindingMode: 'Immediate' })], ['immediate']],
    // unset is Immediate
    ['unset', [sc({})], ['immediateByDefault']],
    // in-tree EBS too
    ['in-tree', [sc({ volumeBindingMode: 'Immediate' }, 'kubernetes.io/aws-ebs')], ['immediate']],
    // WaitForFirstConsumer
    ['wffc', [sc({ volumeBindingMode: 'WaitForFirstConsumer' })], []],
    // pinned with allowedTopologies
    [
      'allowedTopologies',
      [
        sc({
          volumeBindingMode: 'Immediate',
          allowedTopologies: [
            { matchLabelExpressions: [{ key: 'topology.ebs.csi.aws.com/zone', values: ['a'] }] },
          ],
        }),
      ],
      [],
    ],
    // an empty allowedTopologies list pins nothing
    [
      'empty allowedTopologies',
      [sc({ volumeBindingMode: 'Immediate', allowedTopologies: [] })],
      ['immediate'],
    ],
    // not EBS
    ['efs', [sc({ volumeBindingMode: 'Immediate' }, 'efs.csi.aws.com')], []],
    // single-zone cluster
    [
      'single zone',
      [sc({ volumeBindingMode: 'Immediate' }), node('a', 'us-east-1a'), node('b', 'us-east-1a')],
      [],
    ],
    // multi-zone cluster
    [
      'multi zone',
      [sc({ volumeBindingMode: 'Immediate' }), node('a', 'us-east-1a'), node('b', 'us-east-1b')],
      ['immediate'],
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

test('storageclass-immediate-binding-zonal sets WaitForFirstConsumer', () => {
  const [finding] = checkRule(rule, [sc({})]);
  assert.deepEqual(finding?.fix?.edits, [
    { op: 'set', path: ['volumeBindingMode'], value: 'WaitForFirstConsumer' },
  ]);
  assert.match(finding?.fix?.description ?? '', /immutable/);
});
