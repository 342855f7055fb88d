import type { Fix } from '../../core/finding.ts';
import { POD_CARRYING_KINDS } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { hasFinished, owningWorkload, speaksForWorkload } from '../../inventory/owning-workload.ts';
import {
  allowsOnDemand,
  allowsSpot,
  CAPACITY_TYPE_LABEL,
  type NodePoolView,
  nodePoolsOf,
  readNodePool,
  type Taint,
} from '../../scheduling/node-pool.ts';
import { placementOf } from '../../scheduling/placement.ts';
import { defineRule } from '../define-rule.ts';

/** Workloads as the `workloads` selection has them, without DaemonSets (they follow the nodes). */
function workloadsOf(inventory: Inventory): InventoryEntry[] {
  const out: InventoryEntry[] = [];
  for (const kind of POD_CARRYING_KINDS) {
    if (kind === 'DaemonSet') continue;
    for (const entry of inventory.ofKind(kind)) {
      if (inventory.controllerOf(entry) || !speaksForWorkload(inventory, entry) || hasFinished(entry.object))
        continue;
      if (owningWorkload(inventory, entry).kind === 'DaemonSet') continue;
      out.push(entry);
    }
  }
  return out;
}

function blocking(taints: readonly Taint[]): Taint[] {
  return taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
}

function sameTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;
}

/** Other pools with on-demand whose taints the pods of `pool` tolerate (a subset of its own). */
function fallbackPools(inventory: Inventory, pool: NodePoolView): NodePoolView[] {
  const own = blocking(pool.taints);
  return nodePoolsOf(inventory).filter(
    (other) =>
      other.name !== pool.name &&
      allowsOnDemand(other) &&
      blocking(other.taints).every((t) => own.some((o) => sameTaint(o, t))),
  );
}

function list(names: readonly string[], max = 3): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

export default defineRule({
  id: 'nodepool-spot-without-on-demand-fallback',
  category: 'spot',
  severity: 'medium',
  lesson: 'karpenter',
  title: 'Spot-only NodePools need an on-demand fallback',
  appliesTo: ['NodePool'],
  messages: {
    strandedWorkloads:
      'allows only spot, and nothing else takes {count} it runs ({workloads}): when spot is short or reclaimed in a wave they stay Pending. The post lets Karpenter fall back to on-demand automatically; allow on-demand in this pool (Karpenter still launches spot first)',
    noFallbackPool:
      'allows only spot, and no other NodePool offers on-demand to the pods it takes{tolerating}: when spot is short they stay Pending. Allow on-demand in this pool (Karpenter still launches spot first)',
  },
  check(entry, ctx) {
    const pool = readNodePool(entry);
    if (!pool || !allowsSpot(pool) || pool.capacityTypes.some((c) => c !== 'spot')) return;

    const landing = workloadsOf(ctx.inventory)
      .map((w) => ({ w, placement: placementOf(ctx.inventory, w) }))
      .filter(({ placement }) =>
        placement.options.some((o) => o.target.kind === 'NodePool' && o.target.name === pool.name),
      );
    const stranded = landing.filter(
      ({ placement }) => !placement.options.some((o) => o.capacityType !== 'spot'),
    );

    // Allowing on-demand in the pool's one capacity-type requirement keeps every other setting.
    let fix: Fix | undefined;
    const [requirement, ...more] = pool.capacityTypeRequirements;
    if (requirement && more.length === 0)
      fix = {
        description: `allow on-demand next to spot in ${CAPACITY_TYPE_LABEL}: Karpenter prefers spot and falls back to on-demand when spot is short`,
        edits: [
          { op: 'set', path: [...requirement.path, 'operator'], value: 'In' },
          { op: 'set', path: [...requirement.path, 'values'], value: ['spot', 'on-demand'] },
        ],
      };
    const path = requirement?.path ?? ['spec', 'template', 'spec', 'requirements'];

    if (stranded.length > 0) {
      const names = stranded.map(({ w }) => owningWorkload(ctx.inventory, w).label);
      ctx.report({
        messageId: 'strandedWorkloads',
        data: {
          count: `${stranded.length} ${stranded.length === 1 ? 'workload' : 'workloads'}`,
          workloads: list(names),
        },
        path,
        ...(fix ? { fix } : {}),
      });
      return;
    }
    // Workloads in the scan land here and can all go elsewhere: they have their fallback.
    if (landing.length > 0) return;
    if (fallbackPools(ctx.inventory, pool).length > 0) return;
    const taints = blocking(pool.taints);
    ctx.report({
      messageId: 'noFallbackPool',
      data: {
        tolerating:
          taints.length > 0
            ? ` (pods that tolerate ${list(taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`))})`
            : '',
      },
      path,
      ...(fix ? { fix } : {}),
    });
  },
});
