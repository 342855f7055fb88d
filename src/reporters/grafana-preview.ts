/**
 * `hindsight dashboards preview`: a dashboard's panels drawn from Prometheus' answers as one
 * self-contained page (inline SVG and CSS, no script, nothing fetched), laid out on Grafana's
 * 24-column grid at its positions. Time series as lines, stats as their last value coloured by
 * the panel's thresholds, tables as label columns and a value, bar gauges as bars; units as
 * Grafana formats them (bytes in IEC, percentunit, currencyUSD, seconds, short). A review aid
 * for the JSON models where no Grafana runs: it is not Grafana's renderer, and says so.
 */
import type { Panel, ThresholdsConfig } from '@grafana/schema';
import type { DashboardPreview, PreviewSeries, PreviewTarget } from '../analyzers/dashboards/preview.ts';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Grafana's classic palette, in its order. */
const PALETTE = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0'];
/** Grafana's grid: a row unit is 30 px plus an 8 px gap. */
const ROW_PX = 30;
const GAP_PX = 8;
const MAX_LINES = 12;
const MAX_ROWS = 50;

function fixed(value: number, digits: number): string {
  return Number(value.toFixed(digits)).toString();
}

/** A value in a Grafana unit, as its panels print it. */
export function formatUnit(value: number, unit: string): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  const abs = Math.abs(value);
  switch (unit) {
    case 'bytes': {
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
      let v = abs;
      let i = 0;
      while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return `${value < 0 ? '-' : ''}${fixed(v, v < 10 ? 2 : 1)} ${units[i]}`;
    }
    case 'percentunit':
      return `${fixed(value * 100, abs * 100 < 10 ? 2 : 1)}%`;
    case 'currencyUSD':
      return `${value < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: abs < 1000 ? 2 : 0, maximumFractionDigits: abs < 1000 ? 2 : 0 })}`;
    case 's': {
      if (abs === 0) return '0 s';
      if (abs < 1) return `${fixed(value * 1000, 1)} ms`;
      if (abs < 60) return `${fixed(value, 2)} s`;
      if (abs < 3600) return `${fixed(value / 60, 1)} min`;
      if (abs < 86400) return `${fixed(value / 3600, 1)} hour`;
      return `${fixed(value / 86400, 1)} day`;
    }
    case 'short': {
      const steps: Array<[number, string]> = [
        [1e12, ' Tri'],
        [1e9, ' Bil'],
        [1e6, ' Mil'],
        [1e3, ' K'],
      ];
      for (const [size, suffix] of steps) if (abs >= size) return `${fixed(value / size, 2)}${suffix}`;
      return fixed(value, abs < 10 ? 3 : 2);
    }
    default:
      return fixed(value, abs < 10 ? 3 : 2);
  }
}

/**
 * A series' name as Grafana writes it: `legendFormat` with `{{label}}` replaced, or for
 * `__auto` (and an empty format) its labels without `__name__`, or the query when it has none.
 */
export function legendName(series: PreviewSeries, target: PreviewTarget): string {
  if (target.legend && target.legend !== '__auto')
    return target.legend.replace(
      /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g,
      (_, l: string) => series.labels[l] ?? '',
    );
  const pairs = Object.entries(series.labels).filter(([k]) => k !== '__name__');
  if (pairs.length === 0) return series.labels.__name__ ?? target.expr;
  return pairs.map(([k, v]) => `${k}="${v}"`).join(', ');
}

function lastValue(series: PreviewSeries): number | undefined {
  for (let i = series.values.length - 1; i >= 0; i--) {
    const v = series.values[i] as number;
    if (!Number.isNaN(v)) return v;
  }
  return undefined;
}

/** The colour of `value` under the panel's absolute thresholds (Grafana's base colours). */
function thresholdColor(value: number, thresholds: ThresholdsConfig | undefined): string {
  const named: Record<string, string> = { green: '#56a64b', orange: '#ff9830', red: '#e02f44' };
  let color = 'green';
  for (const step of thresholds?.steps ?? [])
    if (step.value === null || value >= step.value) color = step.color;
  return named[color] ?? color;
}

interface Drawn {
  name: string;
  series: PreviewSeries;
  color: string;
}

