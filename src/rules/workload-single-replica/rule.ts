import { servingVerdict } from '../../core/serving.ts';
import { podSpecAt } from '../../core/workload.ts';
import { replicaBounds } from '../../inventory/replica-bounds.ts';
import { defineRule } from '../define-rule.ts';

/** A pod template that mounts a PersistentVolumeClaim: a second replica would fight over a ReadWriteOnce volume. */
function mountsClaim(entry: Parameters<typeof podSpecAt>[0]): boolean {
  const volumes = podSpecAt(entry)?.volumes;
  return (
    Array.isArray(volumes) &&
    volumes.some((v) => v !== null && typeof v === 'object' && 'persistentVolumeClaim' in v)
  );
}

export default defineRule({
  id: 'workload-single-replica',
  category: 'reliability',
  severity: 'medium',
  lesson: 'graceful-disruption',
  title: 'Services must not run a single replica',
  appliesTo: ['Deployment', 'StatefulSet'],
  messages: {
    singleReplica:
      '{kind} serves traffic ({reason}) with replicas: 1 and no autoscaler: every rollout, node drain, Karpenter consolidation and spot interruption is an outage until the replacement pod is ready',
    defaultReplicas:
      '{kind} serves traffic ({reason}) with no replicas field and no autoscaler, so it runs the default single replica: every rollout, node drain, Karpenter consolidation and spot interruption is an outage until the replacement pod is ready',
  },
  check(entry, ctx) {
    if (ctx.inventory.controllerOf(entry)) return;
    const bounds = replicaBounds(ctx.inventory, entry);
    // Autoscaled workloads are judged on the autoscaler's minimum (hpa-min-replicas-below-two);
    // replicas: 0 is a deliberate stop.
    if (!bounds || bounds.scalers.length > 0 || bounds.max !== 1) return;
    const serving = servingVerdict(
      entry.object,
      ctx.inventory.inNamespace('Service', entry.ref.namespace).map((e) => e.object),
    );
    if (!serving.serving) return;
    const reason = serving.port
      ? `port ${serving.port}`
      : `behind Service ${serving.services.map((s) => s.metadata.name).join(', ')}`;
    const explicit = bounds.specReplicas !== undefined;
    const canFix = entry.object.kind === 'Deployment' && !mountsClaim(entry.object);
    ctx.report({
      messageId: explicit ? 'singleReplica' : 'defaultReplicas',
      data: { kind: entry.object.kind, reason },
      path: explicit ? ['spec', 'replicas'] : ['spec'],
      ...(canFix
        ? {
            fix: {
              description:
                'run two replicas (check first that the service keeps no per-process state, such as in-memory sessions or a singleton scheduler)',
              edits: [{ op: 'set', path: ['spec', 'replicas'], value: 2 }],
            },
          }
        : {}),
    });
  },
});
