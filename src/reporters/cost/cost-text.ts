/** `hindsight cost` as a terminal table and as Markdown (for a pull request or a wiki page). */
import { renderTable } from '../text-table.ts';
import type { CostReport } from './cost-report.ts';
import { bytes, cores, percent, usd } from './format.ts';

const TOP = 15;

function headline(report: CostReport): string[] {
  const n = report.now;
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

export function renderCostTable(report: CostReport): string {
  const out: string[] = [...headline(report), ''];
  out.push('Savings');
  out.push(
    renderTable(
      [
        { header: 'STEP' },
        { header: '$/MONTH', align: 'right' },
        { header: 'SAVES', align: 'right' },
        { header: 'SAFETY' },
      ],
      report.waterfall.map((w) => [w.label, usd(w.monthly), w.saving ? usd(w.saving) : '', w.safety]),
      '  ',
    ),
  );
  out.push('', 'By team');
  out.push(
    renderTable(
      [
        { header: 'TEAM' },
        { header: '$/MONTH', align: 'right' },
        { header: 'CPU REQ', align: 'right' },
        { header: 'CPU USED', align: 'right' },
      ],
      report.byTeam
        .slice(0, TOP)
        .map((l) => [l.name, usd(l.monthly), cores(l.cpuRequested), cores(l.cpuUsed)]),
      '  ',
    ),
  );
  out.push('', 'By namespace');
  out.push(
    renderTable(
      [
        { header: 'NAMESPACE' },
        { header: '$/MONTH', align: 'right' },
        { header: 'CPU REQ', align: 'right' },
        { header: 'CPU USED', align: 'right' },
        { header: 'MEM REQ', align: 'right' },
        { header: 'MEM USED', align: 'right' },
      ],
      report.byNamespace
        .slice(0, TOP)
        .map((l) => [
          l.name,
          usd(l.monthly),
          cores(l.cpuRequested),
          cores(l.cpuUsed),
          bytes(l.memoryRequested),
          bytes(l.memoryUsed),
        ]),
      '  ',
    ),
  );
  if (report.rightsizing) {
    const rs = report.rightsizing;
    const biggest = [...rs.containers].sort((a, b) => a.monthlyDelta - b.monthlyDelta).slice(0, TOP);
    out.push(
      '',
      `Right-sizing (${rs.strategy}): ${usd(-rs.monthlySavings)}/month in requests; biggest changes`,
    );
    out.push(
      renderTable(
        [
          { header: 'WORKLOAD' },
          { header: 'CONTAINER' },
          { header: 'CPU', align: 'right' },
          { header: 'MEMORY REQ', align: 'right' },
          { header: 'MEMORY LIMIT', align: 'right' },
          { header: '$/MONTH', align: 'right' },
          { header: 'CONFIDENCE' },
        ],
        biggest.map((c) => [
          `${c.namespace}/${c.kind}/${c.workload}`,
          c.container,
          `${cores(c.current.cpuRequest)} → ${cores(c.recommended.cpuRequest)}`,
          `${bytes(c.current.memoryRequest)} → ${bytes(c.recommended.memoryRequest)}`,
          `${bytes(c.current.memoryLimit)} → ${bytes(c.recommended.memoryLimit)}`,
          usd(c.monthlyDelta),
          c.confidence,
        ]),
        '  ',
      ),
    );
    if (rs.backtest.length > 0) {
      out.push('', 'Backtest on held-out history (share of pod-steps over the recommendation)');
      out.push(
        renderTable(
          [
            { header: 'STRATEGY' },
            { header: 'OOM RISK', align: 'right' },
            { header: 'MEM > REQ', align: 'right' },
            { header: 'CPU > REQ', align: 'right' },
            { header: 'REQUESTED $/MONTH', align: 'right' },
            { header: 'SLACK', align: 'right' },
          ],
          rs.backtest.map((b) => [
            b.strategy,
            percent(b.oomRisk, 3),
            percent(b.memoryOverRequest, 2),
            percent(b.cpuOverRequest, 2),
            usd(b.requestedMonthly),
            percent(b.slack, 0),
          ]),
          '  ',
        ),
      );
    }
  }
  out.push(
    '',
    `Spot: ${report.spot.safe} workloads spot-safe, ${report.spot.onDemandOnly} on-demand-only; moving the ${report.spot.movable.length} spot-safe ones now on on-demand saves ${usd(report.spot.monthlySavings)}/month (${report.spot.discount}).`,
  );
  if (report.nodeMix) {
    const m = report.nodeMix;
    out.push(
      '',
      `Node mix: ${usd(m.planMonthly)}/month for the recommended requests (lower bound ${usd(m.lowerBoundMonthly)}, ratio ${m.ratio.toFixed(3)}); now ${usd(m.currentMonthly)} on ${m.currentNodes} nodes.`,
    );
    out.push(
      renderTable(
        [
          { header: 'INSTANCE TYPE' },
          { header: 'CAPACITY' },
          { header: 'NODES', align: 'right' },
          { header: '$/MONTH EACH', align: 'right' },
        ],
        m.nodes.map((n) => [n.instanceType, n.capacityType, String(n.count), usd(n.monthlyEach)]),
        '  ',
      ),
    );
    if (m.unplaced.length > 0) out.push(`  Cannot be placed on any instance type: ${m.unplaced.join(', ')}`);
    if (m.consolidation.length > 0) {
      out.push('', `Consolidation: ${m.consolidation.length} nodes whose pods fit elsewhere`);
      out.push(
        renderTable(
          [{ header: 'NODE' }, { header: 'TYPE' }, { header: '$/MONTH', align: 'right' }, { header: 'WHY' }],
          m.consolidation.slice(0, TOP).map((c) => [c.node, c.instanceType, usd(c.monthly), c.reason]),
          '  ',
        ),
      );
    }
  }
  if (report.generated.length > 0) out.push('', `Wrote: ${report.generated.join(', ')}`);
  return `${out.join('\n')}\n`;
}

function mdTable(header: string[], rows: string[][]): string[] {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
}

export function renderCostMarkdown(report: CostReport): string {
  const out: string[] = ['# hindsight cost', '', ...headline(report).map((l) => `${l}  `), ''];
  out.push(
    '## Savings',
    '',
    ...mdTable(
      ['step', '$/month', 'saves', 'safety'],
      report.waterfall.map((w) => [w.label, usd(w.monthly), w.saving ? usd(w.saving) : '', w.safety]),
    ),
    '',
  );
  out.push(
    '## By team',
    '',
    ...mdTable(
      ['team', '$/month', 'CPU requested', 'CPU used'],
      report.byTeam.map((l) => [l.name, usd(l.monthly), cores(l.cpuRequested), cores(l.cpuUsed)]),
    ),
    '',
  );
  out.push(
    '## By namespace',
    '',
    ...mdTable(
      ['namespace', '$/month', 'CPU requested', 'CPU used', 'memory requested', 'memory used'],
      report.byNamespace.map((l) => [
        l.name,
        usd(l.monthly),
        cores(l.cpuRequested),
        cores(l.cpuUsed),
        bytes(l.memoryRequested),
        bytes(l.memoryUsed),
      ]),
    ),
    '',
  );
  if (report.rightsizing) {
    const rs = report.rightsizing;
    out.push(
      `## Right-sizing (${rs.strategy})`,
      '',
      `Requests change by ${usd(-rs.monthlySavings)}/month.`,
      '',
    );
    if (rs.backtest.length > 0)
      out.push(
        ...mdTable(
          ['strategy', 'OOM risk', 'memory > request', 'CPU > request', 'requested $/month', 'slack'],
          rs.backtest.map((b) => [
            b.strategy,
            percent(b.oomRisk, 3),
            percent(b.memoryOverRequest, 2),
            percent(b.cpuOverRequest, 2),
            usd(b.requestedMonthly),
            percent(b.slack, 0),
          ]),
        ),
        '',
      );
    out.push(
      ...mdTable(
        ['workload', 'container', 'CPU request', 'memory request', 'memory limit', '$/month', 'confidence'],
        [...rs.containers]
          .sort((a, b) => a.monthlyDelta - b.monthlyDelta)
          .slice(0, 50)
          .map((c) => [
            `${c.namespace}/${c.kind}/${c.workload}`,
            c.container,
            `${cores(c.current.cpuRequest)} → ${cores(c.recommended.cpuRequest)}`,
            `${bytes(c.current.memoryRequest)} → ${bytes(c.recommended.memoryRequest)}`,
            `${bytes(c.current.memoryLimit)} → ${bytes(c.recommended.memoryLimit)}`,
            usd(c.monthlyDelta),
            c.confidence,
          ]),
      ),
      '',
    );
  }
  out.push(
    '## Spot',
    '',
    `${report.spot.safe} workloads spot-safe, ${report.spot.onDemandOnly} on-demand-only; moving ${report.spot.movable.length} saves ${usd(report.spot.monthlySavings)}/month (${report.spot.discount}).`,
    '',
  );
  if (report.nodeMix) {
    const m = report.nodeMix;
    out.push(
      '## Node mix',
      '',
      `Plan ${usd(m.planMonthly)}/month, lower bound ${usd(m.lowerBoundMonthly)} (ratio ${m.ratio.toFixed(3)}); now ${usd(m.currentMonthly)} on ${m.currentNodes} nodes.`,
      '',
      ...mdTable(
        ['instance type', 'capacity', 'nodes', '$/month each'],
        m.nodes.map((n) => [n.instanceType, n.capacityType, String(n.count), usd(n.monthlyEach)]),
      ),
      '',
    );
  }
  return `${out.join('\n')}\n`;
}
