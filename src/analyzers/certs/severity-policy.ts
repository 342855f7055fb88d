/**
 * How serious an expiry is: time left against the `--critical` and `--warn` thresholds, weighed
 * by what stops when the certificate goes — the control plane, a cluster feature, someone's
 * access or one application.
 */
import type { Severity } from '../../core/severity.ts';
import type { CertAnalysisOptions } from './analysis.ts';
import type { Criticality } from './roles.ts';

/** `expired`, `critical` (inside --critical), `warning` (inside --warn) or `ok`. */
export type ExpiryStatus = 'expired' | 'not-yet-valid' | 'critical' | 'warning' | 'ok';

/** Where a certificate stands against the clock and the thresholds. */
export function expiryStatus(
  notBefore: Date,
  notAfter: Date,
  options: Pick<CertAnalysisOptions, 'now' | 'warnMs' | 'criticalMs'>,
): ExpiryStatus {
  const now = options.now.getTime();
  const left = notAfter.getTime() - now;
  if (left <= 0) return 'expired';
  if (notBefore.getTime() > now) return 'not-yet-valid';
  if (left <= options.criticalMs) return 'critical';
  if (left <= options.warnMs) return 'warning';
  return 'ok';
}

const SEVERITY: Record<'expired' | 'critical' | 'warning', Record<Criticality, Severity>> = {
  expired: { 'control-plane': 'critical', cluster: 'critical', access: 'high', workload: 'high' },
  critical: { 'control-plane': 'critical', cluster: 'critical', access: 'high', workload: 'high' },
  warning: { 'control-plane': 'high', cluster: 'high', access: 'medium', workload: 'medium' },
};

/** The severity of an expired or expiring certificate with this criticality. */
export function expirySeverity(
  status: 'expired' | 'critical' | 'warning',
  criticality: Criticality,
): Severity {
  return SEVERITY[status][criticality];
}
