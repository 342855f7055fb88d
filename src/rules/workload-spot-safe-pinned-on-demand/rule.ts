import type { Fix } from '../../core/finding.ts';
import { parseImageReference } from '../../core/image-reference.ts';
import type { KubeObject } from '../../core/resource.ts';
import { containersAt, podSpecAt, podSpecPath } from '../../core/workload.ts';
import { isControlledPod, speaksForWorkload } from '../../inventory/owning-workload.ts';
import { inventoryOffersSpot, placementOf } from '../../scheduling/placement.ts';
import { type SpotVerdict, spotCaveats, spotVerdict } from '../../scheduling/spot-verdict.ts';
import { defineRule, longJobOption } from '../define-rule.ts';

const Options = longJobOption();

const CRITICAL_PRIORITY = new Set(['system-cluster-critical', 'system-node-critical']);

/**
 * Components that are kept off spot on purpose: cluster-critical add-ons, and Karpenter itself,
 * which must not run on nodes it manages.
 */
function isDeliberatelyOnDemand(object: KubeObject): boolean {
  const priority = podSpecAt(object)?.priorityClassName;
  if (typeof priority === 'string' && CRITICAL_PRIORITY.has(priority)) return true;
  return containersAt(object).some(({ container }) => {
    const repository = parseImageReference(container.image)?.repository ?? '';
    return /(^|\/)karpenter(\/controller)?$/.test(repository);
  });
}

function whySafe(verdict: SpotVerdict): string {
  const w = verdict.workload;
  if (verdict.reasons.some((r) => r.code === 'non-production')) return 'a non-production namespace';
  if (w.class === 'job') return 'a retryable job';
  const replicas = w.replicas !== undefined ? `${w.replicas} replicas` : 'several replicas';
  return w.class === 'worker' ? `a worker with ${replicas}` : `${replicas} and no state on the node`;
}

export default defineRule({
  id: 'workload-spot-safe-pinned-on-demand',
  category: 'spot',
  severity: 'low',
  lesson: 'spot',
  title: 'Spot-safe workloads should not be pinned to on-demand',
  appliesTo: 'workloads',
  options: Options,
  messages: {
    pinned:
      'could run on spot ({safe}), but {how}: spot costs up to 70% less for the same compute, and Karpenter falls back to on-demand when spot is short{caveats}',
  },
  check(entry, ctx) {
    if (!speaksForWorkload(ctx.inventory, entry)) return;
    const verdict = spotVerdict(ctx.inventory, entry, {
      now: () => ctx.now,
      longJobSeconds: ctx.options.longJobSeconds,
    });
    const placement = verdict.placement;
    if (verdict.verdict !== 'spot-safe' || verdict.workload.class === 'daemon') return;
    if (placement.ownConstraint !== 'on-demand-only' || placement.canLandOnSpot) return;
    if (isDeliberatelyOnDemand(entry.object)) return;
    // A cluster that offers no spot anywhere gains nothing from unpinning one workload.
    if (placement.basis !== 'workload' && !inventoryOffersSpot(ctx.inventory)) return;

    const caveats = spotCaveats(verdict);
    const base = podSpecPath(entry.object.kind) ?? ['spec'];
    const own = placement.ownConstraintKey;
    let fix: Fix | undefined;
    if (own?.inNodeSelector && !isControlledPod(entry.object)) {
      const after = placementOf(ctx.inventory, entry, { dropNodeSelector: [own.key] });
      if (after.basis === 'workload' || (after.canLandOnSpot && after.canLandOnOnDemand))
        fix = {
          description: `remove nodeSelector ${own.key} so Karpenter can choose spot first and on-demand when spot is short`,
          edits: [{ op: 'remove', path: [...base, 'nodeSelector', own.key] }],
        };
    }
    ctx.report({
      messageId: 'pinned',
      data: {
        safe: whySafe(verdict),
        how: placement.how,
        caveats: caveats.length > 0 ? `. Before moving it: ${caveats.map((c) => c.text).join('; ')}` : '',
      },
      path: own?.inNodeSelector ? [...base, 'nodeSelector', own.key] : [...base, 'affinity'],
      ...(fix ? { fix } : {}),
    });
  },
});
