/**
 * Grafana dashboard models, built from small typed parts. The types are Grafana's own published
 * dashboard model (`@grafana/schema`, imported as types only: nothing of it runs), so a field
 * Grafana does not know, or a value of the wrong shape, is a type error here.
 *
 * Every query reads the `${datasource}` variable (type prometheus) and every dashboard carries
 * the same variables: `cluster` (the label hindsight serve's `--cluster` and federated or Thanos
 * setups put on every series), `team` (the namespace label kube-state-metrics exports as
 * `kube_namespace_labels{label_<team-label>}`) and `namespace` (the namespaces of the chosen
 * teams). Panels filter on `cluster` and `namespace`; `team` narrows the namespaces offered.
 */
import type { Dashboard, Panel, ThresholdsConfig, ThresholdsMode, VariableModel } from '@grafana/schema';
import { promqlReads } from '../../core/promql.ts';
import { namespaceLabelSeries } from '../alerts/prometheus-rules.ts';

/** The schema version the dashboards are written for (Grafana 10.4 and later read it as is). */
export const SCHEMA_VERSION = 39;

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template.
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** One query of a panel: PromQL with Grafana's variables in it. */
export interface Query {
  expr: string;
  legend?: string;
  /** Evaluated once at the end of the range (stat, table, bar gauge) rather than over it. */
  instant?: boolean;
}

/** A panel as the dashboards declare it; `layout` places them. */
export interface PanelSpec {
  type: 'timeseries' | 'stat' | 'table' | 'bargauge';
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  /** Grid columns of 24; the height follows from the type. */
  width: number;
  /** Value from which the panel turns red (amber from half of it), for stats and gauges. */
  redFrom?: number;
  /** A table's row order: a column's display name (`Value`, `Value #A`, a label) and direction. */
  sortBy?: { column: string; desc: boolean };
}

/** What every generated dashboard needs from the command. */
export interface DashboardOptions {
  /** Namespace label key naming the team, as `--team-label` of `alerts generate` (default `team`). */
  teamLabel: string;
}

/** Grafana's built-in interval variables, with values any Prometheus accepts. */
const BUILT_IN: Readonly<Record<string, string>> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
};

/**
 * A panel's query with Grafana's variables replaced as Grafana does before sending it: `$name`,
 * `${name}`, `${name:format}` and `[[name]]`, by `values` or the built-in intervals. A variable
 * with no value is an error (a dashboard that names one it does not define is broken), except
 * `$1` and the like, capture groups that Grafana leaves alone as well.
 */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(
    /\$\{([A-Za-z0-9_]+)(?::[A-Za-z0-9_]+)?\}|\[\[([A-Za-z0-9_]+)\]\]|\$([A-Za-z0-9_]+)/g,
    (whole, braced?: string, bracketed?: string, bare?: string) => {
      const name = (braced ?? bracketed ?? bare) as string;
      const value = values[name] ?? BUILT_IN[name];
      // `$1` is a label_replace() capture group: Grafana leaves names it does not define as they are.
      if (value === undefined && /^[0-9]+$/.test(name)) return whole;
      if (value === undefined) throw new Error(`variable ${whole} has no value in: ${expr}`);
      return value;
    },
  );
}

/** Values for the dashboards' own variables that make every query valid PromQL. */
export const MATCH_ALL = { cluster: '.*', namespace: '.*', team: '.*' } as const;

/**
 * The metric names a query reads, from Prometheus' own grammar after substituting the variables;
 * an error when the query does not parse.
 */
export function metricNames(expr: string): string[] {
  const reads = promqlReads(substituteVariables(expr, MATCH_ALL));
  if (reads.error) throw new Error(`${reads.error}: ${expr}`);
  return reads.metrics;
}

/** The selector every kube series gets: this cluster, these namespaces. */
export const IN_SCOPE = 'cluster=~"$cluster", namespace=~"$namespace"';

const HEIGHT: Record<PanelSpec['type'], number> = { stat: 4, timeseries: 8, table: 9, bargauge: 8 };

function thresholds(redFrom: number | undefined): ThresholdsConfig {
  const steps =
    redFrom === undefined
      ? [{ value: null, color: 'green' }]
      : [
          { value: null, color: 'green' },
          { value: redFrom / 2, color: 'orange' },
          { value: redFrom, color: 'red' },
        ];
  // A string enum in the published types; its JSON value is the string.
  return { mode: 'absolute' as ThresholdsMode, steps };
}

function panel(spec: PanelSpec, id: number, x: number, y: number): Panel {
  const refIds = 'ABCDEFGHIJ';
  return {
    id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos: { x, y, w: spec.width, h: HEIGHT[spec.type] },
    fieldConfig: { defaults: { unit: spec.unit, thresholds: thresholds(spec.redFrom) }, overrides: [] },
    options:
      spec.type === 'table'
        ? {
            showHeader: true,
            ...(spec.sortBy ? { sortBy: [{ displayName: spec.sortBy.column, desc: spec.sortBy.desc }] } : {}),
          }
        : {},
    targets: spec.queries.map((q, i) => ({
      refId: refIds[i] ?? `Q${i}`,
      datasource: DATASOURCE,
      expr: q.expr,
      legendFormat: q.legend ?? '__auto',
      ...(q.instant
        ? { instant: true, range: false, format: spec.type === 'table' ? 'table' : 'time_series' }
        : {}),
    })),
  };
}

/** Panels placed left to right, wrapping at 24 columns; a row is as tall as its tallest panel. */
export function layout(specs: readonly PanelSpec[]): Panel[] {
  const out: Panel[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const spec of specs) {
    if (x + spec.width > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    out.push(panel(spec, out.length + 1, x, y));
    x += spec.width;
    rowHeight = Math.max(rowHeight, HEIGHT[spec.type]);
  }
  return out;
}

function queryVariable(name: string, label: string, query: string): VariableModel {
  return {
    type: 'query',
    name,
    label,
    datasource: DATASOURCE,
    query,
    refresh: 2,
    sort: 1,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
  };
}

/** datasource, cluster, team, namespace: the team narrows the namespaces offered. */
export function variables(options: DashboardOptions): VariableModel[] {
  const team = namespaceLabelSeries(options.teamLabel);
  return [
    { type: 'datasource', name: 'datasource', label: 'Prometheus', query: 'prometheus' },
    queryVariable('cluster', 'Cluster', 'label_values(kube_namespace_labels, cluster)'),
    queryVariable('team', 'Team', `label_values(kube_namespace_labels{cluster=~"$cluster"}, ${team})`),
    queryVariable(
      'namespace',
      'Namespace',
      `label_values(kube_namespace_labels{cluster=~"$cluster", ${team}=~"$team"}, namespace)`,
    ),
  ];
}

/** What a dashboard module declares. */
export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  /** Default time range, e.g. `now-24h`. */
  from: string;
  panels: PanelSpec[];
}

/** The dashboard JSON model of a spec. */
export function toDashboard(spec: DashboardSpec, options: DashboardOptions): Dashboard {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['hindsight', 'kubernetes', ...spec.tags],
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    editable: true,
    graphTooltip: 1,
    timezone: 'browser',
    time: { from: spec.from, to: 'now' },
    refresh: '1m',
    templating: { list: variables(options) },
    annotations: { list: [] },
    links: [],
    panels: layout(spec.panels),
  };
}
