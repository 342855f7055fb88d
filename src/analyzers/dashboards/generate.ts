/**
 * The dashboards `hindsight dashboards generate` writes, as Grafana JSON models, and the same
 * as ConfigMaps for the Grafana sidecar (kiwigrid k8s-sidecar, as kube-prometheus-stack runs
 * it), which loads every ConfigMap carrying its label (`grafana_dashboard`, value "1") from the
 * namespaces it watches.
 */
import type { Dashboard } from '@grafana/schema';
import type { KubeObject } from '../../core/resource.ts';
import { CERTIFICATES } from './certificates.ts';
import { COST_AND_WASTE } from './cost.ts';
import { FAILURE_FAMILIES } from './failure-families.ts';
import { FINDINGS_OVER_TIME } from './findings.ts';
import { type DashboardOptions, type DashboardSpec, toDashboard } from './model.ts';
import { REQUESTS_VS_USAGE } from './requests-vs-usage.ts';

/** Every dashboard, in the order they are written. */
export const DASHBOARDS: readonly DashboardSpec[] = [
  REQUESTS_VS_USAGE,
  COST_AND_WASTE,
  CERTIFICATES,
  FAILURE_FAMILIES,
  FINDINGS_OVER_TIME,
];

/** One generated dashboard and the file it is written to (`<uid>.json`). */
export interface GeneratedDashboard {
  file: string;
  dashboard: Dashboard;
}

export function generateDashboards(options: DashboardOptions): GeneratedDashboard[] {
  return DASHBOARDS.map((spec) => ({ file: `${spec.uid}.json`, dashboard: toDashboard(spec, options) }));
}

/** Where and how the ConfigMaps are labelled for the sidecar. */
export interface ConfigMapOptions {
  namespace: string;
  /** The label the sidecar selects on (its `LABEL`), set to its default value "1". */
  sidecarLabel: string;
}

/** One ConfigMap per dashboard, its JSON under `<uid>.json`. */
export function dashboardConfigMaps(
  dashboards: readonly GeneratedDashboard[],
  options: ConfigMapOptions,
): KubeObject[] {
  return dashboards.map(({ file, dashboard }) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${dashboard.uid}-dashboard`,
      namespace: options.namespace,
      labels: {
        [options.sidecarLabel]: '1',
        'app.kubernetes.io/name': 'hindsight',
        'app.kubernetes.io/component': 'grafana-dashboard',
      },
    },
    data: { [file]: `${JSON.stringify(dashboard, null, 2)}\n` },
  }));
}
