/**
 * The terminal report: the verdict first (counts, score, the rules behind most findings), then
 * findings grouped by namespace and object (or by object, or by rule), worst first, messages
 * wrapped to the terminal's width, colored when stdout is a terminal; then the inventory.
 */

import { compareText } from '../core/compare-text.ts';
import { environmentPresence, type Finding, formatPath } from '../core/finding.ts';
import { pushTo } from '../core/records.ts';
import { isClusterScopedKind } from '../core/resource.ts';
import { type Severity, severityRank } from '../core/severity.ts';
import { findingFile } from './finding-view.ts';
import type { GroupBy } from './formats.ts';
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

export { GROUP_BY, type GroupBy } from './formats.ts';

export interface TableOptions {
  color: boolean;
  /** Also list exempted findings with their reasons. */
  showExempted?: boolean;
  /** Print the inventory summary after the findings. */
  summary?: boolean;
  /** Columns to fit in (messages wrap); default 120. */
  width?: number;
  /** Default `namespace`: namespace → object → findings. */
  groupBy?: GroupBy;
  /** Only the findings and one count line: no top-rules block, no inventory summary. */
  quiet?: boolean;
}

const DEFAULT_WIDTH = 120;
/** Narrower than this, wrapping makes things worse: lines are left to the terminal. */
const MIN_WIDTH = 40;

/** Greedy word wrap of `text` to `width` columns, every line after the first indented by `indent`. */
export function wrap(text: string, width: number, indent: number, firstIndent = indent): string[] {
  const lines: string[] = [];
  const room = (first: boolean) => Math.max(20, width - (first ? firstIndent : indent));
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const limit = room(lines.length === 0);
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= limit) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines.map((l, i) => `${' '.repeat(i === 0 ? firstIndent : indent)}${l}`);
}

function namespaceLabel(f: Finding): string {
  if (f.ref.namespace) return f.ref.namespace;
  return isClusterScopedKind(f.ref.kind) ? '(cluster-scoped)' : '(namespace not set)';
}

function objectLabel(f: Finding, withNamespace: boolean): string {
  const ns = withNamespace && f.ref.namespace ? `${f.ref.namespace}/` : '';
  return `${f.ref.kind} ${ns}${f.ref.name}`;
}

function whereOf(f: Finding): string {
  const file = findingFile(f);
  return file ? `${file}${f.origin?.line !== undefined ? `:${f.origin.line}` : ''}` : '';
}