function drawnSeries(targets: readonly PreviewTarget[]): Drawn[] {
  const out: Drawn[] = [];
  for (const target of targets)
    for (const series of target.series)
      out.push({
        name: legendName(series, target),
        series,
        color: PALETTE[out.length % PALETTE.length] as string,
      });
  return out;
}

function clock(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(5, 16).replace('T', ' ');
}

function timeseries(
  preview: DashboardPreview,
  targets: readonly PreviewTarget[],
  unit: string,
  height: number,
): string {
  const all = drawnSeries(targets);
  const lines = all.slice(0, MAX_LINES);
  const width = 600;
  const left = 70;
  const plotH = Math.max(40, height - 26);
  const t0 = preview.start.getTime() / 1000;
  const t1 = preview.end.getTime() / 1000;
  const values = lines.flatMap((l) => l.series.values.filter((v) => Number.isFinite(v)));
  const min = Math.min(0, ...values);
  const top = Math.max(...values, min);
  // A flat line at zero still needs an axis: one unit of it.
  const max = top > min ? top : min + 1;
  const x = (t: number) => left + ((width - left - 8) * (t - t0)) / Math.max(1, t1 - t0);
  const y = (v: number) => 6 + (plotH - 6) * (1 - (v - min) / (max - min));
  const paths = lines
    .map((l) => {
      let d = '';
      let pen = 'M';
      let previous = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < l.series.times.length; i++) {
        const v = l.series.values[i] as number;
        const t = l.series.times[i] as number;
        // A missing step breaks the line, as Grafana draws a series that comes and goes (topk).
        if (!Number.isFinite(v) || t - previous > 1.5 * preview.step) pen = 'M';
        previous = t;
        if (!Number.isFinite(v)) continue;
        d += `${pen}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
        pen = 'L';
      }
      // A point with no neighbour draws no line: Grafana shows it as a dot.
      const dots = [...d.matchAll(/M([\d.-]+),([\d.-]+)(?=M|$)/g)]
        .map((m) => `<circle cx="${m[1]}" cy="${m[2]}" r="2.5" fill="${l.color}"/>`)
        .join('');
      return `<path class="series" d="${d}" fill="none" stroke="${l.color}" stroke-width="1.5"><title>${esc(l.name)}</title></path>${dots}`;
    })
    .join('');
  const ticks = [max, (max + min) / 2, min]
    .map(
      (v) =>
        `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(formatUnit(v, unit))}</text><line x1="${left}" x2="${width - 8}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#2c3235"/>`,
    )
    .join('');
  const times = `<text x="${left}" y="${plotH + 16}">${clock(t0)}</text><text x="${width - 8}" y="${plotH + 16}" text-anchor="end">${clock(t1)}</text>`;
  const svg = `<svg role="img" aria-label="time series" viewBox="0 0 ${width} ${plotH + 20}" preserveAspectRatio="none">${ticks}${paths}${times}</svg>`;
  const legend = lines
    .map((l) => `<li><span class="swatch" style="background:${l.color}"></span>${esc(l.name)}</li>`)
    .join('');
  const more = all.length > lines.length ? `<li>+${all.length - lines.length} more series</li>` : '';
  return `${svg}<ul class="legend">${legend}${more}</ul>`;
}

function stat(
  targets: readonly PreviewTarget[],
  unit: string,
  thresholds: ThresholdsConfig | undefined,
): string {
  const shown = drawnSeries(targets).slice(0, 6);
  return `<div class="stats">${shown
    .map((d) => {
      const v = lastValue(d.series);
      const text = v === undefined ? 'No data' : formatUnit(v, unit);
      const color = v === undefined ? '#8e8e8e' : thresholdColor(v, thresholds);
      const label = shown.length > 1 ? `<span class="stat-name">${esc(d.name)}</span>` : '';
      return `<div class="stat"><span class="stat-value" style="color:${color}">${esc(text)}</span>${label}</div>`;
    })
    .join('')}</div>`;
}

/**
 * Rows by label set; one value column per query (`Value #A`, as Grafana names them when frames
 * are merged), so a table of requested and used shows both side by side.
 */
function table(
  targets: readonly PreviewTarget[],
  unit: string,
  sortBy: { displayName?: string; desc?: boolean } | undefined,
): string {
  const answered = targets.filter((t) => t.series.length > 0);
  const rows = new Map<string, { labels: Record<string, string>; values: Map<string, number> }>();
  for (const target of answered)
    for (const series of target.series) {
      const labels = Object.fromEntries(Object.entries(series.labels).filter(([k]) => k !== '__name__'));
      const key = JSON.stringify(Object.entries(labels).sort());
      const row = rows.get(key) ?? { labels, values: new Map<string, number>() };
      rows.set(key, row);
      const v = lastValue(series);
      if (v !== undefined) row.values.set(target.refId, v);
    }
  const all = [...rows.values()];
  const valueRef = new Map(
    answered.map((t) => [answered.length === 1 ? 'Value' : `Value #${t.refId}`, t.refId]),
  );
  if (sortBy?.displayName) {
    const by = sortBy.displayName;
    const ref = valueRef.get(by);
    const sign = sortBy.desc ? -1 : 1;
    // Grafana's order: numbers by value, labels as text; rows without the column last.
    all.sort((a, b) => {
      if (ref !== undefined) {
        const x = a.values.get(ref);
        const y = b.values.get(ref);
        if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
        return sign * (x - y);
      }
      return sign * (a.labels[by] ?? '').localeCompare(b.labels[by] ?? '');
    });
  }
  const shown = all.slice(0, MAX_ROWS);
  // Columns only the rows not shown have (a label set on a few series) would be empty here and
  // push the values out of the panel.
  const keys = [...new Set(shown.flatMap((r) => Object.keys(r.labels)))].sort();
  const valueHeads = answered.map((t) => (answered.length === 1 ? 'Value' : `Value #${t.refId}`));
  const head = `<tr>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}${valueHeads.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = shown
    .map((r) => {
      const cells = answered.map((t) => {
        const v = r.values.get(t.refId);
        return `<td class="num">${v === undefined ? '' : esc(formatUnit(v, unit))}</td>`;
      });
      return `<tr>${keys.map((k) => `<td>${esc(r.labels[k] ?? '')}</td>`).join('')}${cells.join('')}</tr>`;
    })
    .join('');
  const more = all.length > MAX_ROWS ? `<p class="more">${all.length - MAX_ROWS} more rows</p>` : '';
  return `<table>${head}${body}</table>${more}`;
}

function bargauge(
  targets: readonly PreviewTarget[],
  unit: string,
  thresholds: ThresholdsConfig | undefined,
): string {
  const bars = drawnSeries(targets)
    .map((d) => ({ d, v: lastValue(d.series) ?? 0 }))
    .slice(0, MAX_ROWS);
  const max = Math.max(...bars.map((b) => b.v), 1e-9);
  return `<div class="bars">${bars
    .map(
      ({ d, v }) =>
        `<div class="bar"><span class="bar-name">${esc(d.name)}</span><span class="bar-track"><span class="bar-fill" style="width:${Math.max(0.5, (100 * v) / max).toFixed(1)}%;background:${thresholdColor(v, thresholds)}"></span></span><span class="bar-value">${esc(formatUnit(v, unit))}</span></div>`,
    )
    .join('')}</div>`;
}

function panelBody(
  preview: DashboardPreview,
  panel: Panel,
  targets: readonly PreviewTarget[],
  height: number,
): string {
  const failed = targets.filter((t) => t.error);
  if (failed.length > 0)
    return `<div class="error">${failed.map((t) => `<p>${esc(`${t.refId}: ${t.error}`)}</p>`).join('')}</div>`;
  if (!targets.some((t) => t.series.length > 0)) return '<div class="nodata">No data</div>';
  const unit = String(panel.fieldConfig?.defaults?.unit ?? 'short');
  const thresholds = panel.fieldConfig?.defaults?.thresholds;
  switch (panel.type) {
    case 'timeseries':
      return timeseries(preview, targets, unit, height);
    case 'stat':
      return stat(targets, unit, thresholds);
    case 'table':
      return table(
        targets,
        unit,
        (panel.options as { sortBy?: { displayName?: string; desc?: boolean }[] } | undefined)?.sortBy?.[0],
      );
    case 'bargauge':
      return bargauge(targets, unit, thresholds);
    default:
      return `<div class="nodata">${esc(`panel type ${panel.type} is not drawn in previews`)}</div>`;
  }
}

/** The page of one dashboard. */
export function renderDashboardPreview(preview: DashboardPreview): string {
  const { dashboard } = preview;
  const cells = preview.panels
    .map(({ panel, targets }) => {
      const pos = panel.gridPos ?? { x: 0, y: 0, w: 24, h: 8 };
      const height = pos.h * ROW_PX + (pos.h - 1) * GAP_PX - 34;
      const state = targets.some((t) => t.error)
        ? 'failed'
        : targets.some((t) => t.series.length > 0)
          ? 'data'
          : 'empty';
      const queries = targets.map((t) => `${t.refId}: ${t.expr}`).join('\n');
      return `<section class="panel ${state}" data-type="${esc(String(panel.type))}" style="grid-column:${pos.x + 1} / span ${pos.w};grid-row:${pos.y + 1} / span ${pos.h}"><h2 title="${esc(`${panel.description ?? ''}\n\n${queries}`)}">${esc(String(panel.title ?? ''))}</h2><div class="body" style="height:${height}px">${panelBody(preview, panel, targets, height)}</div></section>`;
    })
    .join('\n');
  const vars = Object.entries(preview.variables)
    .map(([k, v]) => `<span class="var">${esc(k)} = <code>${esc(v)}</code></span>`)
    .join(' ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(String(dashboard.title ?? ''))} — hindsight preview</title>
<style>
body{margin:0;background:#111217;color:#ccccdc;font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif}
header{padding:10px 16px;border-bottom:1px solid #2c3235}
header h1{font-size:18px;margin:0 0 4px;color:#fff}
header p{margin:2px 0;color:#9fa7b3}
.var{margin-right:12px}
code{color:#e0e0e0}
main{display:grid;grid-template-columns:repeat(24,1fr);grid-auto-rows:${ROW_PX}px;gap:${GAP_PX}px;padding:${GAP_PX}px 16px}
.panel{background:#181b1f;border:1px solid #2c3235;border-radius:2px;overflow:hidden;display:flex;flex-direction:column;min-height:0;min-width:0}
.panel h2{font-size:13px;font-weight:500;margin:0;padding:6px 8px;color:#fff;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.body{padding:0 8px 6px;overflow:hidden}
svg{width:100%;height:calc(100% - 36px);display:block}
svg text{font-size:10px;fill:#9fa7b3}
.legend{list-style:none;margin:2px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:2px 12px;font-size:11px;max-height:34px;overflow:hidden}
.swatch{display:inline-block;width:12px;height:3px;margin-right:4px;vertical-align:middle}
.stats{display:flex;flex-wrap:wrap;gap:8px;align-items:center;height:100%}
.stat{display:flex;flex-direction:column;flex:1;align-items:center;min-width:90px}
.stat-value{font-size:28px;font-weight:500}
.stat-name{font-size:11px;color:#9fa7b3;max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
table{border-collapse:collapse;width:100%;font-size:12px}
th{text-align:left;color:#6e9fff;font-weight:500;border-bottom:1px solid #2c3235;padding:3px 6px}
td{border-bottom:1px solid #22252b;padding:3px 6px;white-space:nowrap}
tr>:last-child{position:sticky;right:0;background:#181b1f}
td.num{text-align:right}
.bars{display:flex;flex-direction:column;gap:4px}
.bar{display:grid;grid-template-columns:minmax(80px,35%) 1fr 90px;gap:6px;align-items:center;font-size:11px}
.bar-name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar-track{background:#22252b;height:12px}.bar-fill{display:block;height:100%}
.bar-value{text-align:right}
.nodata{color:#8e8e8e;display:flex;height:100%;align-items:center;justify-content:center;font-size:16px}
.error{color:#ff7383;font-size:12px;overflow:auto;height:100%}
.more{color:#9fa7b3;margin:4px 0}
footer{padding:8px 16px 16px;color:#7b8087;font-size:12px}
</style></head>
<body><header><h1>${esc(String(dashboard.title ?? ''))}</h1>
<p>${esc(String(dashboard.description ?? ''))}</p>
<p>${esc(preview.start.toISOString())} → ${esc(preview.end.toISOString())}, step ${preview.step} s · ${vars}</p></header>
<main>
${cells}
</main>
<footer>A preview of the Grafana dashboard model <code>${esc(String(dashboard.uid ?? ''))}</code> drawn by hindsight from the Prometheus answers to its panels' queries, not by Grafana. Hover a panel's title for its description and queries.</footer>
</body></html>
`;
}
