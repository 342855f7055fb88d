/**
 * Whether a container will run with a request or a limit for a resource once the API server
 * and admission are done with it — not just whether the manifest spells it out:
 *
 * - a limit without a request makes the request equal to the limit (apiserver defaulting);
 * - a LimitRange of type Container in the namespace fills in `defaultRequest` and `default`,
 *   which themselves default from `default`, `max` and `min` (LimitRangeItem defaulting);
 * - pod-level `spec.resources` (KEP-2837, beta and on by default since 1.34) bound the pod as a
 *   whole when containers set nothing.
 *
 * Rules that say "no request" or "no limit" ask here first, so they stay quiet on namespaces a
 * platform team already covers with a LimitRange.
 */
import type { Container, PodSpec } from './pod-spec.ts';
import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';
import { type ContainerAt, containersAt } from './workload.ts';

export type ResourceSource = 'container' | 'limit' | 'limit-range' | 'pod';

export interface NamespaceDefaults {
  /** Resource name → LimitRange name, for default requests. */
  requests: Map<string, string>;
  /** Resource name → LimitRange name, for default limits. */
  limits: Map<string, string>;
}

function keysOf(value: unknown): string[] {
  return Object.keys(asRecord(value) ?? {});
}

/** Defaults the LimitRanges of one namespace give every container. */
export function limitRangeDefaults(
  limitRanges: readonly KubeObject[],
  namespace: string | undefined,
): NamespaceDefaults {
  const out: NamespaceDefaults = { requests: new Map(), limits: new Map() };
  for (const lr of limitRanges) {
    if (lr.kind !== 'LimitRange' || (lr.metadata.namespace ?? '') !== (namespace ?? '')) continue;
    const items = asRecord(lr.spec)?.limits;
    if (!Array.isArray(items)) continue;
    const name = lr.metadata.name ?? '';
    for (const raw of items) {
      const item = asRecord(raw);
      if (item?.type !== 'Container') continue;
      // LimitRangeItem defaulting: default ← max; defaultRequest ← default ← min.
      for (const key of [...keysOf(item.default), ...keysOf(item.max)]) {
        if (!out.limits.has(key)) out.limits.set(key, name);
      }
      for (const key of [
        ...keysOf(item.defaultRequest),
        ...keysOf(item.default),
        ...keysOf(item.max),
        ...keysOf(item.min),
      ]) {
        if (!out.requests.has(key)) out.requests.set(key, name);
      }
    }
  }
  return out;
}

export const NO_DEFAULTS: NamespaceDefaults = { requests: new Map(), limits: new Map() };

function resourcesOf(value: unknown): { requests: Record<string, unknown>; limits: Record<string, unknown> } {
  const r = asRecord(value);
  return { requests: asRecord(r?.requests) ?? {}, limits: asRecord(r?.limits) ?? {} };
}

function isSet(value: unknown): boolean {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

/** Where the container's request for `resource` comes from, or undefined when it will have none. */
export function requestSource(
  container: Container,
  resource: string,
  podSpec: PodSpec | undefined,
  defaults: NamespaceDefaults,
): ResourceSource | undefined {
  const own = resourcesOf(container.resources);
  if (isSet(own.requests[resource])) return 'container';
  if (isSet(own.limits[resource])) return 'limit';
  if (defaults.requests.has(resource)) return 'limit-range';
  const pod = resourcesOf(podSpec?.resources);
  if (isSet(pod.requests[resource]) || isSet(pod.limits[resource])) return 'pod';
  return undefined;
}

/** Where the container's limit for `resource` comes from, or undefined when it will have none. */
export function limitSource(
  container: Container,
  resource: string,
  podSpec: PodSpec | undefined,
  defaults: NamespaceDefaults,
): ResourceSource | undefined {
  const own = resourcesOf(container.resources);
  if (isSet(own.limits[resource])) return 'container';
  if (defaults.limits.has(resource)) return 'limit-range';
  const pod = resourcesOf(podSpec?.resources);
  if (isSet(pod.limits[resource])) return 'pod';
  return undefined;
}

/** The container's own request and limit for a resource as written (strings or numbers), if any. */
export function declared(
  container: Container,
  resource: string,
): { request?: string | number; limit?: string | number } {
  const own = resourcesOf(container.resources);
  const request = own.requests[resource];
  const limit = own.limits[resource];
  return {
    ...(isSet(request) ? { request: request as string | number } : {}),
    ...(isSet(limit) ? { limit: limit as string | number } : {}),
  };
}

/** Native sidecars: init containers with `restartPolicy: Always` run for the pod's whole life. */
export function isSidecar(container: Container): boolean {
  return container.restartPolicy === 'Always';
}

/** Containers that hold resources while the pod runs: regular containers and native sidecars. */
export function longRunningContainers(object: KubeObject): ContainerAt[] {
  return containersAt(object, { init: true }).filter(
    (c) => c.list === 'containers' || isSidecar(c.container),
  );
}
