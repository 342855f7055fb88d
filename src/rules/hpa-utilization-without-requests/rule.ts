import { describeHpaMetric, hpaResourceMetrics } from '../../core/hpa-metrics.ts';
import { limitRangeDefaults, requestSource } from '../../core/resource-defaulting.ts';
import { containersAt, podSpecAt } from '../../core/workload.ts';
import { targetOf } from '../../inventory/replica-bounds.ts';
import { defineRule } from '../define-rule.ts';

export default defineRule({
  id: 'hpa-utilization-without-requests',
  category: 'autoscaling',
  severity: 'high',
  lesson: 'autoscaling',
  title: 'HPA utilization targets need requests on every container',
  appliesTo: ['HorizontalPodAutoscaler'],
  messages: {
    missingRequest:
      'scales {target} on {metric}, but container {container} has no {resource} request: utilization is usage divided by request, so the HPA cannot compute it (FailedGetResourceMetric: missing request for {resource}) and does not scale on this metric',
  },
  check(entry, ctx) {
    const metrics = hpaResourceMetrics(entry.object).filter((m) => m.targetType === 'Utilization');
    if (metrics.length === 0) return;
    const target = targetOf(ctx.inventory, entry);
    if (!target) return;
    const spec = podSpecAt(target.object);
    const defaults = limitRangeDefaults(
      ctx.inventory.ofKind('LimitRange').map((e) => e.object),
      target.ref.namespace,
    );
    // The HPA sums the requests of the pod's regular containers; init containers do not count.
    const containers = containersAt(target.object);
    for (const metric of metrics) {
      for (const { container } of containers) {
        const name = String(container.name ?? '');
        if (metric.container !== undefined && metric.container !== name) continue;
        if (requestSource(container, metric.resource, spec, defaults) !== undefined) continue;
        ctx.report({
          messageId: 'missingRequest',
          data: {
            target: `${target.object.kind} ${target.ref.name}`,
            metric: describeHpaMetric(metric),
            container: name,
            resource: metric.resource,
          },
          path: metric.path,
        });
      }
    }
  },
});
