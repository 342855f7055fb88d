import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule, { pinnedZones } from './rule.ts';

const pv = (zone: string) => [
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'ns' },
    spec: { volumeName: 'pv-1' },
    status: { phase: 'Bound' },
  },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1' },
    spec: {
      csi: { driver: 'ebs.csi.aws.com' },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'topology.ebs.csi.aws.com/zone', operator: 'In', values: [zone] }] },
          ],
        },
      },
    },
  },
];

const node = (name: string, zone: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'topology.kubernetes.io/zone': zone } },
});

const pod = (spec: object, phase = 'Running') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  spec: {
    ...spec,
    containers: [{ name: 'c' }],
    volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
  },
  status: { phase },
});

const conflict = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'p.1', namespace: 'ns' },
  involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns' },
  reason: 'FailedScheduling',
  type: 'Warning',
  message: '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had volume node affinity conflict.',
};

test('pinnedZones', () => {
  // nodeSelector
  assert.deepEqual(pinnedZones({ nodeSelector: { 'topology.kubernetes.io/zone': 'a' } }), new Set(['a']));
  // terms are ORed
  const term = (values: string[]) => ({
    matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values }],
  });
  const affinity = (...terms: object[]) => ({
    affinity: {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
    },
  });
  assert.deepEqual(pinnedZones(affinity(term(['a']), term(['b']))), new Set(['a', 'b']));
  // a term without a zone constraint allows any zone
  assert.equal(
    pinnedZones(affinity(term(['a']), { matchExpressions: [{ key: 'x', operator: 'Exists' }] })),
    undefined,
  );
  // nothing pinned
  assert.equal(pinnedZones({}), undefined);
});

test('pv-zone-mismatch', () => {
  const cases: [string, object[], string[]][] = [
    // running in the volume's zone
    ['same zone', [...pv('b'), node('n1', 'b'), pod({ nodeName: 'n1' })], []],
    // on a node in another zone
    [
      'other zone node',
      [...pv('b'), node('n1', 'a'), pod({ nodeName: 'n1' }, 'Pending')],
      ['runningInOtherZone'],
    ],
    // pinned elsewhere
    [
      'pinned',
      [...pv('b'), pod({ nodeSelector: { 'topology.kubernetes.io/zone': 'a' } }, 'Pending')],
      ['pinnedToOtherZone'],
    ],
    // Pending with the scheduler's conflict event
    ['pending conflict', [...pv('b'), node('n1', 'b'), pod({}, 'Pending'), conflict], ['pendingVolumeZone']],
    // Pending and no node in the volume's zone
    ['pending no node in zone', [...pv('b'), node('n1', 'a'), pod({}, 'Pending')], ['pendingVolumeZone']],
    // Pending for some other reason
    ['pending other', [...pv('b'), node('n1', 'b'), pod({}, 'Pending')], []],
    // a PV without zone information
    [
      'no zones',
      [
        { ...pv('b')[0] },
        {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: 'pv-1' },
          spec: { csi: { driver: 'ebs.csi.aws.com' } },
        },
        node('n1', 'a'),
        pod({ nodeName: 'n1' }),
      ],
      [],
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

test('pv-zone-mismatch: a template speaks only when its pods are not in the scan', () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', namespace: 'ns' },
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: {
          nodeSelector: { 'topology.kubernetes.io/zone': 'a' },
          containers: [{ name: 'c' }],
          volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
        },
      },
    },
  };
  const [finding] = checkRule(rule, [...pv('b'), deployment]);
  assert.equal(finding?.messageId, 'pinnedToOtherZone');
  assert.deepEqual(finding?.path, ['spec', 'template', 'spec', 'nodeSelector']);
});