export function renderTable(report: ScanReport, options: TableOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${RESET}` : text);
  const width = options.width !== undefined && options.width >= MIN_WIDTH ? options.width : DEFAULT_WIDTH;
  const groupBy = options.groupBy ?? 'namespace';
  const out: string[] = [];
  const worstFirst = (a: Finding, b: Finding) => severityRank(b.severity) - severityRank(a.severity);

  // The verdict first: counts, score, and which rules account for most findings.
  out.push(...countLine(report, paint));
  if (!options.quiet && report.findings.length > 0) {
    const byRule = new Map<string, Finding[]>();
    for (const f of report.findings) pushTo(byRule, f.ruleId, f);
    const top = [...byRule.entries()]
      .sort(([, a], [, b]) => worstFirst(a[0] as Finding, b[0] as Finding) || b.length - a.length)
      .slice(0, 5);
    if (byRule.size > 1) {
      out.push('');
      out.push(paint(BOLD, 'Top problems'));
      const idWidth = Math.max(...top.map(([id]) => id.length));
      for (const [id, findings] of top) {
        const worst = [...findings].sort(worstFirst)[0] as Finding;
        const objects = new Set(findings.map((f) => `${objectLabel(f, true)} ${f.origin?.source ?? ''}`))
          .size;
        out.push(
          `  ${paint(COLORS[worst.severity], worst.severity.toUpperCase().padEnd(8))}  ${id.padEnd(idWidth)}  ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${objects} object${objects === 1 ? '' : 's'}`,
        );
      }
    }
  }
  if (report.findings.length > 0) out.push('');

  const findingLines = (f: Finding, indent: number, head: string, where = ''): void => {
    const sev = paint(COLORS[f.severity], f.severity.toUpperCase().padEnd(8));
    const container = f.container ? `  [${f.container}]` : '';
    const presence = environmentPresence(f);
    const tags = [f.fix ? 'fixable' : '', f.manual ? 'needs a human' : '', presence ?? ''].filter(
      (t) => t !== '',
    );
    out.push(
      `${' '.repeat(indent)}${sev}  ${head}${container}${tags.length > 0 ? paint(DIM, `  (${tags.join('; ')})`) : ''}`,
    );
    if (where) out.push(`${' '.repeat(indent + 10)}${paint(DIM, where)}`);
    for (const line of wrap(f.message, width, indent + 10)) out.push(line);
  };
  const objectLine = (indent: number, label: string, where: string): void => {
    const pad = ' '.repeat(indent);
    if (!where) out.push(`${pad}${label}`);
    else if (indent + label.length + 2 + where.length <= width)
      out.push(`${pad}${label}  ${paint(DIM, where)}`);
    else out.push(`${pad}${label}`, `${pad}  ${paint(DIM, where)}`);
  };

  if (groupBy === 'rule') {
    const byRule = new Map<string, Finding[]>();
    for (const f of [...report.findings].sort(worstFirst)) pushTo(byRule, f.ruleId, f);
    for (const [id, findings] of byRule) {
      out.push(paint(BOLD, `${id} (${findings.length})`));
      for (const f of findings) findingLines(f, 2, objectLabel(f, true), whereOf(f));
      out.push('');
    }
  } else {
    // namespace → object → findings, or object → findings.
    const groups = new Map<string, Map<string, Finding[]>>();
    for (const f of report.findings) {
      const group = groupBy === 'namespace' ? namespaceLabel(f) : '';
      let objects = groups.get(group);
      if (!objects) {
        objects = new Map();
        groups.set(group, objects);
      }
      // Same-name objects from different files are different objects.
      const key = `${objectLabel(f, groupBy === 'object')}\u0000${f.origin?.source ?? ''}\u0000${f.origin?.document ?? ''}`;
      pushTo(objects, key, f);
    }
    const names = [...groups.keys()].sort((a, b) =>
      a.startsWith('(') ? 1 : b.startsWith('(') ? -1 : compareText(a, b),
    );
    const indent = groupBy === 'namespace' ? 2 : 0;
    for (const name of names) {
      if (groupBy === 'namespace') out.push(paint(BOLD, name));
      for (const findings of (groups.get(name) as Map<string, Finding[]>).values()) {
        const first = findings[0] as Finding;
        objectLine(indent, objectLabel(first, groupBy === 'object'), whereOf(first));
        for (const f of [...findings].sort(worstFirst)) findingLines(f, indent + 2, f.ruleId);
      }
      out.push('');
    }
  }
  if (options.showExempted && report.exempted.length > 0) {
    out.push(paint(BOLD, 'Exempted'));
    for (const f of report.exempted) {
      const path = f.path ? ` ${formatPath(f.path)}` : '';
      out.push(
        ...wrap(
          `${objectLabel(f, true)}${path}: ${f.ruleId} — ${f.exemption?.reason ?? ''}${f.exemption?.expires ? ` (until ${f.exemption.expires})` : ''}`,
          width,
          4,
          2,
        ),
      );
    }
    out.push('');
  }
  if (report.findings.length > 0 && !options.quiet) out.push(...countLine(report, paint));
  if (options.summary !== false && !options.quiet) {
    out.push('');
    out.push(renderSummaryText(report.summary));
  }
  return `${out.join('\n')}\n`;
}

function countLine(report: ScanReport, paint: (code: string, text: string) => string): string[] {
  const counts = countBySeverity(report.findings);
  const parts = (['critical', 'high', 'medium', 'low', 'info'] as const)
    .filter((s) => counts[s] > 0)
    .map((s) => paint(COLORS[s], `${counts[s]} ${s}`));
  const fixable = report.findings.filter((f) => f.fix).length;
  const hidden = report.hiddenBelow
    ? ` · ${report.hiddenBelow.count} below ${report.hiddenBelow.severity} not shown`
    : '';
  return [
    `${report.findings.length === 0 ? 'No findings' : `${report.findings.length} findings: ${parts.join(', ')}`}` +
      `${fixable > 0 ? ` (${fixable} fixable with hindsight fix)` : ''}` +
      `${hidden} · ${report.exempted.length} exempted · score ${report.score}/100 · ${report.rules.length} rules`,
  ];
}
