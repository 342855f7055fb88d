import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../core/resource.ts';
import { buildInventory } from '../inventory/inventory.ts';
import { readNodePool } from './node-pool.ts';
import {
  type Constraint,
  type LabelDomain,
  onDemandSelectorFor,
  placementOf,
  satisfiable,
} from './placement.ts';

function inventoryOf(objects: object[]) {
  return buildInventory(objects.map((o) => ({ object: o as KubeObject, origin: { source: 'test' } })));
}

function pool(name: string, spec: object, labels?: Record<string, string>) {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name },
    spec: { template: { ...(labels ? { metadata: { labels } } : {}), spec } },
  };
}

const capacity = (operator: string, values: string[]) => ({
  key: 'karpenter.sh/capacity-type',
  operator,
  values,
});

const mixed = pool('default', {
  requirements: [
    capacity('In', ['spot', 'on-demand']),
    { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
    { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: ['4'] },
  ],
});
const spotOnly = pool(
  'batch',
  {
    taints: [{ key: 'dedicated', value: 'batch', effect: 'NoSchedule' }],
    requirements: [capacity('In', ['spot'])],
  },
  { 'workload-class': 'batch' },
);

function deployment(spec: object) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'shop' },
    spec: { template: { spec: { containers: [{ name: 'app', image: 'app:1' }], ...spec } } },
  };
}

const tolerateBatch = {
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }],
};

test('placementOf: constraints against NodePools', () => {
  const cases: [string, object[], object, boolean, boolean][] = [
    // Nothing constrains it: the mixed pool gives both; the tainted spot pool is out of reach.
    ['unconstrained', [mixed, spotOnly], {}, true, true],
    // A nodeSelector on the capacity type keeps it on on-demand.
    [
      'nodeSelector on-demand',
      [mixed, spotOnly],
      { nodeSelector: { 'karpenter.sh/capacity-type': 'on-demand' } },
      false,
      true,
    ],
    // NotIn [spot] in a required term does the same.
    [
      'affinity NotIn spot',
      [mixed],
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [capacity('NotIn', ['spot'])] }],
            },
          },
        },
      },
      false,
      true,
    ],
    // Two terms are ORed: one of them allows spot.
    [
      'second term allows spot',
      [mixed],
      {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [capacity('In', ['on-demand'])] },
                { matchExpressions: [capacity('In', ['spot'])] },
              ],
            },
          },
        },
      },
      true,
      true,
    ],
    // A preference does not bind: Karpenter relaxes it.
    [
      'preferred on-demand',
      [mixed],
      {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, preference: { matchExpressions: [capacity('In', ['on-demand'])] } },
            ],
          },
        },
      },
      true,
      true,
    ],
    // Tolerating the taint and selecting the pool's label: only the spot pool takes it.
    [
      'pinned to the spot pool by label',
      [mixed, spotOnly],
      { ...tolerateBatch, nodeSelector: { 'workload-class': 'batch' } },
      true,
      false,
    ],
    // Tolerating the taint alone: either pool.
    ['tolerates the spot pool', [mixed, spotOnly], tolerateBatch, true, true],
    // An instance-generation the pool excludes: nothing takes it.
    [
      'generation the pool excludes',
      [mixed],
      { nodeSelector: { 'karpenter.k8s.aws/instance-generation': '3' } },
      false,
      false,
    ],
    // A well-known label within the pool's requirements is fine (any zone).
    ['zone selector', [mixed], { nodeSelector: { 'topology.kubernetes.io/zone': 'us-east-1a' } }, true, true],
    // A custom label no pool sets: Karpenter cannot satisfy it.
    ['unknown label', [mixed], { nodeSelector: { team: 'payments' } }, false, false],
    // A pool without a capacity-type requirement can launch spot (Karpenter's AWS provider prefers it).
    ['pool without capacity-type', [pool('any', { requirements: [] })], {}, true, true],
    // An arch the pool does not offer.
    ['arm64 on an amd64 pool', [mixed], { nodeSelector: { 'kubernetes.io/arch': 'arm64' } }, false, false],
  ];
  for (const [name, pools, spec, spot, onDemand] of cases) {
    const inventory = inventoryOf([...pools, deployment(spec)]);
    const workload = inventory.ofKind('Deployment')[0];
    assert.ok(workload);
    const p = placementOf(inventory, workload);
    assert.equal(p.canLandOnSpot, spot, `${name}: spot (${p.how})`);
    assert.equal(p.canLandOnOnDemand, onDemand, `${name}: on-demand (${p.how})`);
  }
});

