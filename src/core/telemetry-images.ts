/**
 * Images of the telemetry pipeline itself, by repository: the node log collectors a
 * DaemonSet runs, and the observability components (Prometheus, Grafana, the collectors) that
 * are the stack rather than services to instrument.
 */
import { parseImageReference } from './image-reference.ts';

/**
 * Node log collectors, by the last component of the repository, and the name a message uses.
 * Each tails /var/log/pods on its node when run as a DaemonSet.
 */
const LOG_COLLECTORS: ReadonlyMap<string, string> = new Map([
  ['promtail', 'Promtail'],
  ['alloy', 'Grafana Alloy'],
  ['grafana-agent', 'Grafana Agent'],
  ['fluent-bit', 'Fluent Bit'],
  ['aws-for-fluent-bit', 'Fluent Bit'],
  ['fluentd', 'Fluentd'],
  ['fluentd-kubernetes-daemonset', 'Fluentd'],
  ['vector', 'Vector'],
  ['opentelemetry-collector', 'OpenTelemetry Collector'],
  ['opentelemetry-collector-contrib', 'OpenTelemetry Collector'],
  ['opentelemetry-collector-k8s', 'OpenTelemetry Collector'],
  ['splunk-otel-collector', 'OpenTelemetry Collector'],
  ['filebeat', 'Filebeat'],
  ['elastic-agent', 'Elastic Agent'],
]);

/** `agent` alone is too common a name: it is a log collector only under these owners. */
const AGENT_OWNERS = new Set(['grafana', 'datadog']);

/** The log collector an image is, or undefined. */
export function logCollectorOf(image: unknown): string | undefined {
  const ref = parseImageReference(image);
  if (!ref) return undefined;
  const parts = ref.repository.toLowerCase().split('/');
  const base = parts.at(-1) ?? '';
  if (base === 'agent') {
    const owner = parts.at(-2) ?? '';
    if (!AGENT_OWNERS.has(owner)) return undefined;
    return owner === 'datadog' ? 'Datadog Agent' : 'Grafana Agent';
  }
  return LOG_COLLECTORS.get(base);
}

/** Observability components besides the log collectors, by the last component of the repository. */
const COMPONENTS = new Set([
  'prometheus',
  'alertmanager',
  'pushgateway',
  'prometheus-operator',
  'prometheus-config-reloader',
  'prometheus-adapter',
  'blackbox-exporter',
  'node-exporter',
  'kube-state-metrics',
  'thanos',
  'grafana',
  'grafana-oss',
  'loki',
  'tempo',
  'mimir',
  'pyroscope',
  'jaeger',
  'jaeger-all-in-one',
  'jaeger-collector',
  'jaeger-query',
  'opentelemetry-operator',
  'kiali',
  'zipkin',
]);

/**
 * Whether the image is part of the observability stack (a log collector, Prometheus and its
 * exporters, Grafana, Loki, Tempo, Jaeger…) or an exporter (`*-exporter`).
 */
export function isTelemetryComponent(image: unknown): boolean {
  if (logCollectorOf(image)) return true;
  const ref = parseImageReference(image);
  if (!ref) return false;
  const base = ref.repository.toLowerCase().split('/').at(-1) ?? '';
  return COMPONENTS.has(base) || base.endsWith('-exporter') || base.startsWith('opentelemetry-collector');
}
