/** Output formats by name, so the CLI can write several in one run. */
import { renderJson, renderYaml } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { ScanReport } from './report.ts';
import { renderSarif } from './sarif.ts';
import { type GroupBy, renderTable } from './table.ts';

export const FORMATS = ['table', 'json', 'yaml', 'sarif', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

export function render(
  format: Format,
  report: ScanReport,
  context: {
    cwd: string;
    color: boolean;
    showExempted?: boolean;
    summary?: boolean;
    width?: number;
    groupBy?: GroupBy;
    quiet?: boolean;
  },
): string {
  switch (format) {
    case 'table':
      return renderTable(report, {
        color: context.color,
        ...(context.showExempted !== undefined ? { showExempted: context.showExempted } : {}),
        ...(context.summary !== undefined ? { summary: context.summary } : {}),
        ...(context.width !== undefined ? { width: context.width } : {}),
        ...(context.groupBy !== undefined ? { groupBy: context.groupBy } : {}),
        ...(context.quiet !== undefined ? { quiet: context.quiet } : {}),
      });
    case 'json':
      return renderJson(report);
    case 'yaml':
      return renderYaml(report);
    case 'sarif':
      return renderSarif(report, context.cwd);
    case 'junit':
      return renderJunit(report);
    case 'markdown':
      return renderMarkdown(report);
  }
}
