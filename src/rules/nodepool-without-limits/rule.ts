import { compareText } from '../../core/compare-text.ts';
import { formatBytes, formatCpu, parseQuantity } from '../../core/quantity.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { getAt } from '../../core/workload.ts';
import { ec2Catalogue, type InstanceType } from '../../data/ec2-catalogue.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import {
  INSTANCE_FAMILY_LABEL,
  INSTANCE_TYPE_LABEL,
  isKarpenterNodePool,
  NODEPOOL_LABEL,
  type Requirement,
  readRequirements,
  TEMPLATE_SPEC_PATH,
} from '../../scheduling/node-pool.ts';
import { defineRule } from '../define-rule.ts';

/** Limits that bound how much the pool can launch: the total of CPU, memory or nodes. */
const BOUNDING = ['cpu', 'memory', 'nodes'];

/** Labels Karpenter's AWS provider sets only on the types that have the feature (GPU, NVMe…). */
const AWS_INSTANCE_LABEL_PREFIX = 'karpenter.k8s.aws/instance-';

/** Whether a requirement admits an instance type with these labels, as Karpenter matches them. */
function admits(r: Requirement, labels: Record<string, string>): boolean {
  const value = labels[r.key];
  if (value === undefined) {
    // The AWS provider gives a type without a GPU, NVMe… no such label (DoesNotExist); other
    // keys (zone, capacity type, the pool's own labels) do not narrow the instance type.
    if (!r.key.startsWith(AWS_INSTANCE_LABEL_PREFIX)) return true;
    return r.operator === 'NotIn' || r.operator === 'DoesNotExist';
  }
  const n = Number(value);
  const bound = Number(r.values[0]);
  switch (r.operator) {
    case 'In':
      return r.values.includes(value);
    case 'NotIn':
      return !r.values.includes(value);
    case 'DoesNotExist':
      return false;
    case 'Gt':
      return n > bound;
    case 'Gte':
      return n >= bound;
    case 'Lt':
      return n < bound;
    case 'Lte':
      return n <= bound;
    default:
      return true;
  }
}

type LimitedTypes = { known: true; without: InstanceType[] } | { known: false; reason: string };

/**
 * The instance types the pool may launch that have none of the limited resources, from the EC2
 * catalogue. A limit on a resource every such type has (`nvidia.com/gpu` on a pool of GPU
 * families) caps how many nodes the pool launches; Karpenter checks limits against the instance
 * type's capacity, extended resources included.
 */
function typesWithout(pool: KubeObject, resources: string[]): LimitedTypes {
  const group = getAt(pool, [...TEMPLATE_SPEC_PATH, 'nodeClassRef', 'group']);
  if (typeof group === 'string' && group !== 'karpenter.k8s.aws')
    return { known: false, reason: `its nodes come from ${group}, not EC2` };
  const requirements = readRequirements(pool);
  const types = [...ec2Catalogue().types.values()];
  for (const r of requirements) {
    if (r.operator !== 'In' || (r.key !== INSTANCE_TYPE_LABEL && r.key !== INSTANCE_FAMILY_LABEL)) continue;
    const unknown = r.values.find((v) => !types.some((t) => t.labels[r.key] === v));
    if (unknown !== undefined)
      return { known: false, reason: `${unknown} is not in hindsight's EC2 catalogue` };
  }
  const allowed = types.filter((t) => requirements.every((r) => admits(r, t.labels)));
  if (allowed.length === 0)
    return { known: false, reason: "its requirements match no type in hindsight's EC2 catalogue" };
  const has = (t: InstanceType) => resources.some((k) => (t.extendedResources?.[k] ?? 0) > 0);
  return { known: true, without: allowed.filter((t) => !has(t)) };
}

/** `c5.large, m5.large, c5.xlarge and 310 more`: the smallest first. */
function someOf(types: InstanceType[]): string {
  const names = [...types].sort((a, b) => a.vcpu - b.vcpu || compareText(a.name, b.name)).map((t) => t.name);
  const shown = names.slice(0, 3).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/** What the pool's nodes in the inventory hold now, as a hint for sizing the limit. */
function currentSize(inventory: Inventory, pool: string): string {
  let cpu = 0;
  let memory = 0;
  let nodes = 0;
  for (const node of inventory.ofKind('Node')) {
    if (node.object.metadata.labels?.[NODEPOOL_LABEL] !== pool) continue;
    const capacity = asRecord(asRecord(node.object.status)?.capacity);
    nodes++;
    const c = capacity?.cpu;
    const m = capacity?.memory;
    if (typeof c === 'string' || typeof c === 'number') cpu += parseQuantity(c) ?? 0;
    if (typeof m === 'string' || typeof m === 'number') memory += parseQuantity(m) ?? 0;
  }
  if (nodes === 0) return '';
  const count = `${nodes} ${nodes === 1 ? 'node' : 'nodes'}`;
  if (cpu === 0) return ` (it runs ${count} now)`;
  return ` (its ${count} ${nodes === 1 ? 'holds' : 'hold'} ${formatCpu(cpu)} vCPU and ${formatBytes(memory)} of memory now)`;
}

export default defineRule({
  id: 'nodepool-without-limits',
  category: 'spot',
  severity: 'medium',
  lesson: 'karpenter',
  title: 'Karpenter NodePools need limits',
  appliesTo: ['NodePool'],
  messages: {
    missing:
      'has no spec.limits: a runaway Deployment, a stuck HPA or a pod that cannot fit makes Karpenter launch nodes without bound, and the bill follows{current}. Cap cpu and memory a little above the peak the pool needs',
    unbounded:
      "has spec.limits only on {resources}, not on cpu, memory or nodes, and its requirements allow instance types without {anyOf} ({types}, in hindsight's EC2 catalogue): nothing bounds how many of those it launches{current}",
    unverified:
      'has spec.limits only on {resources}, not on cpu, memory or nodes, and hindsight cannot tell whether every instance type it may launch has {anyOf} ({reason}): if one does not, nothing bounds how many of those it launches{current}',
  },
  check(entry, ctx) {
    if (!isKarpenterNodePool(entry.object)) return;
    const limits = asRecord(asRecord(entry.object.spec)?.limits);
    const current = currentSize(ctx.inventory, entry.ref.name);
    if (!limits || Object.keys(limits).length === 0) {
      ctx.report({ messageId: 'missing', data: { current }, path: ['spec'] });
      return;
    }
    if (BOUNDING.some((k) => limits[k] !== undefined && limits[k] !== null)) return;
    const resources = Object.keys(limits);
    const types = typesWithout(entry.object, resources);
    if (types.known && types.without.length === 0) return;
    const path = ['spec', 'limits'];
    const data = { resources: resources.join(', '), anyOf: resources.join(' or '), current };
    if (types.known)
      ctx.report({ messageId: 'unbounded', data: { ...data, types: someOf(types.without) }, path });
    else ctx.report({ messageId: 'unverified', data: { ...data, reason: types.reason }, path });
  },
});