test('placementOf: Nodes no NodePool accounts for, and what the fix selector would be', () => {
  const node = (name: string, labels: Record<string, string>, taints?: object[]) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels },
    ...(taints ? { spec: { taints } } : {}),
  });
  const inventory = inventoryOf([
    node('mng-spot', { 'eks.amazonaws.com/capacityType': 'SPOT' }),
    node('mng-od', { 'eks.amazonaws.com/capacityType': 'ON_DEMAND' }, [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
    ]),
    node('fargate-x', { 'eks.amazonaws.com/compute-type': 'fargate' }),
    deployment({}),
  ]);
  const workload = inventory.ofKind('Deployment')[0];
  assert.ok(workload);
  const p = placementOf(inventory, workload);
  assert.equal(p.basis, 'nodes');
  // A transient taint does not make the on-demand node unreachable.
  assert.equal(p.canLandOnOnDemand, true);
  assert.equal(p.canLandOnSpot, true);
  assert.deepEqual(
    p.options.map((o) => `${o.target.name}/${o.capacityType}`),
    ['mng-spot/spot', 'mng-od/on-demand'],
  );
  assert.deepEqual(onDemandSelectorFor(inventory, p), {
    key: 'eks.amazonaws.com/capacityType',
    value: 'ON_DEMAND',
  });
  const pinned = placementOf(inventory, workload, {
    extraNodeSelector: { 'eks.amazonaws.com/capacityType': 'ON_DEMAND' },
  });
  assert.equal(pinned.canLandOnSpot, false);
  assert.equal(pinned.ownConstraint, 'on-demand-only');
});

test('satisfiable: a label domain against constraints', () => {
  const c = (operator: string, ...values: string[]): Constraint => ({ key: 'k', operator, values });
  const free: LabelDomain = { kind: 'free', mayBeAbsent: false };
  const cases: [string, LabelDomain, Constraint[], boolean][] = [
    // Fixed values are checked directly.
    ['fixed In', { kind: 'fixed', value: 'a' }, [c('In', 'a', 'b')], true],
    ['fixed NotIn', { kind: 'fixed', value: 'a' }, [c('NotIn', 'a')], false],
    // An absent label satisfies NotIn and DoesNotExist only.
    ['absent NotIn', { kind: 'absent' }, [c('NotIn', 'a')], true],
    ['absent Exists', { kind: 'absent' }, [c('Exists')], false],
    // A free label needs a common value of all In lists that no NotIn excludes.
    ['free In ∩ In', free, [c('In', 'a', 'b'), c('In', 'b', 'c')], true],
    ['free In minus NotIn', free, [c('In', 'a'), c('NotIn', 'a')], false],
    // Numeric bounds need an integer between them.
    ['Gt 4 Lt 6', free, [c('Gt', '4'), c('Lt', '6')], true],
    ['Gt 4 Lt 5', free, [c('Gt', '4'), c('Lt', '5')], false],
    ['In 3 with Gt 4', free, [c('In', '3'), c('Gt', '4')], false],
    // A label that must be present cannot satisfy DoesNotExist.
    ['free DoesNotExist', free, [c('DoesNotExist')], false],
    ['maybe-absent DoesNotExist', { kind: 'free', mayBeAbsent: true }, [c('DoesNotExist')], true],
  ];
  for (const [name, domain, constraints, expected] of cases)
    assert.equal(satisfiable(domain, constraints), expected, name);
});

test('readNodePool: capacity types from requirements', () => {
  const entry = (requirements: object[]) => ({
    object: pool('p', { requirements }) as KubeObject,
    ref: { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', name: 'p' },
    origin: { source: 'test' as const },
    key: 'karpenter.sh/NodePool//p',
  });
  const cases: [string, object[], string[]][] = [
    // No requirement: spot and on-demand (reserved only when asked for by name).
    ['none', [], ['spot', 'on-demand']],
    ['In spot', [capacity('In', ['spot'])], ['spot']],
    ['NotIn on-demand', [capacity('NotIn', ['on-demand'])], ['spot']],
    ['In all three', [capacity('In', ['spot', 'on-demand', 'reserved'])], ['spot', 'on-demand', 'reserved']],
    [
      'two requirements intersect',
      [capacity('In', ['spot', 'on-demand']), capacity('NotIn', ['spot'])],
      ['on-demand'],
    ],
  ];
  for (const [name, requirements, expected] of cases)
    assert.deepEqual(readNodePool(entry(requirements))?.capacityTypes, expected, name);
});
