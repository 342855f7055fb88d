import { imageFacts } from '../../core/image-knowledge.ts';
import { inputText } from '../../core/input-text.ts';
import type { Container } from '../../core/pod-spec.ts';
import { asRecord } from '../../core/records.ts';
import type { KubeObject } from '../../core/resource.ts';
import { servingPorts } from '../../core/serving.ts';
import { isTelemetryComponent, logCollectorOf } from '../../core/telemetry-images.ts';
import { containersAt, podAnnotations, podMetadataPath } from '../../core/workload.ts';
import type { Inventory, InventoryEntry } from '../../inventory/inventory.ts';
import { speaksForWorkload } from '../../inventory/owning-workload.ts';
import { servingVerdictIn } from '../../inventory/selectors.ts';
import { defineRule, ignoreNamespacesOption, NOT_APPLICABLE } from '../define-rule.ts';

const Options = ignoreNamespacesOption(
  "Namespaces not judged (the control plane's and the cloud provider's add-ons)",
);

/** The OpenTelemetry Operator's annotations: `inject-<language>` and the collector sidecar. */
function injects(annotations: unknown): boolean {
  return Object.entries(asRecord(annotations) ?? {}).some(
    ([key, value]) =>
      (key.startsWith('instrumentation.opentelemetry.io/inject-') ||
        key === 'sidecar.opentelemetry.io/inject') &&
      (inputText(value) ?? 'false').toLowerCase() !== 'false',
  );
}

/**
 * An environment variable that configures OpenTelemetry: an `OTEL_*` (or any name with OTEL or
 * OTLP), a value at an OTLP port (4317 gRPC, 4318 HTTP), or one that loads the agent
 * (`-javaagent:/otel/opentelemetry-javaagent.jar`).
 */
function isOtelVariable(name: string, value: string | undefined): boolean {
  if (/OTEL|OTLP/i.test(name)) return true;
  return value !== undefined && (/:431[78]\b/.test(value) || /opentelemetry/i.test(value));
}

type EnvVerdict = 'configured' | 'none' | 'unknown';

/** What `envFrom` brings in: the keys of a ConfigMap or Secret the scan holds; unknown otherwise. */
function envFromVerdict(inventory: Inventory, entry: InventoryEntry, source: unknown): EnvVerdict {
  const s = asRecord(source);
  if (!s) return 'none';
  const prefix = inputText(s.prefix) ?? '';
  for (const [field, kind] of [
    ['configMapRef', 'ConfigMap'],
    ['secretRef', 'Secret'],
  ] as const) {
    const name = inputText(asRecord(s[field])?.name);
    if (name === undefined) continue;
    const ref = {
      apiVersion: 'v1',
      kind,
      name,
      ...(entry.ref.namespace ? { namespace: entry.ref.namespace } : {}),
    };
    const found = inventory.get(ref, entry);
    const data = { ...asRecord(found?.object.data), ...asRecord(found?.object.stringData) };
    if (!found || Object.keys(data).length === 0) return 'unknown';
    const configured = Object.entries(data).some(([key, value]) =>
      isOtelVariable(`${prefix}${key}`, kind === 'ConfigMap' ? inputText(value) : undefined),
    );
    return configured ? 'configured' : 'none';
  }
  return 'none';
}

function containerVerdict(inventory: Inventory, entry: InventoryEntry, container: Container): EnvVerdict {
  const env = Array.isArray(container.env) ? container.env : [];
  for (const raw of env) {
    const v = asRecord(raw);
    const name = inputText(v?.name);
    if (name !== undefined && isOtelVariable(name, inputText(v?.value))) return 'configured';
  }
  let verdict: EnvVerdict = 'none';
  for (const source of Array.isArray(container.envFrom) ? container.envFrom : []) {
    const from = envFromVerdict(inventory, entry, source);
    if (from === 'configured') return 'configured';
    if (from === 'unknown') verdict = 'unknown';
  }
  return verdict;
}

/** Well-known datastore ports: MySQL, PostgreSQL, Redis, MongoDB, Cassandra, Memcached, Elasticsearch, ZooKeeper, AMQP, Kafka, CockroachDB. */
const DATASTORE_PORTS = new Set([3306, 5432, 6379, 27017, 9042, 11211, 9200, 2181, 5672, 9092, 26257]);

/**
 * Pods that are not code to instrument, they export metrics: a datastore (by image, or by
 * listening only on datastore ports) or the telemetry stack itself, with the sidecars around it
 * (kube-rbac-proxy, config reloaders). A log shipper beside an app's own container is the app's.
 */
function isThirdParty(object: KubeObject): boolean {
  const containers = containersAt(object).map((c) => c.container);
  const [main] = containers;
  if (main && logCollectorOf(main.image)) return true;
  if (containers.some((c) => imageFacts(c.image).datastore === true)) return true;
  if (containers.some((c) => isTelemetryComponent(c.image) && !logCollectorOf(c.image))) return true;
  const ports = containers.flatMap((c) => servingPorts(c).map((p) => p.containerPort));
  return ports.length > 0 && ports.every((p) => p !== undefined && DATASTORE_PORTS.has(p));
}

export default defineRule({
  id: 'workload-without-opentelemetry',
  category: 'observability',
  severity: 'info',
  lesson: 'observability',
  title: 'Services that serve traffic are instrumented with OpenTelemetry',
  appliesTo: ['Deployment', 'StatefulSet', 'ReplicaSet', 'Pod'],
  options: Options,
  messages: {
    notInstrumented:
      '{kind} serves traffic ({reason}) with no OpenTelemetry configuration: no OTEL_* variable in its containers and no instrumentation.opentelemetry.io/inject-* annotation on its pod template or {namespace}, so its code emits no spans of its own',
  },
  check(entry, ctx) {
    const namespace = entry.ref.namespace ?? '';
    if (ctx.inventory.controllerOf(entry) || ctx.options.ignoreNamespaces.includes(namespace))
      return NOT_APPLICABLE;
    // A snapshot's pods without their ReplicaSet: one of them speaks for the workload.
    if (!speaksForWorkload(ctx.inventory, entry)) return NOT_APPLICABLE;
    const verdict = servingVerdictIn(ctx.inventory, entry);
    if (!verdict.serving) return NOT_APPLICABLE;
    if (isThirdParty(entry.object)) return NOT_APPLICABLE;
    if (injects(podAnnotations(entry.object))) return;
    const ns = ctx.inventory.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    if (injects(ns?.object.metadata.annotations)) return;
    // The OpenTelemetry Operator is in use, and the namespace's annotations are not in the scan.
    if (!ns && ctx.inventory.hasKind('Instrumentation')) return NOT_APPLICABLE;
    const verdicts = containersAt(entry.object, { init: true }).map(({ container }) =>
      containerVerdict(ctx.inventory, entry, container),
    );
    if (verdicts.includes('configured')) return;
    // Variables from a ConfigMap or Secret the scan does not hold may be the configuration.
    if (verdicts.includes('unknown')) return NOT_APPLICABLE;
    const [service] = verdict.services;
    ctx.report({
      messageId: 'notInstrumented',
      data: {
        kind: entry.object.kind,
        reason: service ? `Service ${service.metadata.name ?? ''}` : `port ${verdict.port ?? '?'}`,
        namespace: namespace === '' ? 'its namespace' : `namespace ${namespace}`,
      },
      path: podMetadataPath(entry.object.kind) ?? [],
    });
  },
});
