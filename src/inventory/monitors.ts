/**
 * prometheus-operator's scrape objects (ServiceMonitor, PodMonitor) and the scrape annotations,
 * read once per inventory: which namespaces a monitor watches, what its selector picks, which
 * port names its endpoints use. Rules ask "what scrapes this workload" and "what does this
 * monitor select" without each re-reading every monitor.
 */
import type { ObjectPath } from '../core/finding.ts';
import { inputText } from '../core/input-text.ts';
import { WORKLOAD_KINDS } from '../core/pod-spec.ts';
import { asRecord, pushTo } from '../core/records.ts';
import { groupOf, type KubeObject } from '../core/resource.ts';
import { portsOf } from '../core/serving.ts';
import { containersAt, getAt, podAnnotations, podMetadataPath } from '../core/workload.ts';
import type { Inventory, InventoryEntry } from './inventory.ts';

export const MONITOR_KINDS: readonly string[] = ['ServiceMonitor', 'PodMonitor'];

/** Kinds whose presence says the cluster or repository runs prometheus-operator. */
export const OPERATOR_KINDS: readonly string[] = [...MONITOR_KINDS, 'Prometheus', 'PrometheusAgent'];

export const SCRAPE_ANNOTATION = 'prometheus.io/scrape';

export interface MonitorEndpoint {
  /** The port name the endpoint scrapes (a Service port for ServiceMonitors, a container port for PodMonitors). */
  port?: string;
  path: ObjectPath;
}

export interface MonitorView {
  entry: InventoryEntry;
  kind: 'ServiceMonitor' | 'PodMonitor';
  /** `spec.selector`; undefined when the monitor has none (the API server rejects that). */
  selector: Record<string, unknown> | undefined;
  /** Namespaces the monitor selects in: `any`, or names (its own namespace by default). */
  namespaces: 'any' | string[];
  endpoints: MonitorEndpoint[];
}

/** A ServiceMonitor or PodMonitor of prometheus-operator (group `monitoring.coreos.com`). */
export function isMonitor(object: KubeObject): boolean {
  return MONITOR_KINDS.includes(object.kind) && groupOf(object.apiVersion) === 'monitoring.coreos.com';
}

export function readMonitor(entry: InventoryEntry): MonitorView | undefined {
  const object = entry.object;
  if (!isMonitor(object)) return undefined;
  const spec = asRecord(object.spec) ?? {};
  const nsSelector = asRecord(spec.namespaceSelector);
  const names = Array.isArray(nsSelector?.matchNames)
    ? nsSelector.matchNames.flatMap((n) => inputText(n) ?? [])
    : [];
  const namespaces: 'any' | string[] =
    nsSelector?.any === true ? 'any' : names.length > 0 ? names : [entry.ref.namespace ?? ''];
  const field = object.kind === 'ServiceMonitor' ? 'endpoints' : 'podMetricsEndpoints';
  const raw = Array.isArray(spec[field]) ? (spec[field] as unknown[]) : [];
  const endpoints: MonitorEndpoint[] = [];
  raw.forEach((item, index) => {
    const e = asRecord(item);
    if (!e) return;
    const port = typeof e.port === 'string' && e.port !== '' ? e.port : undefined;
    endpoints.push({ ...(port ? { port } : {}), path: ['spec', field, index] });
  });
  return {
    entry,
    kind: object.kind as MonitorView['kind'],
    selector: asRecord(spec.selector),
    namespaces,
    endpoints,
  };
}

/**
 * Whether an endpoint of the monitor can scrape a target that has these port names: one names
 * a port the target has, or one names no port (a `targetPort` or `portNumber` hindsight does
 * not resolve). A monitor without endpoints scrapes nothing.
 */
export function endpointMatches(monitor: MonitorView, portNames: ReadonlySet<string>): boolean {
  return monitor.endpoints.some((e) => e.port === undefined || portNames.has(e.port));
}

interface MonitorIndex {
  /** Monitors by the namespace they watch; `any` ones under every namespace via `anywhere`. */
  byNamespace: Map<string, MonitorView[]>;
  anywhere: MonitorView[];
}

/** The monitors that watch a namespace (reads every ServiceMonitor and PodMonitor). */
export function monitorsWatching(inventory: Inventory, namespace: string): MonitorView[] {
  const index = inventory.derived('monitors/by-namespace', () => {
    const built: MonitorIndex = { byNamespace: new Map(), anywhere: [] };
    for (const kind of MONITOR_KINDS)
      for (const entry of inventory.ofKind(kind)) {
        const monitor = readMonitor(entry);
        if (!monitor) continue;
        if (monitor.namespaces === 'any') {
          built.anywhere.push(monitor);
          continue;
        }
        for (const ns of new Set(monitor.namespaces)) pushTo(built.byNamespace, ns, monitor);
      }
    return built;
  });
  return [...(index.byNamespace.get(namespace) ?? []), ...index.anywhere];
}

