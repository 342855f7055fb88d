import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule from './rule.ts';

const sc = (name: string, mode: string, isDefault = false) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name,
    ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
  },
  provisioner: 'ebs.csi.aws.com',
  volumeBindingMode: mode,
});

const claim = (storageClassName: string | undefined, phase?: string, created = '2026-10-31T12:00:00Z') => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'app', creationTimestamp: created },
  spec: {
    ...(storageClassName === undefined ? {} : { storageClassName }),
    resources: { requests: { storage: '1Gi' } },
  },
  ...(phase ? { status: { phase } } : {}),
});

const warning = (reason: string, message: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'data.1', namespace: 'app' },
  involvedObject: { kind: 'PersistentVolumeClaim', name: 'data', namespace: 'app' },
  reason,
  message,
  type: 'Warning',
  count: 3,
  lastTimestamp: '2026-10-31T23:59:00Z',
});

const pod = (name: string, claimName?: string, phase = 'Pending') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'app' },
  spec: {
    containers: [{ name: 'c' }],
    volumes: claimName ? [{ name: 'd', persistentVolumeClaim: { claimName } }] : [],
  },
  status: { phase },
});

test('pvc-pending', () => {
  const cases: [string, object[], string[]][] = [
    // manifest: a class the scan does not define
    [
      'manifest, missing class',
      [sc('gp3', 'WaitForFirstConsumer', true), claim('fast')],
      ['missingStorageClass'],
    ],
    // manifest: no StorageClasses at all, cannot tell
    ['manifest, no classes known', [claim('fast')], []],
    // manifest: existing class
    ['manifest, class exists', [sc('gp3', 'WaitForFirstConsumer'), claim('gp3')], []],
    // Bound
    ['bound', [sc('gp3', 'Immediate'), claim('gp3', 'Bound')], []],
    // snapshot without classes, but the provisioner says not found
    [
      'not found event',
      [
        claim('fast', 'Pending'),
        warning('ProvisioningFailed', 'storageclass.storage.k8s.io "fast" not found'),
      ],
      ['missingStorageClass'],
    ],
    // no class named, no default
    ['no default', [sc('gp3', 'Immediate'), claim(undefined, 'Pending')], ['noDefaultClass']],
    // no class named, a default exists, provisioning fails
    [
      'default class fails',
      [sc('gp3', 'Immediate', true), claim(undefined, 'Pending'), warning('ProvisioningFailed', 'quota')],
      ['pending'],
    ],
    // WaitForFirstConsumer, no pod mounts it, old
    [
      'wffc orphan',
      [sc('gp3', 'WaitForFirstConsumer'), claim('gp3', 'Pending'), pod('other')],
      ['waitingForConsumer'],
    ],
    // WaitForFirstConsumer, a pod mounts it: by design
    [
      'wffc with consumer',
      [sc('gp3', 'WaitForFirstConsumer'), claim('gp3', 'Pending'), pod('user', 'data')],
      [],
    ],
    // WaitForFirstConsumer, just created
    [
      'wffc fresh',
      [sc('gp3', 'WaitForFirstConsumer'), claim('gp3', 'Pending', '2026-10-31T23:58:00Z'), pod('other')],
      [],
    ],
    // WaitForFirstConsumer but the provisioner warns after the pod was scheduled
    [
      'wffc with warning',
      [
        sc('gp3', 'WaitForFirstConsumer'),
        claim('gp3', 'Pending'),
        pod('user', 'data'),
        warning('ProvisioningFailed', 'InvalidZone'),
      ],
      ['pending'],
    ],
    // Immediate, stuck for 12h without events
    ['immediate stuck', [sc('io2', 'Immediate'), claim('io2', 'Pending')], ['pending']],
    // a snapshot without StorageClasses or events: it may be waiting for its pod by design
    ['unknown class, no warnings', [claim('gp3', 'Pending'), pod('user', 'data')], []],
    // Immediate, two minutes old
    ['immediate fresh', [sc('io2', 'Immediate'), claim('io2', 'Pending', '2026-10-31T23:58:00Z')], []],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects).map((f) => f.messageId),
      expected,
      name,
    );
  }
});

test('pvc-pending names the class, the blocked pod and the latest warning', () => {
  const [finding] = checkRule(rule, [
    claim('fast', 'Pending'),
    warning('ProvisioningFailed', 'storageclass.storage.k8s.io "fast" not found'),
    pod('job-abc', 'data'),
  ]);
  assert.equal(
    finding?.message,
    'claim asks for StorageClass fast, which does not exist: nothing will ever provision it and it stays Pending; used by pod app/job-abc (Pending); latest warnings: ProvisioningFailed ×3 (last 1m ago): storageclass.storage.k8s.io "fast" not found',
  );
  const [orphan] = checkRule(rule, [
    sc('gp3', 'WaitForFirstConsumer'),
    claim('gp3', 'Pending'),
    pod('other'),
  ]);
  assert.equal(orphan?.severity, 'low');
});
