/**
 * Findings as wg-policy PolicyReports (wgpolicyk8s.io/v1alpha2), the format Kyverno and
 * trivy-operator write and Policy Reporter, k9s and `kubectl get polr` read: one PolicyReport
 * named `hindsight` per namespace with findings, one ClusterPolicyReport `hindsight` for the
 * cluster-scoped ones. Each result is a failed check on one resource; the summary counts them.
 */
import type { Finding } from '../core/finding.ts';

export const POLICY_REPORT_NAME = 'hindsight';
const API_VERSION = 'wgpolicyk8s.io/v1alpha2';

export interface PolicyReportObject {
  apiVersion: string;
  kind: 'PolicyReport' | 'ClusterPolicyReport';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  results: Record<string, unknown>[];
  summary: { pass: number; fail: number; warn: number; error: number; skip: number };
}

/**
 * The reports for `findings`, keyed by namespace ('' for the cluster report). `namespaces`
 * that had a report before and have no finding now get an empty one, so a fixed namespace's
 * report says so instead of keeping stale results.
 */
export function buildPolicyReports(
  findings: readonly Finding[],
  now: Date,
  namespaces: Iterable<string> = [],
): Map<string, PolicyReportObject> {
  const reports = new Map<string, PolicyReportObject>();
  const reportFor = (namespace: string): PolicyReportObject => {
    let report = reports.get(namespace);
    if (!report) {
      report = {
        apiVersion: API_VERSION,
        kind: namespace === '' ? 'ClusterPolicyReport' : 'PolicyReport',
        metadata: {
          name: POLICY_REPORT_NAME,
          ...(namespace === '' ? {} : { namespace }),
          labels: { 'app.kubernetes.io/managed-by': 'hindsight' },
        },
        results: [],
        summary: { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 },
      };
      reports.set(namespace, report);
    }
    return report;
  };
  for (const namespace of namespaces) reportFor(namespace);
  const seconds = Math.floor(now.getTime() / 1000);
  for (const f of findings) {
    const report = reportFor(f.ref.namespace ?? '');
    report.results.push({
      source: 'hindsight',
      policy: f.ruleId,
      ...(f.messageId ? { rule: f.messageId } : {}),
      category: f.category,
      severity: f.severity,
      result: 'fail',
      scored: true,
      message: f.container ? `[${f.container}] ${f.message}` : f.message,
      timestamp: { seconds, nanos: 0 },
      resources: [
        {
          apiVersion: f.ref.apiVersion,
          kind: f.ref.kind,
          name: f.ref.name,
          ...(f.ref.namespace ? { namespace: f.ref.namespace } : {}),
        },
      ],
      ...(f.fix ? { properties: { fix: f.fix.description } } : {}),
    });
    report.summary.fail++;
  }
  return reports;
}
