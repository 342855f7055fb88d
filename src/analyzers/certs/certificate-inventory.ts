/**
 * The certificates found, one record per distinct certificate (by SHA-256 fingerprint) with
 * every place it was found, its role, and its issuer resolved among the other certificates found
 * (then the platform's trust store). The same cluster CA in ca.crt, admin.conf and fifty
 * kube-root-ca.crt ConfigMaps is one certificate with fifty-two placements — and one finding.
 */
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { compareText } from '../../core/compare-text.ts';
import { pushTo } from '../../core/records.ts';
import type { CertificateLocation, FoundCertificate } from '../../sources/tls/discovery.ts';
import { type CertificateRole, CRITICALITY_RANK, classifyCertificate } from './roles.ts';

/** One place a certificate was found, and the role it has there. */
export interface Placement {
  location: CertificateLocation;
  index: number;
  count: number;
  role: CertificateRole;
}

/** Where the issuer was found: itself, among the certificates read, in the system trust store, or nowhere. */
export type IssuerStatus = 'self-signed' | 'found' | 'system-trust' | 'missing';

/** One distinct certificate with everything known about it. */
export interface CertificateRecord {
  fingerprint: string;
  certificate: X509Certificate;
  /** Distinguished names as attribute → first value (`CN`, `O`, `OU`, `C`, `ST`, `L`). */
  subject: Record<string, string>;
  issuer: Record<string, string>;
  commonName: string;
  issuerCommonName: string;
  /** Decimal, as x509-certificate-exporter labels it. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  selfSigned: boolean;
  /** Every place it was found; the first is the primary one (most critical role first). */
  placements: Placement[];
  /** The role of the primary placement. */
  role: CertificateRole;
  issuerStatus: IssuerStatus;
  issuerRecord?: CertificateRecord;
}

/** The distinct certificates, the bundles they came in, and who issued what. */
export interface CertificateInventory {
  records: CertificateRecord[];
  byFingerprint: Map<string, CertificateRecord>;
  /** Each bundle (file, Secret key, caBundle, served chain) with its certificates in order. */
  bundles: Map<CertificateLocation, CertificateRecord[]>;
  /** The certificates a CA record issued. */
  leavesOf(ca: CertificateRecord): CertificateRecord[];
}

/** `CN=kube-apiserver\nO=system:masters` → `{ CN: 'kube-apiserver', O: 'system:masters' }` (first values). */
export function parseDistinguishedName(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    for (const part of line.split('+')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      const key = part.slice(0, eq).trim();
      if (!(key in out)) out[key] = part.slice(eq + 1).trim();
    }
  }
  return out;
}

/** True when `issuer` signed `certificate`: names match (and key identifiers) and the signature verifies. */
export function isIssuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  if (certificate.issuer !== issuer.subject) return false;
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

let systemRoots: Map<string, X509Certificate[]> | undefined;

/** Node's bundled Mozilla roots by subject, parsed once on first use. */
export function systemTrust(): Map<string, X509Certificate[]> {
  if (systemRoots) return systemRoots;
  systemRoots = new Map();
  for (const pem of rootCertificates) {
    try {
      const root = new X509Certificate(pem);
      pushTo(systemRoots, root.subject, root);
    } catch {
      // A root Node cannot parse cannot anchor anything either.
    }
  }
  return systemRoots;
}

const KIND_ORDER: Record<CertificateLocation['kind'], number> = {
  file: 0,
  kubeconfig: 1,
  endpoint: 2,
  secret: 3,
  cabundle: 4,
  configmap: 5,
};

function namespaceOf(location: CertificateLocation): string | undefined {
  return location.kind === 'secret' || location.kind === 'configmap' ? location.namespace : undefined;
}

function comparePlacements(a: Placement, b: Placement): number {
  return (
    CRITICALITY_RANK[b.role.criticality] - CRITICALITY_RANK[a.role.criticality] ||
    KIND_ORDER[a.location.kind] - KIND_ORDER[b.location.kind] ||
    // kube-system's copy names a cluster-wide certificate better than an application namespace's.
    Number(namespaceOf(a.location) !== 'kube-system') - Number(namespaceOf(b.location) !== 'kube-system') ||
    a.index - b.index
  );
}

function decimalSerial(hex: string): string {
  try {
    return BigInt(`0x${hex}`).toString(10);
  } catch {
    return hex;
  }
}

