/**
 * VerticalPodAutoscaler objects in `Off` mode: the VPA recommender keeps watching the workload
 * and publishes its own recommendation in `.status`, nothing is evicted or rewritten. The seed's
 * lesson: VPA in Auto mode restarts pods to resize them, so run it as a recommender only and
 * apply the numbers through Git. The `minAllowed` floor is hindsight's recommendation minus the
 * safety margin the user chose, so the recommender cannot talk a container below what its
 * history showed it needs.
 */

import { cpuQuantity, memoryQuantity } from '../core/quantity.ts';
import type { ResourcePair, WorkloadKey } from '../core/usage-history.ts';

/** One container's recommended requests (cores, bytes), the floor for the VPA. */
export interface VpaContainerInput {
  container: string;
  requests: ResourcePair;
}

export interface VpaInput {
  workload: WorkloadKey;
  containers: VpaContainerInput[];
}

const API_VERSION: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  CronJob: 'batch/v1',
  Job: 'batch/v1',
};

/** Kinds a VPA can target through the scale subresource or its known-controller fallback. */
export function vpaTargetable(kind: string): boolean {
  return kind in API_VERSION;
}

function resources(pair: ResourcePair, scale: number): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (pair.cpu !== undefined) out.cpu = cpuQuantity(pair.cpu * scale);
  if (pair.memory !== undefined) out.memory = memoryQuantity(pair.memory * scale);
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The VPA for one workload. `floorFraction` (default 0.8) of the recommended requests becomes
 * `minAllowed`; containers without a recommendation are left to the recommender.
 */
export function buildVpa(input: VpaInput, options: { floorFraction?: number } = {}): Record<string, unknown> {
  const { workload } = input;
  const apiVersion = API_VERSION[workload.kind];
  if (!apiVersion)
    throw new Error(`a VPA cannot target a ${workload.kind} (${workload.namespace}/${workload.name})`);
  const floor = options.floorFraction ?? 0.8;
  const containerPolicies = input.containers.flatMap((c) => {
    const minAllowed = resources(c.requests, floor);
    return minAllowed
      ? [{ containerName: c.container, mode: 'Auto', minAllowed, controlledResources: ['cpu', 'memory'] }]
      : [];
  });
  return {
    apiVersion: 'autoscaling.k8s.io/v1',
    kind: 'VerticalPodAutoscaler',
    metadata: {
      name: workload.name,
      namespace: workload.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'hindsight' },
      annotations: {
        'hindsight.dev/generated-by': 'hindsight cost',
        'hindsight.dev/why': 'recommendations only: updateMode Off never evicts or resizes pods',
      },
    },
    spec: {
      targetRef: { apiVersion, kind: workload.kind, name: workload.name },
      updatePolicy: { updateMode: 'Off' },
      ...(containerPolicies.length > 0 ? { resourcePolicy: { containerPolicies } } : {}),
    },
  };
}
