/** What a scan produced, in one value every reporter renders. */
import type { InventorySummary } from '../analyzers/inventory/summarize.ts';
import type { Finding } from '../core/finding.ts';
import type { Severity } from '../core/severity.ts';

export interface RuleInfo {
  id: string;
  title: string;
  category: string;
  severity: Severity;
  lesson: { id: string; title: string; story: string };
  /** The rule's README (Markdown), for SARIF help and `explain`. */
  help?: string;
  evaluated: number;
  failed: number;
}

export interface ScanReport {
  tool: { name: 'hindsight'; version: string };
  generatedAt: string;
  /** What was scanned: paths, or the cluster context. */
  target: string;
  inputs: { files: number; objects: number; errors: string[]; notes: string[] };
  summary: InventorySummary;
  findings: Finding[];
  exempted: Finding[];
  score: number;
  rules: RuleInfo[];
  failOn?: Severity;
  /** Findings left out of `findings` by `--min-severity` (still counted in score and --fail-on). */
  hiddenBelow?: { severity: Severity; count: number };
  /** 1-based line of a finding's path in its file, when it could be located. */
  lines?: Map<Finding, number>;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** What a report says about one check that ran: its metadata, help text and counts. */
export function ruleInfo(
  check: { id: string; title: string; category: string; severity: Severity; lesson: RuleInfo['lesson'] },
  stats: { evaluated: number; failed: number } | undefined,
  help: string | undefined,
): RuleInfo {
  return {
    id: check.id,
    title: check.title,
    category: check.category,
    severity: check.severity,
    lesson: check.lesson,
    ...(help ? { help } : {}),
    evaluated: stats?.evaluated ?? 0,
    failed: stats?.failed ?? 0,
  };
}
