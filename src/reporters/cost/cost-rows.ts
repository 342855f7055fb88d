/**
 * The tables of a cost report as header and cells, once: the terminal, Markdown and HTML
 * renderers only lay them out.
 */
import type { CostLine, CostReport } from '../../analyzers/cost/cost-report.ts';
import { bytes, cores, percent, usd } from './format.ts';

export interface Rows {
  header: string[];
  /** Right-aligned columns (numbers), for the terminal. */
  numeric: number[];
  rows: string[][];
}

export function waterfallRows(report: CostReport): Rows {
  return {
    header: ['step', '$/month', 'saves', 'safety'],
    numeric: [1, 2],
    rows: report.waterfall.map((w) => [w.label, usd(w.monthly), w.saving ? usd(w.saving) : '', w.safety]),
  };
}

export function costLineRows(label: string, lines: readonly CostLine[], withMemory: boolean): Rows {
  return {
    header: [
      label,
      '$/month',
      'CPU requested',
      'CPU used',
      ...(withMemory ? ['memory requested', 'memory used'] : []),
    ],
    numeric: withMemory ? [1, 2, 3, 4, 5] : [1, 2, 3],
    rows: lines.map((l) => [
      l.name,
      usd(l.monthly),
      cores(l.cpuRequested),
      cores(l.cpuUsed),
      ...(withMemory ? [bytes(l.memoryRequested), bytes(l.memoryUsed)] : []),
    ]),
  };
}

/** The biggest changes first (largest savings). */
export function recommendationRows(report: CostReport, limit: number): Rows {
  const containers = [...(report.rightsizing?.containers ?? [])].sort(
    (a, b) => a.monthlyDelta - b.monthlyDelta,
  );
  return {
    header: [
      'workload',
      'container',
      'CPU request',
      'memory request',
      'memory limit',
      '$/month',
      'confidence',
    ],
    numeric: [2, 3, 4, 5],
    rows: containers
      .slice(0, limit)
      .map((c) => [
        `${c.namespace}/${c.kind}/${c.workload}`,
        c.container,
        `${cores(c.current.cpuRequest)} → ${cores(c.recommended.cpuRequest)}`,
        `${bytes(c.current.memoryRequest)} → ${bytes(c.recommended.memoryRequest)}`,
        `${bytes(c.current.memoryLimit)} → ${bytes(c.recommended.memoryLimit)}`,
        usd(c.monthlyDelta),
        c.confidence,
      ]),
  };
}

export function backtestRows(report: CostReport): Rows {
  return {
    header: ['strategy', 'OOM risk', 'memory > request', 'CPU > request', 'requested $/month', 'slack'],
    numeric: [1, 2, 3, 4, 5],
    rows: (report.rightsizing?.backtest ?? []).map((b) => [
      b.strategy,
      percent(b.oomRisk, 3),
      percent(b.memoryOverRequest, 2),
      percent(b.cpuOverRequest, 2),
      usd(b.requestedMonthly),
      percent(b.slack, 0),
    ]),
  };
}

export function planRows(report: CostReport): Rows {
  return {
    header: ['instance type', 'capacity', 'nodes', '$/month each'],
    numeric: [2, 3],
    rows: (report.nodeMix?.nodes ?? []).map((n) => [
      n.instanceType,
      n.capacityType,
      String(n.count),
      usd(n.monthlyEach),
    ]),
  };
}

export function consolidationRows(report: CostReport, limit: number): Rows {
  return {
    header: ['node', 'type', '$/month', 'why'],
    numeric: [2],
    rows: (report.nodeMix?.consolidation ?? [])
      .slice(0, limit)
      .map((c) => [c.node, c.instanceType, usd(c.monthly), c.reason]),
  };
}
