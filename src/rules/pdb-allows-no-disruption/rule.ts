import { formatIntOrPercent, parseIntOrPercent, scaledValue } from '../../core/disruption-budget.ts';
import type { Fix } from '../../core/finding.ts';
import { getAt } from '../../core/workload.ts';
import { podsCountedBy } from '../../inventory/replica-bounds.ts';
import { defineRule } from '../define-rule.ts';

const BLOCKS =
  'kubectl drain, managed node group and cluster upgrades, and Karpenter consolidation, drift and expiry stall on every node that runs one of its pods';

function allowOne(hasMinAvailable: boolean): Fix {
  return {
    description:
      'allow one pod at a time to be evicted (maxUnavailable: 1): drains go on, one replica at a time, while the others serve',
    edits: [
      ...(hasMinAvailable ? [{ op: 'remove' as const, path: ['spec', 'minAvailable'] }] : []),
      { op: 'set', path: ['spec', 'maxUnavailable'], value: 1 },
    ],
  };
}

export default defineRule({
  id: 'pdb-allows-no-disruption',
  category: 'reliability',
  severity: 'high',
  lesson: 'graceful-disruption',
  title: 'PodDisruptionBudgets must allow at least one eviction',
  appliesTo: ['PodDisruptionBudget'],
  messages: {
    maxUnavailableZero: `maxUnavailable is {value}: no pod it selects can ever be evicted, so ${BLOCKS}`,
    minAvailableAll: `minAvailable is {value}: every pod it selects must stay up, so none can ever be evicted and ${BLOCKS}`,
    minAvailableAtLeastReplicas: `minAvailable {value} is not below the {pods} it selects ({workloads}): none can ever be evicted, so ${BLOCKS}`,
  },
  check(entry, ctx) {
    const spec = entry.object.spec;
    if (spec === null || typeof spec !== 'object') return;
    const maxUnavailable = parseIntOrPercent(getAt(spec, ['maxUnavailable']));
    const minAvailable = parseIntOrPercent(getAt(spec, ['minAvailable']));
    const pods = podsCountedBy(ctx.inventory, entry);
    // Only offer to open the budget when there is a second pod to keep serving.
    const fixable = pods !== undefined && pods.floor >= 2;

    if (maxUnavailable && maxUnavailable.value === 0) {
      ctx.report({
        messageId: 'maxUnavailableZero',
        data: { value: formatIntOrPercent(maxUnavailable) },
        path: ['spec', 'maxUnavailable'],
        ...(fixable ? { fix: allowOne(false) } : {}),
      });
      return;
    }
    if (!minAvailable) return;
    if (minAvailable.kind === 'percent' && minAvailable.value >= 100) {
      ctx.report({
        messageId: 'minAvailableAll',
        data: { value: formatIntOrPercent(minAvailable) },
        path: ['spec', 'minAvailable'],
        ...(fixable ? { fix: allowOne(true) } : {}),
      });
      return;
    }
    // Autoscaled targets move; pdb-min-available-blocks-hpa judges those against the HPA minimum.
    if (!pods || pods.scaled || pods.ceiling === 0) return;
    if (scaledValue(minAvailable, pods.ceiling) < pods.ceiling) return;
    ctx.report({
      messageId: 'minAvailableAtLeastReplicas',
      data: {
        value: formatIntOrPercent(minAvailable),
        pods: pods.ceiling === 1 ? 'single pod' : `${pods.ceiling} pods`,
        workloads: pods.names.length > 0 ? pods.names.join(', ') : 'status.expectedPods',
      },
      path: ['spec', 'minAvailable'],
      ...(fixable ? { fix: allowOne(true) } : {}),
    });
  },
});
