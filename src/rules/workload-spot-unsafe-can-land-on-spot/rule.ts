import type { Fix } from '../../core/finding.ts';
import { podSpecPath } from '../../core/workload.ts';
import { isControlledPod, speaksForWorkload } from '../../inventory/owning-workload.ts';
import { onDemandSelectorFor, placementOf } from '../../scheduling/placement.ts';
import { blockingSummary, spotVerdict } from '../../scheduling/spot-verdict.ts';
import { defineRule, longJobOption } from '../define-rule.ts';

const Options = longJobOption();

export default defineRule({
  id: 'workload-spot-unsafe-can-land-on-spot',
  category: 'spot',
  severity: 'medium',
  lesson: 'spot',
  title: 'Workloads that must not run on spot must not be able to land there',
  appliesTo: 'workloads',
  options: Options,
  messages: {
    canLandOnSpot: 'should not run on spot: {reasons}. But {how}',
    pinnedToSpot:
      'should not run on spot: {reasons}. But {how}. Give it on-demand capacity it can use: a NodePool that allows on-demand, and a nodeSelector and tolerations that reach it',
    runsOnSpot: 'should not run on spot: {reasons}. Yet {how}',
  },
  check(entry, ctx) {
    if (!speaksForWorkload(ctx.inventory, entry)) return;
    const verdict = spotVerdict(ctx.inventory, entry, {
      now: () => ctx.now,
      longJobSeconds: ctx.options.longJobSeconds,
    });
    const placement = verdict.placement;
    if (verdict.verdict !== 'on-demand-only' || !placement.canLandOnSpot) return;

    const base = podSpecPath(entry.object.kind) ?? ['spec'];
    const stateful = verdict.reasons.some(
      (r) => r.blocking && (r.code === 'stateful-set' || r.code === 'database'),
    );
    const running = placement.running.some((r) => r.capacityType === 'spot');
    const messageId = running ? 'runsOnSpot' : placement.canLandOnOnDemand ? 'canLandOnSpot' : 'pinnedToSpot';

    // The fix pins the pod template to on-demand, when that leaves it somewhere to run. A Pod of
    // a controller is fixed in the controller's template, which this scan does not hold.
    let fix: Fix | undefined;
    const selector = onDemandSelectorFor(ctx.inventory, placement);
    if (selector && !isControlledPod(entry.object)) {
      const after = placementOf(ctx.inventory, entry, {
        extraNodeSelector: { [selector.key]: selector.value },
      });
      const schedulable =
        after.basis === 'workload' ? after.ownConstraint === 'on-demand-only' : after.canLandOnOnDemand;
      if (schedulable && !after.canLandOnSpot)
        fix = {
          description: `keep it on on-demand capacity with nodeSelector ${selector.key}: ${selector.value} (or remove the reasons above, e.g. two replicas and a PDB, and let it use spot)`,
          edits: [{ op: 'set', path: [...base, 'nodeSelector', selector.key], value: selector.value }],
        };
    }

    ctx.report({
      messageId,
      data: { reasons: blockingSummary(verdict), how: placement.how },
      path: fix ? [...base, 'nodeSelector'] : base,
      ...(stateful ? { severity: 'high' as const } : {}),
      ...(fix ? { fix } : {}),
    });
  },
});
