/** `hindsight cost` as a terminal table and as Markdown (for a pull request or a wiki page). */

import type { CostReport } from '../../analyzers/cost/cost-report.ts';
import { renderTable } from '../text-table.ts';
import {
  backtestRows,
  consolidationRows,
  costLineRows,
  planRows,
  type Rows,
  recommendationRows,
  waterfallRows,
} from './cost-rows.ts';
import { bytes, cores, percent, usd } from './format.ts';

const TOP = 15;

function headline(report: CostReport): string[] {
  const n = report.now;
  if (n.nodes === 0 && n.unpricedNodes.length === 0) {
    // No nodes in the input: there is no "now" to price; the plan below is the estimate.
    const lines = [
      report.nodeMix
        ? `No nodes in the input: the requests below would run on ${report.nodeMix.nodes.reduce((k, g) => k + g.count, 0)} nodes for ${usd(report.nodeMix.planMonthly)}/month at list prices (the node mix Karpenter would launch).`
        : 'No nodes in the input: nothing to price (the node-mix planner is off).',
      ...(report.templates
        ? [
            `Requests: CPU ${cores(report.templates.cpu)}, memory ${bytes(report.templates.memory)} in ${report.templates.pods} pods of ${report.templates.workloads} workloads (DaemonSets once per node).`,
          ]
        : []),
    ];
    if (report.partial.length > 0) lines.push(`PARTIAL: ${report.partial.join('; ')}`);
    return lines;
  }
  const lines = [
    `${usd(n.monthly)}/month on ${n.nodes} nodes; idle ${usd(n.idleMonthly)}/month.`,
    `CPU: ${cores(n.cpu.requested)} requested${n.cpu.used !== undefined ? `, ${cores(n.cpu.used)} used` : ''} of ${cores(n.cpu.allocatable)} allocatable (${percent(n.cpu.requested / n.cpu.allocatable, 0)} requested${n.cpu.used !== undefined ? `, ${percent(n.cpu.used / n.cpu.allocatable, 0)} used` : ''}).`,
    `Memory: ${bytes(n.memory.requested)} requested${n.memory.used !== undefined ? `, ${bytes(n.memory.used)} used` : ''} of ${bytes(n.memory.allocatable)} allocatable.`,
  ];
  if (n.unpricedNodes.length > 0)
    lines.push(
      `Unpriced nodes (not in the totals): ${n.unpricedNodes.slice(0, 5).join(', ')}${n.unpricedNodes.length > 5 ? ', …' : ''}`,
    );
  if (report.partial.length > 0) lines.push(`PARTIAL: ${report.partial.join('; ')}`);
  return lines;
}

function spotLine(report: CostReport): string {
  const s = report.spot;
  return `${s.safe} workloads spot-safe, ${s.onDemandOnly} on-demand-only; moving the ${s.movable.length} spot-safe ones now on on-demand saves ${usd(s.monthlySavings)}/month (${s.discount}).`;
}

function planLine(report: CostReport): string {
  const m = report.nodeMix;
  if (!m) return '';
  const now = m.currentNodes > 0 ? `; now ${usd(m.currentMonthly)} on ${m.currentNodes} nodes` : '';
  return `${usd(m.planMonthly)}/month ${report.rightsizing ? 'with right-sized requests and the spot plan' : 'with the spot plan'} (proven lower bound ${usd(m.lowerBoundMonthly)}, ratio ${m.ratio.toFixed(3)})${now}.`;
}

function terminal(rows: Rows, limit = Number.POSITIVE_INFINITY): string {
  return renderTable(
    rows.header.map((h, i) => ({
      header: h.toUpperCase(),
      ...(rows.numeric.includes(i) ? { align: 'right' as const } : {}),
    })),
    rows.rows.slice(0, limit),
    '  ',
  );
}

export function renderCostTable(report: CostReport): string {
  const out: string[] = [...headline(report), '', 'Savings', terminal(waterfallRows(report))];
  // Without nodes nothing is charged to teams or namespaces: no empty tables.
  if (report.byTeam.length > 0)
    out.push('', 'By team', terminal(costLineRows('team', report.byTeam, false), TOP));
  if (report.byNamespace.length > 0)
    out.push('', 'By namespace', terminal(costLineRows('namespace', report.byNamespace, true), TOP));
  if (report.rightsizing) {
    const rs = report.rightsizing;
    out.push(
      '',
      `Right-sizing (${rs.strategy}): ${usd(-rs.monthlySavings)}/month in requests; biggest changes`,
      terminal(recommendationRows(report, TOP)),
    );
    if (rs.backtest.length > 0)
      out.push(
        '',
        'Backtest on held-out history (share of pod-steps over the recommendation)',
        terminal(backtestRows(report)),
      );
  }
  out.push('', `Spot: ${spotLine(report)}`);
  if (report.nodeMix) {
    const m = report.nodeMix;
    out.push('', `Node mix: ${planLine(report)}`, terminal(planRows(report)));
    if (m.unplaced.length > 0) out.push(`  Cannot be placed on any instance type: ${m.unplaced.join(', ')}`);
    if (m.consolidation.length > 0)
      out.push(
        '',
        `Consolidation: ${m.consolidation.length} nodes whose pods fit elsewhere`,
        terminal(consolidationRows(report, TOP)),
      );
  }
  if (report.generated.length > 0) out.push('', `Wrote: ${report.generated.join(', ')}`);
  return `${out.join('\n')}\n`;
}

function markdown(rows: Rows): string[] {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${rows.header.join(' | ')} |`,
    `|${rows.header.map(() => '---').join('|')}|`,
    ...rows.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
    '',
  ];
}

export function renderCostMarkdown(report: CostReport): string {
  const out: string[] = ['# hindsight cost', '', ...headline(report).map((l) => `${l}  `), ''];
  out.push('## Savings', '', ...markdown(waterfallRows(report)));
  out.push('## By team', '', ...markdown(costLineRows('team', report.byTeam, false)));
  out.push('## By namespace', '', ...markdown(costLineRows('namespace', report.byNamespace, true)));
  if (report.rightsizing) {
    const rs = report.rightsizing;
    out.push(
      `## Right-sizing (${rs.strategy})`,
      '',
      `Requests change by ${usd(-rs.monthlySavings)}/month.`,
      '',
    );
    if (rs.backtest.length > 0) out.push(...markdown(backtestRows(report)));
    out.push(...markdown(recommendationRows(report, 50)));
  }
  out.push('## Spot', '', spotLine(report), '');
  if (report.nodeMix) out.push('## Node mix', '', planLine(report), '', ...markdown(planRows(report)));
  return `${out.join('\n')}\n`;
}
