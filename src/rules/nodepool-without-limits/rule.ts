import { formatBytes, formatCpu, parseQuantity } from '../../core/quantity.ts';
import { asRecord } from '../../core/records.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import { isKarpenterNodePool, NODEPOOL_LABEL } from '../../scheduling/node-pool.ts';
import { defineRule } from '../define-rule.ts';

/** Limits that bound how much the pool can launch: the total of CPU, memory or nodes. */
const BOUNDING = ['cpu', 'memory', 'nodes'];

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
      'has spec.limits only on {resources}, not on cpu, memory or nodes: nothing bounds how much compute it launches{current}',
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
    ctx.report({
      messageId: 'unbounded',
      data: { resources: Object.keys(limits).join(', '), current },
      path: ['spec', 'limits'],
    });
  },
});
