/**
 * The CPU and memory metrics a HorizontalPodAutoscaler scales on, across autoscaling/v1,
 * v2beta1, v2beta2 and v2, with the defaults the API server applies: an HPA with no metrics
 * scales on 80% average CPU utilization.
 */
import type { ObjectPath } from './finding.ts';
import { asRecord } from './records.ts';
import type { KubeObject } from './resource.ts';

export interface HpaResourceMetric {
  /** `cpu` or `memory` (any resource name is kept; rules filter). */
  resource: string;
  /** Set for `ContainerResource` metrics: only this container counts. */
  container?: string;
  /** `Utilization`, `AverageValue` or `Value`. */
  targetType: string;
  /** `60%`, `500m`: the target as a reader would say it. */
  target: string;
  /** Where the metric is written; `['spec']` when it is the default. */
  path: ObjectPath;
  /** True when no metric is written and the 80% CPU default applies. */
  defaulted: boolean;
}

export const DEFAULT_CPU_UTILIZATION = 80;

function targetOf(source: Record<string, unknown>): { targetType: string; target: string } | undefined {
  const target = asRecord(source.target);
  if (target) {
    const type = typeof target.type === 'string' ? target.type : 'Utilization';
    const value =
      type === 'Utilization'
        ? `${String(target.averageUtilization ?? '?')}%`
        : String(target.averageValue ?? target.value ?? '?');
    return { targetType: type, target: value };
  }
  // autoscaling/v2beta1
  if (source.targetAverageUtilization !== undefined)
    return { targetType: 'Utilization', target: `${String(source.targetAverageUtilization)}%` };
  if (source.targetAverageValue !== undefined)
    return { targetType: 'AverageValue', target: String(source.targetAverageValue) };
  return undefined;
}

/** Resource and ContainerResource metrics of an HPA, defaults included. */
export function hpaResourceMetrics(hpa: KubeObject): HpaResourceMetric[] {
  const spec = asRecord(hpa.spec);
  if (!spec) return [];
  if (hpa.apiVersion === 'autoscaling/v1' || spec.targetCPUUtilizationPercentage !== undefined) {
    const written = spec.targetCPUUtilizationPercentage !== undefined;
    return [
      {
        resource: 'cpu',
        targetType: 'Utilization',
        target: `${String(spec.targetCPUUtilizationPercentage ?? DEFAULT_CPU_UTILIZATION)}%`,
        path: written ? ['spec', 'targetCPUUtilizationPercentage'] : ['spec'],
        defaulted: !written,
      },
    ];
  }
  const metrics = spec.metrics;
  if (!Array.isArray(metrics) || metrics.length === 0) {
    return [
      {
        resource: 'cpu',
        targetType: 'Utilization',
        target: `${DEFAULT_CPU_UTILIZATION}%`,
        path: ['spec'],
        defaulted: true,
      },
    ];
  }
  const out: HpaResourceMetric[] = [];
  metrics.forEach((raw, i) => {
    const metric = asRecord(raw);
    if (!metric) return;
    const source =
      metric.type === 'Resource'
        ? asRecord(metric.resource)
        : metric.type === 'ContainerResource'
          ? asRecord(metric.containerResource)
          : undefined;
    if (!source || typeof source.name !== 'string') return;
    const target = targetOf(source);
    if (!target) return;
    out.push({
      resource: source.name,
      ...(metric.type === 'ContainerResource' && typeof source.container === 'string'
        ? { container: source.container }
        : {}),
      ...target,
      path: ['spec', 'metrics', i],
      defaulted: false,
    });
  });
  return out;
}

/** `cpu utilization 60%`, `memory average 512Mi (container app)`. */
export function describeHpaMetric(m: HpaResourceMetric): string {
  const kind =
    m.targetType === 'Utilization' ? 'utilization' : m.targetType === 'AverageValue' ? 'average' : 'value';
  const scope = m.container ? ` (container ${m.container})` : '';
  const implied = m.defaulted ? ' (the default, no metrics set)' : '';
  return `${m.resource} ${kind} ${m.target}${scope}${implied}`;
}
