/**
 * "Serving" workloads: the ones that answer requests, so that a missing readiness probe, a
 * single replica or a CPU limit shows up as failed requests and tail latency rather than as a
 * slower batch. Defined once here and reused by every rule that needs it.
 *
 * A workload serves when it is a Deployment, StatefulSet, ReplicaSet or Pod (a Pod only if no
 * Job or DaemonSet controls it) and either a container declares a port that is not only for
 * metrics (or a readiness probe checks a port), or a Service in the same namespace selects its pods. Pure: the caller passes the
 * Services it knows (from the inventory), so files without Services still work from ports.
 */
import type { ObjectPath } from './finding.ts';
import { inputText } from './input-text.ts';
import type { Container } from './pod-spec.ts';
import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';
import { containersAt, getAt, podMetadataPath } from './workload.ts';

export const SERVING_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'ReplicaSet', 'Pod'];

/** Controllers whose Pods may serve; a Job's or a DaemonSet's pods are not "serving" here. */
const SERVING_POD_OWNERS = new Set(['ReplicaSet', 'StatefulSet', 'ReplicationController']);

export interface ContainerPort {
  name?: string;
  containerPort?: number;
  protocol?: string;
}

/** True when the object is of a kind that can serve (Pods: unless a Job or DaemonSet owns them). */
export function hasServingKind(object: KubeObject): boolean {
  if (!SERVING_KINDS.includes(object.kind)) return false;
  if (object.kind !== 'Pod') return true;
  // Input may be malformed: entries that are not mappings (`- null`, found by bench/fuzz.ts).
  const owners = (
    Array.isArray(object.metadata.ownerReferences) ? object.metadata.ownerReferences : []
  ).filter((o) => o !== null && typeof o === 'object');
  const owner = owners.find((o) => o.controller) ?? owners[0];
  return owner === undefined || SERVING_POD_OWNERS.has(inputText(owner.kind) ?? '');
}

/** A port that only exposes metrics (`metrics`, `http-metrics`, `prometheus`…): scraping is not serving. */
export function isMetricsPort(port: ContainerPort): boolean {
  return typeof port.name === 'string' && /metrics|prometheus|^prom$/i.test(port.name);
}

/** The ports of a container, skipping entries that are not mappings. */
export function portsOf(container: Container): ContainerPort[] {
  const ports = container.ports;
  return Array.isArray(ports) ? ports.filter((p): p is ContainerPort => asRecord(p) !== undefined) : [];
}

/** Ports other than metrics ports. */
export function servingPorts(container: Container): ContainerPort[] {
  const declared = portsOf(container).filter((p) => !isMetricsPort(p));
  const probe = readinessProbePort(container);
  if (!probe || isMetricsPort(probe)) return declared;
  // A readiness probe gates traffic to a port: the container serves there even when it
  // declares no containerPort (which is only informational to Kubernetes).
  const known = portsOf(container).some((p) =>
    probe.name !== undefined ? p.name === probe.name : p.containerPort === probe.containerPort,
  );
  return known ? declared : [...declared, probe];
}

/** The port a readiness probe checks (httpGet, tcpSocket or grpc), by number or by name. */
function readinessProbePort(container: Container): ContainerPort | undefined {
  const probe = asRecord(container.readinessProbe);
  if (!probe) return undefined;
  for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
    const port = asRecord(probe[handler])?.port;
    if (typeof port === 'number' && Number.isInteger(port) && port > 0) return { containerPort: port };
    if (typeof port === 'string' && /^\d+$/.test(port)) return { containerPort: Number(port) };
    if (typeof port === 'string' && port !== '') return { name: port };
  }
  return undefined;
}

function podLabelsOf(object: KubeObject): Record<string, string> {
  const path = podMetadataPath(object.kind);
  const labels = path ? asRecord(getAt(object, [...path, 'labels'])) : undefined;
  return (labels ?? {}) as Record<string, string>;
}

/**
 * Whether a Service's selector picks these pod labels. A Service without a selector (or with an
 * empty one, which the API server drops) manages no endpoints, and ExternalName Services none.
 */
export function serviceSelects(service: KubeObject, labels: Record<string, string>): boolean {
  const spec = asRecord(service.spec);
  if (!spec || spec.type === 'ExternalName') return false;
  const selector = asRecord(spec.selector);
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === inputText(v));
}

