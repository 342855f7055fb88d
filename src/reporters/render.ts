/** Output formats by name, so the CLI can write several in one run. */

import type { Format, GroupBy } from './formats.ts';
import { renderJson, renderYaml } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';
import type { ScanReport } from './report.ts';
import { renderSarif } from './sarif.ts';
import { renderTable } from './table.ts';

export { FORMATS, type Format, isFormat } from './formats.ts';

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
