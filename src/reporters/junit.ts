/**
 * JUnit XML for CI dashboards: one test suite per rule, one failing test case per object with
 * findings (all its messages in the failure), exempted findings as skipped cases, and one
 * passing case per rule for the objects that passed.
 */
import type { Finding } from '../core/finding.ts';
import { pushTo } from '../core/records.ts';
import type { ScanReport } from './report.ts';

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // Characters XML 1.0 cannot carry at all.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

const objectName = (f: Finding): string =>
  `${f.ref.kind}/${f.ref.namespace ? `${f.ref.namespace}/` : ''}${f.ref.name}`;

export function renderJunit(report: ScanReport): string {
  const ruleIds = [...new Set([...report.rules.map((r) => r.id), ...report.findings.map((f) => f.ruleId)])];
  const suites: string[] = [];
  let totalTests = 0;
  let totalFailures = 0;
  let totalSkipped = 0;
  for (const id of ruleIds) {
    const info = report.rules.find((r) => r.id === id);
    const byObject = new Map<string, Finding[]>();
    for (const f of report.findings.filter((x) => x.ruleId === id)) {
      const key = objectName(f);
      pushTo(byObject, key, f);
    }
    const skipped = report.exempted.filter((x) => x.ruleId === id);
    const cases: string[] = [];
    for (const [name, findings] of byObject) {
      const worst = findings[0]?.severity ?? 'info';
      const body = findings
        .map(
          (f) =>
            `[${f.severity}] ${f.message}${f.origin ? ` (${f.origin.source}${f.origin.line ? `:${f.origin.line}` : ''})` : ''}`,
        )
        .join('\n');
      cases.push(
        `    <testcase classname="${xml(id)}" name="${xml(name)}"><failure type="${worst}" message="${xml(findings[0]?.message ?? '')}">${xml(body)}</failure></testcase>`,
      );
    }
    for (const f of skipped) {
      cases.push(
        `    <testcase classname="${xml(id)}" name="${xml(objectName(f))}"><skipped message="${xml(`exempted: ${f.exemption?.reason ?? ''}`)}"/></testcase>`,
      );
    }
    const passed = Math.max(0, (info?.evaluated ?? 0) - (info?.failed ?? 0) - skipped.length);
    if (passed > 0) cases.push(`    <testcase classname="${xml(id)}" name="${passed} objects pass"/>`);
    const tests = cases.length;
    totalTests += tests;
    totalFailures += byObject.size;
    totalSkipped += skipped.length;
    suites.push(
      `  <testsuite name="${xml(id)}" tests="${tests}" failures="${byObject.size}" skipped="${skipped.length}" errors="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hindsight" tests="${totalTests}" failures="${totalFailures}" skipped="${totalSkipped}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
