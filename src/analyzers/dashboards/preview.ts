/**
 * A dashboard's panels with the data a Prometheus returns for them, as Grafana would ask: each
 * target's PromQL with the variables substituted, a range query over the time range for time
 * series (a step that gives about 240 points, Grafana's order of magnitude for a panel's width),
 * an instant query at its end for targets marked `instant`. What `dashboards preview` draws; a
 * query Prometheus refuses is kept with its message, as Grafana shows it on the panel.
 */
import type { Dashboard, Panel } from '@grafana/schema';
import type { Labels, PrometheusClient } from '../../sources/prometheus/client.ts';
import { parseDuration } from '../certs/duration.ts';
import { substituteVariables } from './model.ts';

/** One series of a target's answer: parallel arrays of unix seconds and values. */
export interface PreviewSeries {
  labels: Labels;
  times: number[];
  values: number[];
}

export interface PreviewTarget {
  refId: string;
  /** The PromQL sent, variables substituted. */
  expr: string;
  legend: string;
  instant: boolean;
  series: PreviewSeries[];
  /** Prometheus' refusal or the transport error, when the query failed. */
  error?: string;
}

export interface PreviewPanel {
  panel: Panel;
  targets: PreviewTarget[];
}

export interface DashboardPreview {
  dashboard: Dashboard;
  start: Date;
  end: Date;
  step: number;
  variables: Readonly<Record<string, string>>;
  panels: PreviewPanel[];
}

export interface PreviewOptions {
  /** End of the time range (Grafana's `now`). */
  end: Date;
  rangeSeconds: number;
  /** Values of the dashboard's variables (a regex for multi-value ones, as Grafana's All sends). */
  variables: Readonly<Record<string, string>>;
}

/** A dashboard's own time range (`time.from`, `now-24h`) in ms; 24 h when it has none. */
export function dashboardRangeMs(dashboard: Dashboard): number {
  const match = /^now-(.+)$/.exec(String(dashboard.time?.from ?? ''));
  return (match ? parseDuration(match[1] as string) : undefined) ?? 24 * 3_600_000;
}

/** Points a time series panel asks for across its range. */
const POINTS = 240;

/** The step Grafana-like clients pick: the range over POINTS, at least 15 s, whole seconds. */
export function previewStep(rangeSeconds: number): number {
  return Math.max(15, Math.ceil(rangeSeconds / POINTS));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function runTarget(
  client: PrometheusClient,
  target: NonNullable<Panel['targets']>[number],
  options: PreviewOptions,
  start: Date,
  step: number,
): Promise<PreviewTarget> {
  const raw = String(target.expr ?? '');
  const instant = target.instant === true;
  const base = {
    refId: String(target.refId ?? ''),
    legend: String(target.legendFormat ?? '__auto'),
    instant,
  };
  let expr: string;
  try {
    expr = substituteVariables(raw, options.variables);
  } catch (error) {
    return { ...base, expr: raw, series: [], error: errorText(error) };
  }
  try {
    if (instant) {
      const answer = await client.query(expr, options.end);
      const series =
        answer.resultType === 'matrix'
          ? answer.matrix.map((s) => ({ labels: s.metric, times: [...s.times], values: [...s.values] }))
          : answer.vector.map((s) => ({ labels: s.metric, times: [s.time], values: [s.value] }));
      return { ...base, expr, series };
    }
    const answer = await client.queryRange(expr, { start, end: options.end, step });
    const series = answer.matrix.map((s) => ({
      labels: s.metric,
      times: [...s.times],
      values: [...s.values],
    }));
    return { ...base, expr, series };
  } catch (error) {
    return { ...base, expr, series: [], error: errorText(error) };
  }
}

/** Every panel of `dashboard` with Prometheus' answers to its targets. */
export async function previewDashboard(
  dashboard: Dashboard,
  client: PrometheusClient,
  options: PreviewOptions,
): Promise<DashboardPreview> {
  const start = new Date(options.end.getTime() - options.rangeSeconds * 1000);
  const step = previewStep(options.rangeSeconds);
  const panels = await Promise.all(
    ((dashboard.panels ?? []) as Panel[]).map(async (panel) => ({
      panel,
      targets: await Promise.all(
        (panel.targets ?? []).map((target) => runTarget(client, target, options, start, step)),
      ),
    })),
  );
  return { dashboard, start, end: options.end, step, variables: options.variables, panels };
}

/** What a preview found: panels with data, without, and with a query Prometheus refused. */
export function previewSummary(preview: DashboardPreview): { data: number; empty: number; failed: number } {
  let data = 0;
  let empty = 0;
  let failed = 0;
  for (const { targets } of preview.panels) {
    if (targets.some((t) => t.error)) failed++;
    else if (targets.some((t) => t.series.length > 0)) data++;
    else empty++;
  }
  return { data, empty, failed };
}