/** `prometheus.io/scrape: "true"` in these annotations. */
export function hasScrapeAnnotation(annotations: unknown): boolean {
  return inputText(asRecord(annotations)?.[SCRAPE_ANNOTATION]) === 'true';
}

/** The names of the ports a workload's containers declare. */
export function containerPortNames(object: KubeObject): Set<string> {
  const names = new Set<string>();
  for (const { container } of containersAt(object))
    for (const p of portsOf(container)) if (typeof p.name === 'string' && p.name !== '') names.add(p.name);
  return names;
}

/** The names of a Service's ports. */
export function servicePortNames(service: KubeObject): Set<string> {
  const ports = asRecord(service.spec)?.ports;
  const names = new Set<string>();
  if (Array.isArray(ports))
    for (const p of ports) {
      const name = asRecord(p)?.name;
      if (typeof name === 'string' && name !== '') names.add(name);
    }
  return names;
}

/** A selector for a message: `app=api, tier In (a,b)`; `{}` selects everything. */
export function describeSelector(selector: Record<string, unknown> | undefined): string {
  if (!selector) return 'no selector';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(asRecord(selector.matchLabels) ?? {}))
    parts.push(`${k}=${inputText(v) ?? '?'}`);
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const raw of expressions) {
    const e = asRecord(raw);
    if (!e) continue;
    const values = Array.isArray(e.values) ? ` (${e.values.map((v) => inputText(v) ?? '?').join(',')})` : '';
    parts.push(`${inputText(e.key) ?? '?'} ${inputText(e.operator) ?? '?'}${values}`);
  }
  return parts.length > 0 ? parts.join(', ') : '{} (everything)';
}

/** Kinds whose pod templates may carry scrape annotations; Pods are left to their controllers. */
const ANNOTATED_KINDS: readonly string[] = WORKLOAD_KINDS.filter((kind) => kind !== 'Pod');

/**
 * Whether the inventory shows how its services are scraped: prometheus-operator objects exist,
 * or some Service or pod template carries `prometheus.io/scrape: "true"`. Without either,
 * scraping is configured where hindsight cannot see it (a Prometheus scrape config file).
 */
export function scrapingIsVisible(inventory: Inventory): boolean {
  if (OPERATOR_KINDS.some((kind) => inventory.hasKind(kind))) return true;
  // Built from every Service and workload, but its answer changes only with an object carrying
  // the annotation (the `annotated:` part): a check reading it re-runs on that, not on every
  // Service or Deployment change.
  return inventory.derived('monitors/scrape-annotations-used', () => {
    if (inventory.ofKind('Service').some((s) => hasScrapeAnnotation(s.object.metadata.annotations)))
      return true;
    return ANNOTATED_KINDS.some((kind) =>
      inventory.ofKind(kind).some((e) => hasScrapeAnnotation(podAnnotations(e.object))),
    );
  }, [`annotated:${SCRAPE_ANNOTATION}`]);
}

/** Istio kinds whose presence says workloads of the scan may run in the mesh. */
const ISTIO_KINDS: readonly string[] = [
  'VirtualService',
  'DestinationRule',
  'PeerAuthentication',
  'AuthorizationPolicy',
];

/**
 * Whether Istio's sidecar injector adds the scrape annotations to the workload's pods: with
 * metrics merging (on by default) it sets `prometheus.io/scrape: "true"` on every pod it
 * injects, pointing at the agent that serves the app's and Envoy's metrics. Injected when the
 * pod template asks for it or its Namespace is labelled for injection; unknown when the scan
 * holds Istio objects but not the Namespace, whose labels decide.
 */
export function istioInjection(
  inventory: Inventory,
  entry: InventoryEntry,
): 'injected' | 'not-injected' | 'unknown' {
  const path = podMetadataPath(entry.object.kind);
  const meta = asRecord(path ? getAt(entry.object, path) : undefined);
  const own =
    inputText(asRecord(meta?.labels)?.['sidecar.istio.io/inject']) ??
    inputText(asRecord(meta?.annotations)?.['sidecar.istio.io/inject']);
  if (own === 'true') return 'injected';
  if (own === 'false') return 'not-injected';
  const name = entry.ref.namespace ?? '';
  const namespace = inventory.get({ apiVersion: 'v1', kind: 'Namespace', name });
  if (!namespace) return ISTIO_KINDS.some((k) => inventory.hasKind(k)) ? 'unknown' : 'not-injected';
  const labels = asRecord(namespace.object.metadata.labels) ?? {};
  if (labels['istio-injection'] === 'enabled' || typeof labels['istio.io/rev'] === 'string')
    return 'injected';
  return 'not-injected';
}
