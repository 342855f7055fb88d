/** Markdown for pull-request comments and wikis: counts, then findings by severity. */

import { SEVERITIES } from '../core/severity.ts';
import { findingLine } from './finding-view.ts';
import { countBySeverity, type ScanReport } from './report.ts';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(report: ScanReport): string {
  const counts = countBySeverity(report.findings);
  const out: string[] = [];
  out.push(`## hindsight scan: ${report.target}`);
  out.push('');
  out.push(
    `**${report.findings.length} findings** (${
      [...SEVERITIES]
        .reverse()
        .filter((s) => counts[s] > 0)
        .map((s) => `${counts[s]} ${s}`)
        .join(', ') || 'none'
    }) · ${report.exempted.length} exempted · score **${report.score}/100** · ${report.inputs.objects} objects`,
  );
  if (report.inputs.errors.length > 0) {
    out.push('');
    out.push(
      `> ${report.inputs.errors.length} inputs could not be read: ${report.inputs.errors.map(cell).join('; ')}`,
    );
  }
  if (report.inputs.notes.length > 0) {
    out.push('');
    for (const note of report.inputs.notes) out.push(`> note: ${cell(note)}`);
  }
  for (const severity of [...SEVERITIES].reverse()) {
    const findings = report.findings.filter((f) => f.severity === severity);
    if (findings.length === 0) continue;
    out.push('');
    out.push(`### ${severity} (${findings.length})`);
    out.push('');
    out.push('| Rule | Object | Container | Finding | Where |');
    out.push('|---|---|---|---|---|');
    for (const f of findings) {
      const object = `${f.ref.kind} ${f.ref.namespace ? `${f.ref.namespace}/` : ''}${f.ref.name}`;
      const line = findingLine(report, f);
      const where = f.origin ? `${f.origin.source}${line !== undefined ? `:${line}` : ''}` : '';
      out.push(
        `| \`${f.ruleId}\` | ${cell(object)} | ${cell(f.container ?? '')} | ${cell(f.message)} | ${cell(where)} |`,
      );
    }
  }
  if (report.exempted.length > 0) {
    out.push('');
    out.push(`<details><summary>${report.exempted.length} exempted</summary>`);
    out.push('');
    for (const f of report.exempted) {
      out.push(
        `- \`${f.ruleId}\` ${f.ref.kind} ${f.ref.namespace ? `${f.ref.namespace}/` : ''}${f.ref.name}: ${cell(f.exemption?.reason ?? '')}`,
      );
    }
    out.push('');
    out.push('</details>');
  }
  return `${out.join('\n')}\n`;
}
