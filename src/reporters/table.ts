/**
 * The terminal report: findings grouped by namespace and object, worst first within each
 * object, colored when stdout is a terminal; then the counts, the score and the inventory.
 */
import { type Finding, formatPath } from '../core/finding.ts';
import { type Severity, severityRank } from '../core/severity.ts';
import { findingFile } from './finding-view.ts';
import { countBySeverity, type ScanReport } from './report.ts';
import { renderSummaryText } from './summary-text.ts';

const COLORS: Record<Severity, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};
const RESET = '\u001b[0m';
const BOLD = '\u001b[1m';
const DIM = '\u001b[2m';

export interface TableOptions {
  color: boolean;
  /** Also list exempted findings with their reasons. */
  showExempted?: boolean;
  /** Print the inventory summary after the findings. */
  summary?: boolean;
}

function groupByObject(findings: readonly Finding[]): Map<string, Map<string, Finding[]>> {
  const byNamespace = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    const ns = f.ref.namespace ?? '(cluster-scoped)';
    let objects = byNamespace.get(ns);
    if (!objects) {
      objects = new Map();
      byNamespace.set(ns, objects);
    }
    const key = `${f.ref.kind} ${f.ref.name}`;
    objects.set(key, [...(objects.get(key) ?? []), f]);
  }
  return byNamespace;
}

export function renderTable(report: ScanReport, options: TableOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${RESET}` : text);
  const out: string[] = [];
  const grouped = groupByObject(report.findings);
  const namespaces = [...grouped.keys()].sort((a, b) =>
    a.startsWith('(') ? 1 : b.startsWith('(') ? -1 : a.localeCompare(b),
  );
  const ruleWidth = Math.max(4, ...report.findings.map((f) => f.ruleId.length));
  for (const ns of namespaces) {
    out.push(paint(BOLD, ns));
    const objects = grouped.get(ns) as Map<string, Finding[]>;
    for (const [object, findings] of objects) {
      const first = findings[0] as Finding;
      const file = findingFile(first);
      const where = file
        ? `  ${paint(DIM, `${file}${first.origin?.line !== undefined ? `:${first.origin.line}` : ''}`)}`
        : '';
      out.push(`  ${object}${where}`);
      const sorted = [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
      for (const f of sorted) {
        const sev = paint(COLORS[f.severity], f.severity.toUpperCase().padEnd(8));
        const container = f.container ? `[${f.container}] ` : '';
        const fixable = f.fix ? paint(DIM, ' (fixable)') : '';
        out.push(`    ${sev}  ${f.ruleId.padEnd(ruleWidth)}  ${container}${f.message}${fixable}`);
      }
    }
    out.push('');
  }
  if (options.showExempted && report.exempted.length > 0) {
    out.push(paint(BOLD, 'Exempted'));
    for (const f of report.exempted) {
      const path = f.path ? ` ${formatPath(f.path)}` : '';
      out.push(
        `  ${f.ref.kind} ${f.ref.namespace ? `${f.ref.namespace}/` : ''}${f.ref.name}${path}: ${f.ruleId} — ${f.exemption?.reason ?? ''}${f.exemption?.expires ? ` (until ${f.exemption.expires})` : ''}`,
      );
    }
    out.push('');
  }
  const counts = countBySeverity(report.findings);
  const parts = (['critical', 'high', 'medium', 'low', 'info'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => paint(COLORS[s], `${counts[s]} ${s}`));
  const fixable = report.findings.filter((f) => f.fix).length;
  out.push(
    `${report.findings.length === 0 ? 'No findings' : `${report.findings.length} findings: ${parts.join(', ')}`}` +
      `${fixable > 0 ? ` (${fixable} fixable with hindsight fix)` : ''}` +
      ` · ${report.exempted.length} exempted · score ${report.score}/100 · ${report.rules.length} rules`,
  );
  if (options.summary !== false) {
    out.push('');
    out.push(renderSummaryText(report.summary));
  }
  return `${out.join('\n')}\n`;
}
