/** A finding flattened for machine-readable outputs (JSON, YAML) and reused by the others. */
import { type Finding, formatPath } from '../core/finding.ts';
import type { ScanReport } from './report.ts';

export interface FindingView {
  rule: string;
  message: string;
  severity: string;
  category: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  container?: string;
  path?: string;
  file?: string;
  line?: number;
  /** The render the object came from (`helm template …`, `kubectl kustomize …`): `file` is its template or base file. */
  rendered?: string;
  /** With per-environment renders: the environments that have this finding … */
  environments?: string[];
  /** … and those that do not (absent when all have it). */
  notInEnvironments?: string[];
  fix?: { description: string; edits: unknown[]; companions?: unknown[] };
  /** Why hindsight offers no fix: what a human has to decide first. */
  manual?: string;
  exemption?: { reason: string; expires?: string; source: string };
}

export function findingLine(report: ScanReport, finding: Finding): number | undefined {
  return report.lines?.get(finding) ?? finding.origin?.line;
}

/** Files are sources that are neither stdin nor a cluster. */
export function findingFile(finding: Finding): string | undefined {
  const source = finding.origin?.source;
  if (!source || source === '-' || source.includes('://') || source.includes(' (')) return undefined;
  return source;
}

export function viewOf(report: ScanReport, f: Finding): FindingView {
  const file = findingFile(f);
  const line = file ? findingLine(report, f) : undefined;
  return {
    rule: f.ruleId,
    message: f.message,
    severity: f.severity,
    category: f.category,
    apiVersion: f.ref.apiVersion,
    kind: f.ref.kind,
    ...(f.ref.namespace ? { namespace: f.ref.namespace } : {}),
    name: f.ref.name,
    ...(f.container !== undefined ? { container: f.container } : {}),
    ...(f.path ? { path: formatPath(f.path) } : {}),
    ...(file ? { file } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(f.origin?.rendered ? { rendered: f.origin.rendered } : {}),
    ...(f.environments
      ? {
          environments: f.environments.in,
          ...(f.environments.notIn.length > 0 ? { notInEnvironments: f.environments.notIn } : {}),
        }
      : f.origin?.environment !== undefined
        ? { environments: [f.origin.environment] }
        : {}),
    ...(f.fix ? { fix: f.fix } : {}),
    ...(f.manual ? { manual: f.manual } : {}),
    ...(f.exemption ? { exemption: f.exemption } : {}),
  };
}

export function reportData(report: ScanReport): Record<string, unknown> {
  return {
    tool: report.tool,
    generatedAt: report.generatedAt,
    target: report.target,
    score: report.score,
    ...(report.failOn ? { failOn: report.failOn } : {}),
    inputs: report.inputs,
    summary: report.summary,
    findings: report.findings.map((f) => viewOf(report, f)),
    exempted: report.exempted.map((f) => viewOf(report, f)),
    rules: report.rules.map(({ help: _help, ...rest }) => rest),
  };
}
