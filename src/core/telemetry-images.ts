/** Images of the telemetry pipeline itself, by repository: the node log collectors a DaemonSet runs. */
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
