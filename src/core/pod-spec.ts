/**
 * Where the pod template lives in each workload kind, and the containers in it.
 */

import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';

export interface Container {
  name: string;
  image?: string;
  resources?: {
    requests?: Record<string, string | number>;
    limits?: Record<string, string | number>;
  };
  [key: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  [key: string]: unknown;
}

/** Kinds that run pods, the top-level ones users write. */
export const WORKLOAD_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Pod',
] as const;

/** The pod spec of a Pod or of a workload's template; undefined when the object has none. */
export function podSpecOf(object: KubeObject): PodSpec | undefined {
  const spec = asRecord(object.spec);
  if (!spec) return undefined;
  switch (object.kind) {
    case 'Pod':
      return spec as PodSpec;
    case 'CronJob': {
      const jobTemplate = asRecord(spec.jobTemplate);
      const jobSpec = asRecord(jobTemplate?.spec);
      return asRecord(asRecord(jobSpec?.template)?.spec) as PodSpec | undefined;
    }
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'Job':
      return asRecord(asRecord(spec.template)?.spec) as PodSpec | undefined;
    default:
      return undefined;
  }
}

/** Regular containers only (init containers run before and do not hold resources alongside). */
export function containersOf(object: KubeObject): Container[] {
  const containers = podSpecOf(object)?.containers;
  return Array.isArray(containers) ? containers.filter((c) => asRecord(c) !== undefined) : [];
}

/** Replicas a workload asks for: spec.replicas (default 1) for scalable kinds, 1 for Pods and Jobs' parallelism. */
export function desiredReplicas(object: KubeObject): number | undefined {
  const spec = asRecord(object.spec);
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return typeof spec?.replicas === 'number' ? spec.replicas : 1;
    case 'Pod':
      return 1;
    case 'Job':
      return typeof spec?.parallelism === 'number' ? spec.parallelism : 1;
    default:
      return undefined;
  }
}

/**
 * The requests the API server will store for a container: a resource with a limit and no
 * request gets the limit as its request (apiserver defaulting), so a limits-only container is
 * not "without requests".
 */
export function effectiveRequests(container: Container): Record<string, string | number> {
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const out: Record<string, string | number> = {};
  if (limits && typeof limits === 'object') Object.assign(out, limits);
  if (requests && typeof requests === 'object') Object.assign(out, requests);
  return out;
}
