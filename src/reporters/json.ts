import { dump } from 'js-yaml';
import { reportData } from './finding-view.ts';
import type { ScanReport } from './report.ts';

export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(reportData(report), null, 2)}\n`;
}

export function renderYaml(report: ScanReport): string {
  return dump(reportData(report), { noRefs: true, lineWidth: 120 });
}
