/**
 * `hindsight cost -o html`: one self-contained page (no script, no external asset, works from a
 * file or an S3 bucket) with three charts drawn as inline SVG — cost by team, requested against
 * used CPU and memory by namespace, and the savings waterfall — and the tables behind them.
 */
import type { CostLine, CostReport } from '../../analyzers/cost/cost-report.ts';
import { backtestRows, planRows, type Rows, recommendationRows, waterfallRows } from './cost-rows.ts';
import { bytes, cores, percent, usd } from './format.ts';

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const WIDTH = 720;
const LABEL = 200;
const ROW = 22;

/** Horizontal bars, one per line, scaled to the largest value. */
function barChart(
  id: string,
  title: string,
  rows: Array<{ label: string; value: number; text: string }>,
): string {
  const max = Math.max(...rows.map((r) => r.value), 1e-9);
  const height = rows.length * ROW + 10;
  const bars = rows
    .map((r, i) => {
      const w = Math.max(1, ((WIDTH - LABEL - 90) * r.value) / max);
      const y = 5 + i * ROW;
      return `<g class="bar"><text x="${LABEL - 6}" y="${y + 14}" text-anchor="end">${esc(r.label)}</text><rect x="${LABEL}" y="${y}" width="${w.toFixed(1)}" height="${ROW - 6}" fill="#3b6fd8"><title>${esc(`${r.label}: ${r.text}`)}</title></rect><text x="${(LABEL + w + 6).toFixed(1)}" y="${y + 14}">${esc(r.text)}</text></g>`;
    })
    .join('');
  return `<figure id="${id}"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">${bars}</svg></figure>`;
}

/** Requested and used side by side per namespace, for one resource. */
function requestUsageChart(
  id: string,
  title: string,
  lines: CostLine[],
  pick: (l: CostLine) => [number, number | undefined],
  format: (v: number) => string,
): string {
  const rows = lines.map((l) => ({ label: l.name, pair: pick(l) }));
  const max = Math.max(...rows.flatMap((r) => [r.pair[0], r.pair[1] ?? 0]), 1e-9);
  const height = rows.length * (ROW + 8) + 30;
  const scale = (v: number) => Math.max(1, ((WIDTH - LABEL - 110) * v) / max);
  const body = rows
    .map((r, i) => {
      const y = 25 + i * (ROW + 8);
      const [req, used] = r.pair;
      const usedBar =
        used === undefined
          ? ''
          : `<rect class="used" x="${LABEL}" y="${y + 10}" width="${scale(used).toFixed(1)}" height="9" fill="#e0803a"><title>${esc(`${r.label} used ${format(used)}`)}</title></rect>`;
      return `<g class="bar"><text x="${LABEL - 6}" y="${y + 14}" text-anchor="end">${esc(r.label)}</text><rect class="requested" x="${LABEL}" y="${y}" width="${scale(req).toFixed(1)}" height="9" fill="#3b6fd8"><title>${esc(`${r.label} requested ${format(req)}`)}</title></rect>${usedBar}<text x="${(LABEL + scale(Math.max(req, used ?? 0)) + 6).toFixed(1)}" y="${y + 14}">${esc(`${format(req)}${used === undefined ? '' : ` / ${format(used)}`}`)}</text></g>`;
    })
    .join('');
  const legend = `<rect x="${LABEL}" y="4" width="10" height="10" fill="#3b6fd8"/><text x="${LABEL + 14}" y="13">requested</text><rect x="${LABEL + 100}" y="4" width="10" height="10" fill="#e0803a"/><text x="${LABEL + 114}" y="13">used (average)</text>`;
  return `<figure id="${id}"><figcaption>${esc(title)}</figcaption><svg role="img" aria-label="${esc(title)}" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">${legend}${body}</svg></figure>`;
}

