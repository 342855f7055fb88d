/**
 * The certificate checks, an explicit list: `hindsight certs` runs these (not the manifest rules
 * of `src/rules/registry.ts`). Each has its folder under checks/ with check.ts and a README.
 */
import { certificateChainBroken } from './checks/certificate-chain-broken/check.ts';
import { certificateExpired } from './checks/certificate-expired/check.ts';
import { certificateExpiring } from './checks/certificate-expiring/check.ts';
import { certificateExpiryCliff } from './checks/certificate-expiry-cliff/check.ts';
import { certificateNotYetValid } from './checks/certificate-not-yet-valid/check.ts';
import { certificateOutlivesIssuer } from './checks/certificate-outlives-issuer/check.ts';
import { certificateValidityMismatch } from './checks/certificate-validity-mismatch/check.ts';
import { controlPlaneNodeAge } from './checks/control-plane-node-age/check.ts';
import { webhookCaBundleMismatch } from './checks/webhook-ca-bundle-mismatch/check.ts';
import type { CertCheck } from './define-cert-check.ts';

/** Every certificate check, in the order they run. */
export const CERT_CHECKS: readonly CertCheck[] = [
  certificateExpired,
  certificateExpiring,
  certificateNotYetValid,
  certificateExpiryCliff,
  certificateChainBroken,
  certificateOutlivesIssuer,
  certificateValidityMismatch,
  webhookCaBundleMismatch,
  controlPlaneNodeAge,
];

/** The checks by id. */
export const CERT_CHECKS_BY_ID: ReadonlyMap<string, CertCheck> = new Map(CERT_CHECKS.map((c) => [c.id, c]));
