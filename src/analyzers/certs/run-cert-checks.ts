/**
 * Runs the certificate checks over an analysis the way the engine runs rules over an inventory:
 * config turns checks off and overrides severities, excluded namespaces are skipped, exemptions
 * (annotations on the Secret/webhook/Node, or the config file) move findings aside, a check that
 * throws becomes an internal-error finding, and the same severity-weighted score comes out.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG, type HindsightConfig } from '../../config/config.ts';
import type { Finding } from '../../core/finding.ts';
import { codeFile } from '../../core/package-files.ts';
import type { KubeObject } from '../../core/resource.ts';
import type { Severity } from '../../core/severity.ts';
import { findExemption } from '../../engine/exemptions.ts';
import { compareFindings } from '../../engine/run-rules.ts';
import { formatMessage } from '../../rules/define-rule.ts';
import type { CertAnalysis } from './analysis.ts';
import type { CertificateRecord } from './certificate-inventory.ts';
import type { CertCheck, CertReport, CheckSubject } from './define-cert-check.ts';

/** How many things a check judged and how many subjects failed it. */
export interface CertCheckStats {
  evaluated: number;
  failed: number;
}

/** Findings, exempted findings, per-check stats and the score, as the rule engine returns them. */
export interface CertCheckResult {
  findings: Finding[];
  exempted: Finding[];
  stats: Map<string, CertCheckStats>;
  score: number;
}

const SCORE_WEIGHTS: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 4, critical: 8 };

function isEnabled(check: CertCheck, config: HindsightConfig): boolean {
  const setting = config.rules[check.id];
  if (setting === 'off') return false;
  return !(typeof setting === 'object' && setting.enabled === false);
}

/** The object exemption annotations are read from: the subject's own metadata. */
function exemptionObject(subject: CheckSubject): KubeObject {
  return {
    apiVersion: subject.ref.apiVersion,
    kind: subject.ref.kind,
    metadata: {
      name: subject.ref.name,
      ...(subject.ref.namespace ? { namespace: subject.ref.namespace } : {}),
      ...(subject.annotations ? { annotations: subject.annotations } : {}),
    },
  };
}

/** Runs `checks` over `analysis` under `config` (checks off, severity overrides, exemptions, excluded namespaces). */
export function runCertChecks(
  analysis: CertAnalysis,
  checks: readonly CertCheck[],
  config: HindsightConfig = DEFAULT_CONFIG,
): CertCheckResult {
  const excluded = new Set(config.excludeNamespaces);
  const findings: Finding[] = [];
  const exempted: Finding[] = [];
  const stats = new Map<string, CertCheckStats>();
  const cliffEnabled = checks.some((c) => c.id === 'certificate-expiry-cliff' && isEnabled(c, config));
  const inCliff = new Set<CertificateRecord>(cliffEnabled ? analysis.cliffs.flatMap((c) => c.members) : []);
  let weightTotal = 0;
  let weightFailed = 0;

  for (const check of checks) {
    if (!isEnabled(check, config)) continue;
    const setting = config.rules[check.id];
    const override = typeof setting === 'object' ? setting.severity : undefined;
    const failedSubjects = new Set<string>();
    const report = (r: CertReport): void => {
      const template = check.messages[r.messageId];
      if (template === undefined)
        throw new Error(`check ${check.id} reported unknown message ${r.messageId}`);
      if (r.subject.ref.namespace && excluded.has(r.subject.ref.namespace)) return;
      const finding: Finding = {
        ruleId: check.id,
        messageId: r.messageId,
        category: check.category,
        severity: override ?? r.severity ?? check.severity,
        ref: r.subject.ref,
        ...(r.subject.origin ? { origin: r.subject.origin } : {}),
        ...(r.subject.path ? { path: r.subject.path } : {}),
        message: formatMessage(template, r.data),
      };
      const exemption = findExemption(
        finding,
        exemptionObject(r.subject),
        config.exemptions,
        analysis.options.now,
      );
      if (exemption) exempted.push({ ...finding, exemption });
      else {
        findings.push(finding);
        failedSubjects.add(`${finding.ref.kind}/${finding.ref.namespace ?? ''}/${finding.ref.name}`);
      }
    };
    let evaluated = 0;
    try {
      evaluated = check.run({ analysis, inCliff, report });
    } catch (error) {
      findings.push({
        ruleId: 'internal-error',
        category: 'internal',
        severity: 'info',
        ref: { apiVersion: 'hindsight.dev/v1', kind: 'CertificateCheck', name: check.id },
        message: `check ${check.id} failed: ${(error as Error).message}. The other checks went on; please report this.`,
      });
    }
    const failed = failedSubjects.size;
    const judged = Math.max(evaluated, failed);
    stats.set(check.id, { evaluated: judged, failed });
    const weight = SCORE_WEIGHTS[override ?? check.severity];
    weightTotal += weight * judged;
    weightFailed += weight * failed;
  }
  findings.sort(compareFindings);
  exempted.sort(compareFindings);
  const score = weightTotal === 0 ? 100 : Math.round((100 * (weightTotal - weightFailed)) / weightTotal);
  return { findings, exempted, stats, score };
}

/** A check's README (Why, Fix, Runbook), for SARIF help and `hindsight rules`-style docs. */
export function certCheckReadme(id: string): string | undefined {
  try {
    return readFileSync(codeFile('analyzers', 'certs', 'checks', id, 'README.md'), 'utf8');
  } catch {
    return undefined;
  }
}
