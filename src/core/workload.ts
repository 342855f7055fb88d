/**
 * Walking the containers of any pod-carrying object with the path to each, so rules report
 * and fix at the right place in the user's file whatever the kind.
 */
import type { ObjectPath } from './finding.ts';
import type { Container, PodSpec } from './pod-spec.ts';
import type { KubeObject } from './resource.ts';

const POD_SPEC_PATHS: Record<string, ObjectPath> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const POD_CARRYING_KINDS = Object.keys(POD_SPEC_PATHS);

/** Path of the pod spec inside an object of this kind, or undefined if it carries none. */
export function podSpecPath(kind: string): ObjectPath | undefined {
  return POD_SPEC_PATHS[kind];
}

/** Path of the pod template metadata (labels, annotations); a Pod's own metadata for Pods. */
export function podMetadataPath(kind: string): ObjectPath | undefined {
  const spec = POD_SPEC_PATHS[kind];
  if (!spec) return undefined;
  return kind === 'Pod' ? ['metadata'] : [...spec.slice(0, -1), 'metadata'];
}

export function getAt(object: unknown, path: ObjectPath): unknown {
  let current: unknown = object;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** The annotations of a workload's pod template (a Pod's own), or undefined when there are none. */
export function podAnnotations(object: KubeObject): Record<string, unknown> | undefined {
  const path = podMetadataPath(object.kind);
  const annotations = path ? getAt(object, [...path, 'annotations']) : undefined;
  return annotations !== null && typeof annotations === 'object' && !Array.isArray(annotations)
    ? (annotations as Record<string, unknown>)
    : undefined;
}

export function podSpecAt(object: KubeObject): PodSpec | undefined {
  const path = podSpecPath(object.kind);
  if (!path) return undefined;
  const spec = getAt(object, path);
  return spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? (spec as PodSpec) : undefined;
}

export interface ContainerAt {
  container: Container;
  path: ObjectPath;
  /** `containers` or `initContainers`. */
  list: 'containers' | 'initContainers';
}

/**
 * Every container (regular, then init) with its path. Entries that are not mappings, or whose
 * name is a mapping or a list (`name: {toString: …}`, found by bench/fuzz.ts: every rule's
 * `String(container.name)` threw), are not containers the API server would take: skipped.
 */
export function containersAt(object: KubeObject, options: { init?: boolean } = {}): ContainerAt[] {
  const base = podSpecPath(object.kind);
  const spec = podSpecAt(object);
  if (!base || !spec) return [];
  const out: ContainerAt[] = [];
  const lists: ('containers' | 'initContainers')[] = options.init
    ? ['containers', 'initContainers']
    : ['containers'];
  for (const list of lists) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => {
      if (c === null || typeof c !== 'object' || Array.isArray(c)) return;
      const name: unknown = (c as { name?: unknown }).name;
      if (name !== null && typeof name === 'object') return;
      out.push({ container: c, path: [...base, list, i], list });
    });
  }
  return out;
}

/**
 * A pod that exists because its node does: a DaemonSet's pod, or a static pod the kubelet runs
 * from its manifest directory (its mirror pod is owned by the Node). These are per-node overhead
 * for packing and cost, never workload to move.
 */
export function isPerNodePod(pod: KubeObject): boolean {
  const owners: unknown = pod.metadata.ownerReferences;
  if (!Array.isArray(owners)) return false;
  return owners.some((o: unknown) => {
    const kind = o !== null && typeof o === 'object' ? (o as { kind?: unknown }).kind : undefined;
    return kind === 'DaemonSet' || kind === 'Node';
  });
}
