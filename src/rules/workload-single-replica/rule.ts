import { imageFacts } from '../../core/image-knowledge.ts';
import type { KubeObject } from '../../core/resource.ts';
import { podSpecAt } from '../../core/workload.ts';
import { replicaBounds } from '../../inventory/replica-bounds.ts';
import { pdbsFor, servingVerdictIn } from '../../inventory/selectors.ts';
import { defineRule } from '../define-rule.ts';

/** Mount paths where an emptyDir holds scratch, not data: a second replica loses nothing there. */
const SCRATCH_PATH = /^\/(?:tmp|var\/tmp|run|var\/run|cache|var\/cache)(?:\/|$)/;

/**
 * Why a second replica would not be a copy of the first, or undefined when it would be: data in
 * a volume of its own (a ReadWriteOnce claim, a node path, an emptyDir outside scratch paths)
 * or a single-instance datastore image. Two such replicas behind one Service are two databases.
 */
function statefulReason(object: KubeObject): string | undefined {
  const spec = podSpecAt(object);
  if (!spec) return undefined;
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const datastore = containers.find((c) => imageFacts(c.image).datastore);
  if (datastore) return `it runs ${String(datastore.image)}, a single-instance datastore`;
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  for (const volume of volumes) {
    if (volume === null || typeof volume !== 'object') continue;
    const v = volume as Record<string, unknown>;
    if ('persistentVolumeClaim' in v) return `it mounts the claim of volume ${String(v.name)}`;
    if ('hostPath' in v) return `it keeps files on the node (hostPath volume ${String(v.name)})`;
    if ('emptyDir' in v) {
      const mounts = containers.flatMap((c) =>
        (Array.isArray(c.volumeMounts) ? c.volumeMounts : []).filter(
          (m: unknown) => m !== null && typeof m === 'object' && (m as { name?: unknown }).name === v.name,
        ),
      ) as { mountPath?: unknown }[];
      const data = mounts.find((m) => typeof m.mountPath !== 'string' || !SCRATCH_PATH.test(m.mountPath));
      if (data) return `it keeps data in emptyDir volume ${String(v.name)} at ${String(data.mountPath)}`;
    }
  }
  return undefined;
}

/** The PodDisruptionBudget a second replica calls for: one pod at a time may go. */
function companionBudget(object: KubeObject): Record<string, unknown> | undefined {
  const selector = (
    object.spec as { selector?: { matchLabels?: unknown; matchExpressions?: unknown } } | undefined
  )?.selector;
  const labels = selector?.matchLabels;
  if (labels === null || typeof labels !== 'object' || Object.keys(labels).length === 0) return undefined;
  if (selector?.matchExpressions !== undefined) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: object.metadata.name,
      ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    },
    spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
  };
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
    const serving = servingVerdictIn(ctx.inventory, entry);
    if (!serving.serving) return;
    const reason = serving.port
      ? `port ${serving.port}`
      : `behind Service ${serving.services.map((s) => s.metadata.name).join(', ')}`;
    const explicit = bounds.specReplicas !== undefined;
    const stateful =
      entry.object.kind === 'StatefulSet'
        ? 'a StatefulSet with one replica keeps one identity and its volumes; more replicas need the application to replicate'
        : statefulReason(entry.object);
    // A second replica calls for a budget; without one the fix would trade this finding for
    // workload-pdb-missing, so it brings the budget along or is not offered.
    const hasBudget = pdbsFor(ctx.inventory, entry).length > 0;
    const budget = hasBudget ? undefined : companionBudget(entry.object);
    const manual = stateful
      ? `a second replica would be a second, independent copy: ${stateful}; make the application replicate its state (or move it to a managed service) first`
      : !hasBudget && !budget
        ? 'its selector has no matchLabels to build a PodDisruptionBudget from: add two replicas together with a budget by hand'
        : undefined;
    ctx.report({
      messageId: explicit ? 'singleReplica' : 'defaultReplicas',
      data: { kind: entry.object.kind, reason },
      path: explicit ? ['spec', 'replicas'] : ['spec'],
      ...(manual
        ? { manual }
        : {
            fix: {
              description: `run two replicas${budget ? ' with a PodDisruptionBudget that lets one go at a time' : ''} (check first that the service keeps no per-process state, such as in-memory sessions or a singleton scheduler)`,
              edits: [{ op: 'set', path: ['spec', 'replicas'], value: 2 }],
              ...(budget ? { companions: [budget] } : {}),
            },
          }),
    });
  },
});
