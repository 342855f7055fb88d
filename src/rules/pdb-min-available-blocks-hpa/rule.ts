import { formatIntOrPercent, parseIntOrPercent, scaledValue } from '../../core/disruption-budget.ts';
import type { Edit } from '../../core/finding.ts';
import { getAt } from '../../core/workload.ts';
import { podsCountedBy } from '../../inventory/replica-bounds.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'pdb-min-available-blocks-hpa',
  category: 'reliability',
  severity: 'medium',
  lesson: 'graceful-disruption',
  title: 'PDB minAvailable must stay below the autoscaler minimum',
  appliesTo: ['PodDisruptionBudget'],
  messages: {
    blocksAtMinimum:
      'minAvailable {value} allows no eviction once {scalers} scales {workloads} down to {floor}: from then on (at night, typically) kubectl drain, cluster upgrades and Karpenter consolidation stall on every node that runs one of its pods',
  },
  check(entry, ctx) {
    const minAvailable = parseIntOrPercent(getAt(entry.object, ['spec', 'minAvailable']));
    // 100% never allows an eviction: pdb-allows-no-disruption reports it.
    if (!minAvailable || (minAvailable.kind === 'percent' && minAvailable.value >= 100)) return;
    const pods = podsCountedBy(ctx.inventory, entry);
    if (!pods?.scaled || pods.floor === 0) return;
    if (scaledValue(minAvailable, pods.floor) < pods.floor) return;
    const scalers = pods.ranges.flatMap((r) =>
      (r?.scalers ?? []).map(
        (s) =>
          `${s.scaler.object.kind} ${s.scaler.ref.name} (${s.scaler.object.kind === 'ScaledObject' ? 'minReplicaCount' : 'minReplicas'} ${s.min}${s.minDefaulted ? ', the default' : ''})`,
      ),
    );
    const edits: Edit[] = [
      { op: 'remove', path: ['spec', 'minAvailable'] },
      { op: 'set', path: ['spec', 'maxUnavailable'], value: 1 },
    ];
    ctx.report({
      messageId: 'blocksAtMinimum',
      data: {
        value: formatIntOrPercent(minAvailable),
        floor: pods.floor === 1 ? 'a single pod' : `${pods.floor} pods`,
        workloads: pods.names.join(', '),
        scalers: scalers.join(', '),
      },
      path: ['spec', 'minAvailable'],
      // With two or more pods at the minimum, one at a time can go; with one, raise the minimum instead.
      ...(pods.floor >= 2
        ? {
            fix: {
              description:
                'replace minAvailable by maxUnavailable: 1, which lets one pod at a time be evicted at any replica count',
              edits,
            },
          }
        : {}),
    });
  },
});
