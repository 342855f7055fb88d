import { hpaBounds, isKedaOwnedHpa, targetOf } from '../../inventory/replica-bounds.ts';
import { servingVerdictIn } from '../../inventory/selectors.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'hpa-min-replicas-below-two',
  category: 'autoscaling',
  severity: 'medium',
  lesson: 'autoscaling',
  title: 'HPAs of services must keep at least two replicas',
  appliesTo: ['HorizontalPodAutoscaler'],
  messages: {
    minOne:
      'minReplicas is {min}, so at quiet hours {target}, which serves traffic ({reason}), runs a single pod: a node drain, a spot interruption or a crash is then an outage until a replacement is ready',
    minUnset:
      'minReplicas is not set and defaults to 1, so at quiet hours {target}, which serves traffic ({reason}), runs a single pod: a node drain, a spot interruption or a crash is then an outage until a replacement is ready',
  },
  check(entry, ctx) {
    // KEDA's own HPA follows its ScaledObject's minReplicaCount, where scale-to-zero is the point.
    if (isKedaOwnedHpa(entry)) return;
    const bounds = hpaBounds(entry);
    if (bounds.min >= 2) return;
    const target = targetOf(ctx.inventory, entry);
    if (!target) return;
    const serving = servingVerdictIn(ctx.inventory, target);
    if (!serving.serving) return;
    const reason = serving.port
      ? `port ${serving.port}`
      : `behind Service ${serving.services.map((s) => s.metadata.name).join(', ')}`;
    ctx.report({
      messageId: bounds.minDefaulted ? 'minUnset' : 'minOne',
      data: { min: bounds.min, target: `${target.object.kind} ${target.ref.name}`, reason },
      path: bounds.minDefaulted ? ['spec'] : ['spec', 'minReplicas'],
      ...(bounds.max >= 2
        ? {
            fix: {
              description:
                'keep at least two replicas (minReplicas: 2), so one can be drained while the other serves',
              edits: [{ op: 'set' as const, path: ['spec', 'minReplicas'], value: 2 }],
            },
          }
        : {}),
    });
  },
});
