/**
 * Runs the certificate checks over an analysis through the rule engine's plumbing: config turns
 * checks off and overrides severities, excluded namespaces are skipped, exemptions (annotations
 * on the Secret/webhook/Node, or the config file) move findings aside, a check that throws
 * becomes an internal-error finding, and the one severity-weighted score comes out. A
 * certificate check judges the whole analysis (chains, cliffs and CA bundles relate many
 * objects), where a rule judges one object at a time.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG, type HindsightConfig } from '../../config/config.ts';
import type { Finding } from '../../core/finding.ts';
import { codeFile } from '../../core/package-files.ts';
import type { KubeObject } from '../../core/resource.ts';
import { findExemption } from '../../engine/exemptions.ts';
import {
  type CheckSetting,
  checkSetting,
  type EngineResult,
  internalErrorFinding,
  ResultTally,
} from '../../engine/run-rules.ts';
import { formatMessage } from '../../rules/define-rule.ts';
import type { CertAnalysis } from './analysis.ts';
import type { CertificateRecord } from './certificate-inventory.ts';
import type { CertCheck, CertReport, CheckSubject } from './define-cert-check.ts';

/** Findings, exempted findings, per-check stats and the score: the rule engine's result. */
export type CertCheckResult = EngineResult;

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

/** One check over the analysis: its findings, exempted findings, and the subjects it judged and failed. */
function runCheck(
  check: CertCheck,
  setting: CheckSetting,
  analysis: CertAnalysis,
  inCliff: ReadonlySet<CertificateRecord>,
  config: HindsightConfig,
): { findings: Finding[]; exempted: Finding[]; judged: number; failed: number } {
  const excluded = new Set(config.excludeNamespaces);
  const findings: Finding[] = [];
  const exempted: Finding[] = [];
  const failedSubjects = new Set<string>();
  const report = (r: CertReport): void => {
    const template = check.messages[r.messageId];
    if (template === undefined) throw new Error(`check ${check.id} reported unknown message ${r.messageId}`);
    if (r.subject.ref.namespace && excluded.has(r.subject.ref.namespace)) return;
    const finding: Finding = {
      ruleId: check.id,
      messageId: r.messageId,
      category: check.category,
      severity: setting.severityOverride ?? r.severity ?? check.severity,
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
    findings.push(
      internalErrorFinding(
        { apiVersion: 'hindsight.dev/v1', kind: 'CertificateCheck', name: check.id },
        undefined,
        `check ${check.id} failed: ${(error as Error).message}. The other checks went on`,
      ),
    );
  }
  return {
    findings,
    exempted,
    judged: Math.max(evaluated, failedSubjects.size),
    failed: failedSubjects.size,
  };
}

/**
 * Runs `checks` over `analysis` under `config` with the rule engine's plumbing: the same
 * settings (checks off, severity overrides), exemptions, internal-error findings, stats and score.
 */
export function runCertChecks(
  analysis: CertAnalysis,
  checks: readonly CertCheck[],
  config: HindsightConfig = DEFAULT_CONFIG,
): CertCheckResult {
  const cliff = checks.find((c) => c.id === 'certificate-expiry-cliff');
  const inCliff = new Set<CertificateRecord>(
    cliff && checkSetting(cliff, config) ? analysis.cliffs.flatMap((c) => c.members) : [],
  );
  const tally = new ResultTally();
  for (const check of checks) {
    const setting = checkSetting(check, config);
    if (setting)
      tally.addJudged(setting, tally.rule(check.id), runCheck(check, setting, analysis, inCliff, config));
  }
  return tally.finish([]);
}

/** A check's README (Why, Fix, Runbook), for SARIF help and `hindsight rules`-style docs. */
export function certCheckReadme(id: string): string | undefined {
  try {
    return readFileSync(codeFile('analyzers', 'certs', 'checks', id, 'README.md'), 'utf8');
  } catch {
    return undefined;
  }
}
