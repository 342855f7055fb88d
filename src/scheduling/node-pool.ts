/**
 * Karpenter NodePools (`karpenter.sh/v1` and `v1beta1`) as the spot analysis reads them: the
 * capacity types a pool may launch, its requirements, and the labels and taints its nodes get.
 *
 * Karpenter's AWS provider launches spot whenever the NodeClaim's requirements allow it and a
 * spot offering exists (`getCapacityType` in karpenter-provider-aws), so a pool without a
 * `karpenter.sh/capacity-type` requirement can launch spot as well as on-demand
 * (aws/karpenter-provider-aws#5015), whatever older docs say about a default: the on-demand
 * default was the v1alpha5 Provisioner's webhook, dropped for v1beta1 (aws/karpenter-provider-aws
 * #4639), and core's NodeClaimTemplate takes the capacity types from the available offerings.
 * `reserved` (capacity reservations, Karpenter 1.3+) counts only when a requirement names it.
 */
import type { ObjectPath } from '../core/finding.ts';
import { asRecord } from '../core/records.ts';
import { groupOf, type KubeObject } from '../core/resource.ts';
import { getAt } from '../core/workload.ts';
import type { Inventory, InventoryEntry } from '../inventory/inventory.ts';

export type CapacityType = 'spot' | 'on-demand' | 'reserved';

export const CAPACITY_TYPE_LABEL = 'karpenter.sh/capacity-type';
export const NODEPOOL_LABEL = 'karpenter.sh/nodepool';
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
export const INSTANCE_FAMILY_LABEL = 'karpenter.k8s.aws/instance-family';
export const INSTANCE_CATEGORY_LABEL = 'karpenter.k8s.aws/instance-category';
export const INSTANCE_GENERATION_LABEL = 'karpenter.k8s.aws/instance-generation';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const ZONE_ID_LABEL = 'topology.k8s.aws/zone-id';

/** Capacity types a pool may launch when nothing narrows them (`reserved` needs to be asked for). */
const UNCONSTRAINED: readonly CapacityType[] = ['spot', 'on-demand'];
const KNOWN_CAPACITY_TYPES: readonly CapacityType[] = ['spot', 'on-demand', 'reserved'];

