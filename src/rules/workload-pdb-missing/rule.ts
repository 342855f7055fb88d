import { replicaBounds } from '../../inventory/replica-bounds.ts';
import { pdbsFor, servingVerdictIn } from '../../inventory/selectors.ts';
import { defineRule, ruleOptions } from '../define-rule.ts';

const Options = ruleOptions(
  {
    includeNonServing: false,
  },
  (z) => ({
    includeNonServing: z
      .boolean()
      .describe(
        'Also report Deployments that serve nothing (queue workers), whose pods can usually go at once',
      ),
  }),
);

export default defineRule({
  id: 'workload-pdb-missing',
  category: 'reliability',
  severity: 'medium',
  lesson: 'graceful-disruption',
  title: 'Replicated services need a PodDisruptionBudget',
  appliesTo: ['Deployment', 'StatefulSet'],
  options: Options,
  messages: {
    missing:
      '{kind} runs {replicas} replicas and no PodDisruptionBudget selects its pods: a node drain, a cluster upgrade or Karpenter consolidation may evict all of them at once',
    missingScaled:
      '{kind} is scaled up to {max} replicas by {scaler} and no PodDisruptionBudget selects its pods: a node drain, a cluster upgrade or Karpenter consolidation may evict all of them at once',
  },
  check(entry, ctx) {
    if (ctx.inventory.controllerOf(entry)) return;
    const bounds = replicaBounds(ctx.inventory, entry);
    if (!bounds || bounds.max <= 1) return;
    const isStateful = entry.object.kind === 'StatefulSet';
    if (!isStateful && !ctx.options.includeNonServing) {
      if (!servingVerdictIn(ctx.inventory, entry).serving) return;
    }
    if (pdbsFor(ctx.inventory, entry).length > 0) return;
    const scaler = bounds.scalers.toSorted((a, b) => b.max - a.max)[0];
    ctx.report(
      scaler
        ? {
            messageId: 'missingScaled',
            data: {
              kind: entry.object.kind,
              max: bounds.max,
              scaler: `${scaler.scaler.object.kind} ${scaler.scaler.ref.name}`,
            },
            path: ['spec', 'selector'],
          }
        : {
            messageId: 'missing',
            data: { kind: entry.object.kind, replicas: bounds.max },
            path: ['spec', 'replicas'],
          },
    );
  },
});
