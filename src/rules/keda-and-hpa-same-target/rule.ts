import { asRecord } from '../../core/records.ts';
import { getAt } from '../../core/workload.ts';
import { hpaBounds, isKedaOwnedHpa, scaledObjectBounds } from '../../inventory/replica-bounds.ts';
import { defineRule } from '../define-rule.ts';

/** `Deployment/worker` (KEDA's scaleTargetRef defaults its kind to Deployment). */
function targetKey(object: unknown): string | undefined {
  const ref = asRecord(getAt(object, ['spec', 'scaleTargetRef']));
  if (!ref || typeof ref.name !== 'string') return undefined;
  return `${typeof ref.kind === 'string' ? ref.kind : 'Deployment'}/${ref.name}`;
}

export default defineRule({
  id: 'keda-and-hpa-same-target',
  category: 'autoscaling',
  severity: 'high',
  lesson: 'autoscaling',
  title: 'A workload scaled by KEDA must not have a second HPA',
  appliesTo: ['HorizontalPodAutoscaler'],
  messages: {
    conflict:
      'scales {target}, which KEDA ScaledObject {scaledObject} already scales through the HPA it creates: the two HPAs overwrite spec.replicas in turn, so the replica count flaps',
    conflictRaisesMinimum:
      'scales {target}, which KEDA ScaledObject {scaledObject} already scales through the HPA it creates: the two HPAs overwrite spec.replicas in turn, so the replica count flaps, and whenever {target} runs this one holds it at {min} pods or more, above the {soFloor} the ScaledObject allows',
  },
  check(entry, ctx) {
    if (isKedaOwnedHpa(entry)) return;
    const key = targetKey(entry.object);
    if (!key) return;
    const hpa = hpaBounds(entry);
    for (const so of ctx.inventory.ofKind('ScaledObject')) {
      if (so.ref.namespace !== entry.ref.namespace || targetKey(so.object) !== key) continue;
      // A ScaledObject can adopt an existing HPA by naming it: then this HPA is KEDA's own.
      const adopted = getAt(so.object, ['spec', 'advanced', 'horizontalPodAutoscalerConfig', 'name']);
      if (adopted === entry.ref.name || `keda-hpa-${so.ref.name}` === entry.ref.name) continue;
      const soBounds = scaledObjectBounds(so);
      // At zero replicas an HPA stands still (ScalingDisabled), so KEDA still reaches zero; but
      // from the first pod on, this HPA's minimum wins over the ScaledObject's.
      const soFloor = Math.max(soBounds.min, 1);
      ctx.report({
        messageId: hpa.min > soFloor ? 'conflictRaisesMinimum' : 'conflict',
        data: {
          target: key.replace('/', ' '),
          scaledObject: so.ref.name,
          min: hpa.min,
          soFloor: soBounds.min === 0 ? '1 pod (from zero)' : `${soFloor} pod${soFloor === 1 ? '' : 's'}`,
        },
        path: ['spec', 'scaleTargetRef'],
      });
    }
  },
});