/** Services in the object's namespace that send traffic to its pods. */
export function selectingServices(object: KubeObject, services: readonly KubeObject[]): KubeObject[] {
  if (!podMetadataPath(object.kind)) return [];
  const labels = podLabelsOf(object);
  const namespace = object.metadata.namespace ?? '';
  return services.filter(
    (s) => s.kind === 'Service' && (s.metadata.namespace ?? '') === namespace && serviceSelects(s, labels),
  );
}

export interface ServingVerdict {
  serving: boolean;
  /** Services selecting the pods (empty when serving only by ports). */
  services: KubeObject[];
  /** `name:port` of the first non-metrics container port, if any. */
  port?: string;
}

function describePort(port: ContainerPort): string {
  if (typeof port.name === 'string' && port.name !== '') return `${port.name}/${port.containerPort ?? '?'}`;
  return inputText(port.containerPort) ?? '?';
}

/** Whether the workload serves traffic, and why. */
export function servingVerdict(object: KubeObject, services: readonly KubeObject[]): ServingVerdict {
  if (!hasServingKind(object)) return { serving: false, services: [] };
  const selecting = selectingServices(object, services);
  let port: ContainerPort | undefined;
  for (const { container } of containersAt(object)) {
    port = servingPorts(container)[0];
    if (port) break;
  }
  return {
    serving: port !== undefined || selecting.length > 0,
    services: selecting,
    ...(port ? { port: describePort(port) } : {}),
  };
}

export function isServing(object: KubeObject, services: readonly KubeObject[]): boolean {
  return servingVerdict(object, services).serving;
}

export interface ServingContainer {
  container: Container;
  /** Path of the container in the object. */
  path: ObjectPath;
  /** Why it receives traffic: `port http/8080` or `Service shop/api`. */
  reason: string;
}

/**
 * The regular containers that receive traffic: those with a non-metrics port, and those a
 * selecting Service's targetPort resolves to (by port name or number; a numeric targetPort no
 * container declares goes to the only container when there is just one).
 */
export function servingContainers(object: KubeObject, services: readonly KubeObject[]): ServingContainer[] {
  if (!hasServingKind(object)) return [];
  const at = containersAt(object);
  const containers = at.map((c, index) => ({ index, container: c.container }));
  const found = new Map<number, ServingContainer & { index: number }>();
  for (const { index, container } of containers) {
    const port = servingPorts(container)[0];
    const path = at[index]?.path ?? [];
    if (port) found.set(index, { index, container, path, reason: `port ${describePort(port)}` });
  }
  for (const service of selectingServices(object, services)) {
    const ports = getAt(service, ['spec', 'ports']);
    if (!Array.isArray(ports)) continue;
    for (const raw of ports) {
      const sp = asRecord(raw);
      if (!sp) continue;
      if (typeof sp.name === 'string' && /metrics|prometheus/i.test(sp.name)) continue;
      const target = sp.targetPort ?? sp.port;
      const resolved = resolveTargetPort(containers, target);
      if (!resolved || found.has(resolved.index) || (resolved.port && isMetricsPort(resolved.port))) continue;
      const container = containers[resolved.index]?.container;
      if (!container) continue;
      const reason = `Service ${service.metadata.name ?? ''} (targetPort ${inputText(target) ?? '?'})`;
      const path = at[resolved.index]?.path ?? [];
      found.set(resolved.index, { index: resolved.index, container, path, reason });
    }
  }
  return [...found.values()].sort((a, b) => a.index - b.index).map(({ index: _, ...rest }) => rest);
}

function resolveTargetPort(
  containers: { index: number; container: Container }[],
  target: unknown,
): { index: number; port?: ContainerPort } | undefined {
  const byName = typeof target === 'string' && !/^\d+$/.test(target);
  const number = typeof target === 'number' ? target : Number(target);
  for (const { index, container } of containers) {
    const port = portsOf(container).find((p) => (byName ? p.name === target : p.containerPort === number));
    if (port) return { index, port };
  }
  // A numeric targetPort need not be declared: with one container, that container gets it.
  if (!byName && Number.isInteger(number) && containers.length === 1) return { index: 0 };
  return undefined;
}