/** Deduplicates by fingerprint, assigns roles (most critical first) and resolves issuers. */
export function buildCertificateInventory(found: readonly FoundCertificate[]): CertificateInventory {
  const byFingerprint = new Map<string, CertificateRecord>();
  const bundles = new Map<CertificateLocation, CertificateRecord[]>();
  for (const f of found) {
    const fingerprint = f.certificate.fingerprint256;
    const placement: Placement = {
      location: f.location,
      index: f.index,
      count: f.count,
      role: classifyCertificate(f.location, f.index, f.certificate),
    };
    let rec = byFingerprint.get(fingerprint);
    if (!rec) {
      const c = f.certificate;
      const subject = parseDistinguishedName(c.subject);
      const issuer = parseDistinguishedName(c.issuer);
      rec = {
        fingerprint,
        certificate: c,
        subject,
        issuer,
        commonName: subject.CN ?? '',
        issuerCommonName: issuer.CN ?? '',
        serial: decimalSerial(c.serialNumber),
        notBefore: c.validFromDate,
        notAfter: c.validToDate,
        isCa: c.ca,
        selfSigned: c.subject === c.issuer && isIssuedBy(c, c),
        placements: [],
        role: placement.role,
        issuerStatus: 'missing',
      };
      byFingerprint.set(fingerprint, rec);
    }
    rec.placements.push(placement);
    const bundle = bundles.get(f.location) ?? [];
    bundle[f.index] = rec;
    bundles.set(f.location, bundle);
  }
  const records = [...byFingerprint.values()];
  for (const rec of records) {
    rec.placements.sort(comparePlacements);
    rec.role = (rec.placements[0] as Placement).role;
  }
  resolveIssuers(records);
  const leaves = new Map<CertificateRecord, CertificateRecord[]>();
  for (const rec of records) {
    if (rec.issuerRecord) pushTo(leaves, rec.issuerRecord, rec);
  }
  records.sort(
    (a, b) => a.notAfter.getTime() - b.notAfter.getTime() || compareText(a.fingerprint, b.fingerprint),
  );
  return { records, byFingerprint, bundles, leavesOf: (ca) => leaves.get(ca) ?? [] };
}

function resolveIssuers(records: CertificateRecord[]): void {
  const bySubject = new Map<string, CertificateRecord[]>();
  for (const rec of records) {
    const key = rec.certificate.subject;
    pushTo(bySubject, key, rec);
  }
  for (const rec of records) {
    if (rec.selfSigned) {
      rec.issuerStatus = 'self-signed';
      continue;
    }
    // A CA re-issued with the same key verifies both versions: the longest-lived one is the
    // issuer that matters for when the leaf stops verifying.
    const candidates = (bySubject.get(rec.certificate.issuer) ?? [])
      .filter((c) => c !== rec && isIssuedBy(rec.certificate, c.certificate))
      .sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime());
    const issuer = candidates[0];
    if (issuer) {
      rec.issuerRecord = issuer;
      rec.issuerStatus = 'found';
      continue;
    }
    const roots = systemTrust().get(rec.certificate.issuer) ?? [];
    rec.issuerStatus = roots.some((r) => isIssuedBy(rec.certificate, r)) ? 'system-trust' : 'missing';
  }
}

/** Whether a served chain verifies, and if not, why (in words) and at which issuer it stopped. */
export type ChainVerdict =
  | { trusted: true; anchor: X509Certificate }
  | { trusted: false; reason: string; issuerCommonName: string };

/**
 * Whether a served chain (leaf first) verifies against `anchors`, through the intermediates it
 * served. Expiry is judged elsewhere: this is about who signed what.
 */
export function verifyChain(
  chain: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
): ChainVerdict {
  const leaf = chain[0];
  if (!leaf) return { trusted: false, reason: 'no certificate was served', issuerCommonName: '' };
  const anchorPrints = new Set(anchors.map((a) => a.fingerprint256));
  const used = new Set<X509Certificate>();
  let current = leaf;
  for (let depth = 0; depth < 10; depth++) {
    if (anchorPrints.has(current.fingerprint256)) return { trusted: true, anchor: current };
    const anchor = anchors.find((a) => isIssuedBy(current, a));
    if (anchor) return { trusted: true, anchor };
    used.add(current);
    const next = chain.find((c) => !used.has(c) && isIssuedBy(current, c));
    if (!next) break;
    current = next;
  }
  const issuerCommonName = parseDistinguishedName(current.issuer).CN ?? current.issuer.replaceAll('\n', ', ');
  const names = anchors.map((a) => parseDistinguishedName(a.subject).CN ?? a.subject.replaceAll('\n', ', '));
  const trusted =
    names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return {
    trusted: false,
    issuerCommonName,
    reason: `the served chain ends at a certificate issued by "${issuerCommonName}", which is not in the trusted bundle (${trusted || 'empty'})`,
  };
}
