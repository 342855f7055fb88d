/**
 * Status for workload objects whose pods a fixture places itself (the workload controllers are
 * off on the test platform): what the controllers would have written once converged, derived
 * from the pods that name each workload as their owner.
 */
import type { KubeObject } from '../src/core/resource.ts';

const key = (kind: string, namespace: string | undefined, name: string): string =>
  `${kind}/${namespace ?? ''}/${name}`;

function controllerOf(o: KubeObject): { kind: string; name: string } | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller) ?? o.metadata.ownerReferences?.[0];
}

/** Returns the objects with a converged `status` on Deployments, ReplicaSets, StatefulSets and DaemonSets that have none. */
export function withDerivedWorkloadStatus(objects: KubeObject[]): KubeObject[] {
  const podsByOwner = new Map<string, number>();
  const rsToDeployment = new Map<string, string>();
  for (const o of objects) {
    const owner = controllerOf(o);
    if (!owner) continue;
    if (o.kind === 'Pod') {
      const k = key(owner.kind, o.metadata.namespace, owner.name);
      podsByOwner.set(k, (podsByOwner.get(k) ?? 0) + 1);
    } else if (o.kind === 'ReplicaSet' && owner.kind === 'Deployment') {
      rsToDeployment.set(
        key('ReplicaSet', o.metadata.namespace, o.metadata.name ?? ''),
        key('Deployment', o.metadata.namespace, owner.name),
      );
    }
  }
  for (const [rs, deployment] of rsToDeployment) {
    podsByOwner.set(deployment, (podsByOwner.get(deployment) ?? 0) + (podsByOwner.get(rs) ?? 0));
  }
  return objects.map((o) => {
    if (o.status !== undefined) return o;
    const n = podsByOwner.get(key(o.kind, o.metadata.namespace, o.metadata.name ?? '')) ?? 0;
    switch (o.kind) {
      case 'Deployment':
        return {
          ...o,
          status: {
            observedGeneration: 1,
            replicas: n,
            updatedReplicas: n,
            readyReplicas: n,
            availableReplicas: n,
          },
        };
      case 'ReplicaSet':
        return {
          ...o,
          status: {
            observedGeneration: 1,
            replicas: n,
            fullyLabeledReplicas: n,
            readyReplicas: n,
            availableReplicas: n,
          },
        };
      case 'StatefulSet':
        return {
          ...o,
          status: {
            observedGeneration: 1,
            replicas: n,
            readyReplicas: n,
            currentReplicas: n,
            updatedReplicas: n,
            availableReplicas: n,
          },
        };
      case 'DaemonSet':
        return {
          ...o,
          status: {
            observedGeneration: 1,
            currentNumberScheduled: n,
            desiredNumberScheduled: n,
            numberMisscheduled: 0,
            numberReady: n,
            numberAvailable: n,
            updatedNumberScheduled: n,
          },
        };
      default:
        return o;
    }
  });
}
