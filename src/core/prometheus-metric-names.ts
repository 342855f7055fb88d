/**
 * The metric names a Prometheus has, as an object in the inventory (`alerts lint --prometheus`):
 * rules stay functions of the inventory, and a scan without a Prometheus simply has none.
 */
import type { KubeObject } from './resource.ts';

export const PROMETHEUS_METRIC_NAMES = {
  apiVersion: 'hindsight.dev/v1',
  kind: 'PrometheusMetricNames',
} as const;

export function metricNamesObject(source: string, names: readonly string[]): KubeObject {
  let name: string;
  try {
    name = new URL(source).host;
  } catch {
    name = source;
  }
  return { ...PROMETHEUS_METRIC_NAMES, metadata: { name }, source, names: [...names].sort() };
}

/** The names and where they came from, when `object` is such an object. */
export function readMetricNames(
  object: KubeObject,
): { source: string; names: ReadonlySet<string> } | undefined {
  if (
    object.kind !== PROMETHEUS_METRIC_NAMES.kind ||
    object.apiVersion !== PROMETHEUS_METRIC_NAMES.apiVersion
  )
    return undefined;
  const names = Array.isArray(object.names)
    ? object.names.filter((n): n is string => typeof n === 'string')
    : [];
  return {
    source: typeof object.source === 'string' ? object.source : (object.metadata.name ?? ''),
    names: new Set(names),
  };
}
