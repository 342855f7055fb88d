import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRule } from '../../testing/rule-tester.ts';
import rule, { recommendedReplicas } from './rule.ts';

const spread = {
  topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
  ],
};

const coredns = (replicas: number | undefined, podSpec: object = spread) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'coredns', namespace: 'kube-system' },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    template: {
      metadata: { labels: { 'k8s-app': 'kube-dns' } },
      spec: { ...podSpec, containers: [{ name: 'coredns' }] },
    },
  },
});

const pdb = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'coredns', namespace: 'kube-system' },
  spec: { maxUnavailable: 1, selector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
};

const nodes = (count: number, cpu: string) =>
  Array.from({ length: count }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${i}` },
    status: { capacity: { cpu } },
  }));

const pod = (name: string, node: string, labels: object = { 'k8s-app': 'kube-dns' }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'kube-system',
    labels,
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'coredns-abc', controller: true }],
  },
  spec: { nodeName: node, containers: [{ name: 'coredns' }] },
  status: { phase: 'Running' },
});

test('recommendedReplicas follows the dns-autoscaler linear defaults', () => {
  // unknown cluster: the single-point-of-failure floor
  assert.equal(recommendedReplicas({ nodes: 0, cores: 0 }), 2);
  // one node: no floor of 2
  assert.equal(recommendedReplicas({ nodes: 1, cores: 4 }), 1);
  // 40 nodes: ceil(40/16) = 3
  assert.equal(recommendedReplicas({ nodes: 40, cores: 160 }), 3);
  // few big nodes: cores win, ceil(600/256) = 3
  assert.equal(recommendedReplicas({ nodes: 4, cores: 600 }), 3);
});

test('coredns-capacity', () => {
  const cases: [string, object[], string[]][] = [
    // two spread replicas with a PDB, small cluster
    ['healthy', [coredns(2), pdb, ...nodes(4, '8')], []],
    // replicas unset means 1
    ['replicas unset', [coredns(undefined), pdb], ['tooFewReplicas']],
    // 40 nodes need 3
    ['outgrown', [coredns(2), pdb, ...nodes(40, '4')], ['tooFewReplicas']],
    // an HPA with minReplicas 3 sets the floor
    [
      'hpa floor',
      [
        coredns(2),
        pdb,
        ...nodes(40, '4'),
        {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'coredns', namespace: 'kube-system' },
          spec: { scaleTargetRef: { kind: 'Deployment', name: 'coredns' }, minReplicas: 3, maxReplicas: 10 },
        },
      ],
      [],
    ],
    // the dns-autoscaler owns replicas
    [
      'cluster-proportional-autoscaler',
      [
        coredns(2),
        pdb,
        ...nodes(40, '4'),
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'dns-autoscaler', namespace: 'kube-system' },
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'autoscaler',
                    command: ['/cluster-proportional-autoscaler', '--target=Deployment/coredns'],
                  },
                ],
              },
            },
          },
        },
      ],
      [],
    ],
    // no PDB
    ['no pdb', [coredns(2)], ['noPdb']],
    // no spread
    ['no spread', [coredns(2, {}), pdb], ['noSpread']],
    // a zone-only spread counts too
    [
      'zone spread',
      [
        coredns(2, {
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone' }],
        }),
        pdb,
      ],
      [],
    ],
    // snapshot: both pods on one node, nothing spreads them
    ['pods on one node', [pod('coredns-abc-1', 'n1'), pod('coredns-abc-2', 'n1')], ['allOnOneNode']],
    // snapshot: on two nodes but nothing spreads them
    ['pods on two nodes', [pod('coredns-abc-1', 'n1'), pod('coredns-abc-2', 'n2')], ['noSpread']],
    // snapshot with PDBs dumped: a missing CoreDNS PDB is known
    [
      'snapshot without coredns pdb',
      [
        pod('coredns-abc-1', 'n1'),
        pod('coredns-abc-2', 'n1'),
        { ...pdb, spec: { selector: { matchLabels: { app: 'other' } } } },
      ],
      ['allOnOneNode', 'noPdb'],
    ],
    // snapshot: one pod left on a known 4-node cluster
    ['one pod', [pod('coredns-abc-1', 'n1'), ...nodes(4, '8')], ['tooFewReplicas']],
    // not CoreDNS
    ['other pods', [pod('x-1', 'n1', { app: 'x' }), pod('x-2', 'n1', { app: 'x' })], []],
  ];
  for (const [name, objects, expected] of cases) {
    assert.deepEqual(
      checkRule(rule, objects)
        .map((f) => f.messageId)
        .sort(),
      [...expected].sort(),
      name,
    );
  }
});

test('coredns-capacity reports once per snapshot, names a spot node, and fixes the Deployment', () => {
  const spotNode = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', labels: { 'karpenter.sh/capacity-type': 'spot' } },
    status: { capacity: { cpu: '8' } },
  };
  const findings = checkRule(rule, [pod('coredns-abc-2', 'n1'), pod('coredns-abc-1', 'n1'), spotNode]);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.ref.name, 'coredns-abc-1');
  assert.equal(findings[0]?.severity, 'high');
  assert.match(findings[0]?.message ?? '', /all 2 CoreDNS pods run on one node, n1 \(a spot node\)/);

  const [replicas] = checkRule(rule, [coredns(2), pdb, ...nodes(40, '4')]);
  assert.deepEqual(replicas?.fix?.edits, [{ op: 'set', path: ['spec', 'replicas'], value: 3 }]);
  const [noSpread] = checkRule(rule, [coredns(2, {}), pdb]);
  assert.equal(noSpread?.fix?.edits.length, 2);
});
