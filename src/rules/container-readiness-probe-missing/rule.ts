import { servingContainers } from '../../core/serving.ts';
import { speaksForWorkload } from '../../inventory/owning-workload.ts';
import { defineRule } from '../define-rule.ts';

function isProbe(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export default defineRule({
  id: 'container-readiness-probe-missing',
  category: 'reliability',
  severity: 'medium',
  lesson: 'graceful-disruption',
  title: 'Containers that serve traffic need a readiness probe',
  appliesTo: 'workloads',
  messages: {
    missing:
      'container {container} receives traffic ({reason}) but has no readinessProbe: it joins the Service endpoints as soon as it starts, before it can answer, and stays in them when it hangs, so rollouts, drains and spot replacements send requests to pods that cannot serve them',
    missingWithLiveness:
      'container {container} receives traffic ({reason}) and has a livenessProbe but no readinessProbe: liveness only restarts it; without readiness it joins the Service endpoints before it can answer and stays in them while it is failing',
  },
  check(entry, ctx) {
    if (!speaksForWorkload(ctx.inventory, entry)) return;
    const services = ctx.inventory.inNamespace('Service', entry.ref.namespace, entry).map((e) => e.object);
    for (const { container, path, reason } of servingContainers(entry.object, services)) {
      if (isProbe(container.readinessProbe)) continue;
      const name = String(container.name ?? '');
      const liveness = container.livenessProbe;
      ctx.report({
        messageId: isProbe(liveness) ? 'missingWithLiveness' : 'missing',
        data: { container: name, reason },
        container: name,
        path: [...path, 'readinessProbe'],
        ...(isProbe(liveness)
          ? {
              fix: {
                description:
                  'add a readinessProbe with the same check as the livenessProbe: a start; a readiness endpoint that also checks what the container needs to serve is better',
                edits: [{ op: 'set', path: [...path, 'readinessProbe'], value: structuredClone(liveness) }],
              },
            }
          : {}),
      });
    }
  },
});
