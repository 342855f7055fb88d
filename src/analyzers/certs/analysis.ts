/**
 * One certificate analysis: what discovery found, reduced to distinct certificates with roles
 * and issuers, the expiry cliffs among them, and the links between cert-manager Certificates and
 * the Secrets they fill. Checks and outputs read this; nothing here reads the clock — `now` is
 * given.
 */
import type { CertManagerCertificate, Discovery } from '../../sources/tls/discovery.ts';
import {
  buildCertificateInventory,
  type CertificateInventory,
  type CertificateRecord,
} from './certificate-inventory.ts';
import { DAY_MS } from './duration.ts';
import { type ExpiryCliff, findExpiryCliffs } from './expiry-cliffs.ts';

/** The clock and thresholds of one analysis. */
export interface CertAnalysisOptions {
  /** The analysis clock. */
  now: Date;
  /** Warn when less than this is left (default 30 days). */
  warnMs: number;
  /** Critical when less than this is left (default 7 days). */
  criticalMs: number;
  /** Certificates expiring within this of each other form a cliff (default 7 days). */
  cliffWindowMs: number;
  /** The validity leaf certificates are expected to have (`--expect-validity`). */
  expectValidityMs?: number;
}

/** The CLI defaults: warn at 30 days, critical at 7, cliffs within 7 days of each other. */
export const DEFAULT_ANALYSIS_OPTIONS: Omit<CertAnalysisOptions, 'now'> = {
  warnMs: 30 * DAY_MS,
  criticalMs: 7 * DAY_MS,
  cliffWindowMs: 7 * DAY_MS,
};

/** A cert-manager Certificate and the certificate in its Secret, when that was read. */
export interface CertManagerLink {
  certificate: CertManagerCertificate;
  record?: CertificateRecord;
}

/** Everything the checks and outputs read. */
export interface CertAnalysis {
  options: CertAnalysisOptions;
  discovery: Discovery;
  inventory: CertificateInventory;
  cliffs: ExpiryCliff[];
  certManager: CertManagerLink[];
}

/** Builds the inventory, finds the cliffs and links cert-manager Certificates to their Secrets. */
export function analyzeCertificates(discovery: Discovery, options: CertAnalysisOptions): CertAnalysis {
  const inventory = buildCertificateInventory(discovery.certificates);
  const bySecret = new Map<string, CertificateRecord>();
  for (const rec of inventory.records) {
    for (const p of rec.placements) {
      const l = p.location;
      if (l.kind === 'secret' && l.key === 'tls.crt' && p.index === 0)
        bySecret.set(`${l.namespace}/${l.name}`, rec);
    }
  }
  const certManager = discovery.certManager.map((certificate) => {
    const record = certificate.secretName
      ? bySecret.get(`${certificate.namespace}/${certificate.secretName}`)
      : undefined;
    return record ? { certificate, record } : { certificate };
  });
  return {
    options,
    discovery,
    inventory,
    cliffs: findExpiryCliffs(inventory, options.cliffWindowMs),
    certManager,
  };
}