/** Now, each saving as a floating bar, and the result. */
function waterfallChart(report: CostReport): string {
  const last = report.waterfall.at(-1);
  // Now as a full bar, every step as a floating bar of what it saves, the result as a full bar.
  const bars: Array<{
    label: string;
    from: number;
    to: number;
    kind: 'total' | 'saving' | 'increase';
    text: string;
    title: string;
  }> = report.waterfall.map((s, i) =>
    i === 0
      ? {
          label: s.label,
          from: s.monthly,
          to: 0,
          kind: 'total',
          text: usd(s.monthly),
          title: `${s.label}: ${usd(s.monthly)}/month`,
        }
      : {
          label: s.label,
          from: s.monthly + s.saving,
          to: s.monthly,
          kind: s.saving >= 0 ? 'saving' : 'increase',
          text: s.saving >= 0 ? `−${usd(s.saving)}` : `+${usd(-s.saving)}`,
          title: `${s.label}: saves ${usd(s.saving)}/month (${s.safety})`,
        },
  );
  if (last && report.waterfall.length > 1)
    bars.push({
      label: 'after',
      from: last.monthly,
      to: 0,
      kind: 'total',
      text: usd(last.monthly),
      title: `after all steps: ${usd(last.monthly)}/month`,
    });
  const max = Math.max(...bars.map((b) => Math.max(b.from, b.to)), 1e-9);
  const height = 260;
  const plot = height - 60;
  const colW = Math.min(130, (WIDTH - 40) / Math.max(1, bars.length));
  const y = (v: number) => 20 + plot - (plot * v) / max;
  const fills = { total: '#3b6fd8', saving: '#2e9e5b', increase: '#c8453a' };
  const body = bars
    .map((b, i) => {
      const x = 20 + i * colW;
      const top = Math.max(b.from, b.to);
      const h = Math.max(1, Math.abs(y(b.to) - y(b.from)));
      return `<g class="bar ${b.kind}"><rect x="${(x + 8).toFixed(1)}" y="${y(top).toFixed(1)}" width="${(colW - 16).toFixed(1)}" height="${h.toFixed(1)}" fill="${fills[b.kind]}"><title>${esc(b.title)}</title></rect><text x="${(x + colW / 2).toFixed(1)}" y="${(y(top) - 4).toFixed(1)}" text-anchor="middle">${esc(b.text)}</text><text x="${(x + colW / 2).toFixed(1)}" y="${height - 24}" text-anchor="middle">${esc(b.label)}</text></g>`;
    })
    .join('');
  return `<figure id="chart-waterfall"><figcaption>Savings waterfall ($/month)</figcaption><svg role="img" aria-label="Savings waterfall" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">${body}</svg></figure>`;
}

function table({ header, rows }: Rows): string {
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function renderCostHtml(report: CostReport): string {
  const n = report.now;
  const topNs = report.byNamespace.slice(0, 20);
  const sections: string[] = [];
  sections.push(
    `<section class="summary"><p><strong>${esc(usd(n.monthly))}</strong>/month on ${n.nodes} nodes · idle ${esc(usd(n.idleMonthly))}/month · CPU ${esc(percent(n.cpu.requested / n.cpu.allocatable, 0))} requested${n.cpu.used !== undefined ? `, ${esc(percent(n.cpu.used / n.cpu.allocatable, 0))} used` : ''} · memory ${esc(percent(n.memory.requested / n.memory.allocatable, 0))} requested${n.memory.used !== undefined ? `, ${esc(percent(n.memory.used / n.memory.allocatable, 0))} used` : ''}</p>${
      report.partial.length > 0 ? `<p class="partial">Partial: ${esc(report.partial.join('; '))}</p>` : ''
    }</section>`,
  );
  sections.push(waterfallChart(report));
  sections.push(table(waterfallRows(report)));
  sections.push(
    barChart(
      'chart-teams',
      'Cost by team ($/month)',
      report.byTeam.slice(0, 20).map((t) => ({ label: t.name, value: t.monthly, text: usd(t.monthly) })),
    ),
  );
  sections.push(
    requestUsageChart(
      'chart-cpu',
      'CPU requested vs used, by namespace (cores)',
      topNs,
      (l) => [l.cpuRequested, l.cpuUsed],
      cores,
    ),
  );
  sections.push(
    requestUsageChart(
      'chart-memory',
      'Memory requested vs used, by namespace',
      topNs,
      (l) => [l.memoryRequested, l.memoryUsed],
      bytes,
    ),
  );
  if (report.rightsizing) {
    const rs = report.rightsizing;
    sections.push(`<h2>Right-sizing (${esc(rs.strategy)})</h2>`);
    if (rs.backtest.length > 0) sections.push(table(backtestRows(report)));
    sections.push(table(recommendationRows(report, 100)));
  }
  if (report.nodeMix) {
    const m = report.nodeMix;
    sections.push(
      `<h2>Node mix</h2><p>Plan ${esc(usd(m.planMonthly))}/month, proven lower bound ${esc(usd(m.lowerBoundMonthly))} (ratio ${m.ratio.toFixed(3)}); now ${esc(usd(m.currentMonthly))} on ${m.currentNodes} nodes.</p>`,
      table(planRows(report)),
    );
  }
  sections.push(
    `<h2>Spot</h2><p>${report.spot.safe} workloads spot-safe, ${report.spot.onDemandOnly} on-demand-only; moving ${report.spot.movable.length} saves ${esc(usd(report.spot.monthlySavings))}/month (${esc(report.spot.discount)}).</p>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hindsight cost — ${esc(report.target)}</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:960px;color:#1d2330}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
figure{margin:18px 0}figcaption{font-weight:600;margin-bottom:6px}
svg text{font-size:12px;fill:#1d2330}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border-bottom:1px solid #dde;padding:3px 10px;text-align:left}
td:nth-child(n+2){font-variant-numeric:tabular-nums}
.partial{color:#b3261e;font-weight:600}
footer{margin-top:32px;color:#667;font-size:12px}
</style></head>
<body><h1>hindsight cost — ${esc(report.target)}</h1>
${sections.join('\n')}
<footer>${esc(report.tool.name)} ${esc(report.tool.version)} · ${esc(report.generatedAt)} · USD per month (730 h)</footer>
</body></html>
`;
}