/** One `requirements` entry (the Kubernetes NodeSelectorRequirement plus Karpenter's minValues). */
export interface Requirement {
  key: string;
  operator: string;
  values: string[];
  minValues?: number;
  /** Path of the requirement in the NodePool. */
  path: ObjectPath;
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodePoolView {
  entry: InventoryEntry;
  name: string;
  requirements: Requirement[];
  /** Labels every node of the pool carries: template labels and `karpenter.sh/nodepool`. */
  labels: Record<string, string>;
  /** Taints pods must tolerate (startup taints are not: Karpenter expects them removed). */
  taints: Taint[];
  /** Capacity types the pool may launch, in the order spot, on-demand, reserved. */
  capacityTypes: CapacityType[];
  /** The requirements that name `karpenter.sh/capacity-type`. */
  capacityTypeRequirements: Requirement[];
}

/** A Karpenter NodePool (group `karpenter.sh`); other products also have a kind called NodePool. */
export function isKarpenterNodePool(object: KubeObject): boolean {
  return object.kind === 'NodePool' && groupOf(object.apiVersion) === 'karpenter.sh';
}

/** Path of the NodePool's node template spec (requirements, taints). */
export const TEMPLATE_SPEC_PATH: ObjectPath = ['spec', 'template', 'spec'];

export function readRequirements(object: KubeObject): Requirement[] {
  const raw = getAt(object, [...TEMPLATE_SPEC_PATH, 'requirements']);
  if (!Array.isArray(raw)) return [];
  const out: Requirement[] = [];
  raw.forEach((item, index) => {
    const r = asRecord(item);
    if (!r || typeof r.key !== 'string' || typeof r.operator !== 'string') return;
    const values = Array.isArray(r.values) ? r.values.map(String) : [];
    const requirement: Requirement = {
      key: r.key,
      operator: r.operator,
      values,
      path: [...TEMPLATE_SPEC_PATH, 'requirements', index],
    };
    if (typeof r.minValues === 'number') requirement.minValues = r.minValues;
    out.push(requirement);
  });
  return out;
}

export function readTaints(value: unknown): Taint[] {
  if (!Array.isArray(value)) return [];
  const out: Taint[] = [];
  for (const item of value) {
    const t = asRecord(item);
    if (!t || typeof t.key !== 'string' || typeof t.effect !== 'string') continue;
    out.push({ key: t.key, effect: t.effect, ...(typeof t.value === 'string' ? { value: t.value } : {}) });
  }
  return out;
}

/** The capacity types the `karpenter.sh/capacity-type` requirements leave (all of them must hold). */
function capacityTypesFrom(requirements: Requirement[]): CapacityType[] {
  let allowed = new Set<CapacityType>(KNOWN_CAPACITY_TYPES);
  let named = false;
  for (const r of requirements) {
    switch (r.operator) {
      case 'In':
        allowed = new Set([...allowed].filter((v) => r.values.includes(v)));
        named = true;
        break;
      case 'NotIn':
        allowed = new Set([...allowed].filter((v) => !r.values.includes(v)));
        break;
      case 'DoesNotExist':
        allowed = new Set();
        break;
      default:
        // Exists (and operators the API server would reject) leave the set as it is.
        break;
    }
  }
  // Reserved capacity is launched only where a requirement asks for it by name.
  if (!named) allowed = new Set([...allowed].filter((v) => UNCONSTRAINED.includes(v)));
  return KNOWN_CAPACITY_TYPES.filter((c) => allowed.has(c));
}

export function readNodePool(entry: InventoryEntry): NodePoolView | undefined {
  if (!isKarpenterNodePool(entry.object)) return undefined;
  const requirements = readRequirements(entry.object);
  const capacityTypeRequirements = requirements.filter((r) => r.key === CAPACITY_TYPE_LABEL);
  const templateLabels = asRecord(getAt(entry.object, ['spec', 'template', 'metadata', 'labels'])) ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(templateLabels)) labels[k] = String(v);
  labels[NODEPOOL_LABEL] = entry.ref.name;
  return {
    entry,
    name: entry.ref.name,
    requirements,
    labels,
    taints: readTaints(getAt(entry.object, [...TEMPLATE_SPEC_PATH, 'taints'])),
    capacityTypes: capacityTypesFrom(capacityTypeRequirements),
    capacityTypeRequirements,
  };
}

/** Every Karpenter NodePool of the inventory, read once per inventory. */
export function nodePoolsOf(inventory: Inventory): NodePoolView[] {
  return inventory.derived('node-pools', () =>
    inventory
      .ofKind('NodePool')
      .map(readNodePool)
      .filter((p): p is NodePoolView => p !== undefined),
  );
}

export function allowsSpot(pool: NodePoolView): boolean {
  return pool.capacityTypes.includes('spot');
}

export function allowsOnDemand(pool: NodePoolView): boolean {
  return pool.capacityTypes.includes('on-demand');
}

/** `spot, on-demand` — how a message names a pool's capacity types. */
export function formatCapacityTypes(types: readonly CapacityType[]): string {
  return types.length === 0 ? 'no capacity type' : types.join(', ');
}

/** The values an `In` requirement on `key` narrows the pool to (intersection of all of them), if any. */
export function inValues(pool: NodePoolView, key: string): string[] | undefined {
  let values: string[] | undefined;
  for (const r of pool.requirements) {
    if (r.key !== key || r.operator !== 'In') continue;
    values = values === undefined ? [...r.values] : values.filter((v) => r.values.includes(v));
  }
  return values === undefined ? undefined : [...new Set(values)];
}
