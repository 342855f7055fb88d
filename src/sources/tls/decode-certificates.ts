/**
 * Certificates out of bytes: PEM (one block or many, certificates mixed with keys), DER, or
 * base64 of either. Everything that is not a certificate is recognised by its armour or its
 * ASN.1 shape and counted — private keys are never decoded, kept or quoted, and no problem
 * message carries any of the input's bytes.
 */
import { X509Certificate } from 'node:crypto';

/** What a block or a binary blob turned out to be. */
export type ContentKind =
  | 'certificate'
  | 'private-key'
  | 'encrypted-private-key'
  | 'public-key'
  | 'certificate-request'
  | 'crl'
  | 'pkcs12'
  | 'other';

/** What a blob of bytes held. */
export interface DecodedBundle {
  certificates: X509Certificate[];
  /** Content that is not a certificate, counted by kind: recognised and dropped. */
  others: Partial<Record<ContentKind, number>>;
  /** Why some of the content is not a readable certificate; never quotes the content. */
  problems: string[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 #]+)-----([\s\S]*?)-----END \1-----/g;
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 #]+)-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/=\s]*$/;

/** The PEM armour labels hindsight reads as certificates. */
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'TRUSTED CERTIFICATE', 'X509 CERTIFICATE']);

function kindOfLabel(label: string, body: string): ContentKind {
  if (CERTIFICATE_LABELS.has(label)) return 'certificate';
  if (label === 'ENCRYPTED PRIVATE KEY') return 'encrypted-private-key';
  if (label.endsWith('PRIVATE KEY')) {
    // Legacy OpenSSL encryption puts headers inside the armour.
    return /Proc-Type:\s*4,ENCRYPTED/.test(body) ? 'encrypted-private-key' : 'private-key';
  }
  if (label.endsWith('PUBLIC KEY')) return 'public-key';
  if (label.includes('CERTIFICATE REQUEST')) return 'certificate-request';
  if (label === 'X509 CRL') return 'crl';
  if (label === 'PKCS12') return 'pkcs12';
  return 'other';
}

/** True when the bytes read as text: no NUL and no other C0 controls but whitespace. */
function isText(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) {
    const b = bytes[i] as number;
    if (b < 9 || (b > 13 && b < 32 && b !== 27)) return false;
  }
  return true;
}

function emptyBundle(): DecodedBundle {
  return { certificates: [], others: {}, problems: [] };
}

function count(bundle: DecodedBundle, kind: ContentKind): void {
  bundle.others[kind] = (bundle.others[kind] ?? 0) + 1;
}

/**
 * Reads every certificate in `data`. Text is PEM (or base64 of PEM or DER); binary is DER or a
 * PKCS#12 bundle (recognised, not opened: it is usually passphrase-protected).
 */
export function decodeCertificates(data: Buffer | string): DecodedBundle {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  if (bytes.length === 0) return { ...emptyBundle(), problems: ['empty'] };
  if (!isText(bytes)) return decodeBinary(bytes);
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN ')) return decodePem(text);
  const compact = text.replace(/\s+/g, '');
  if (compact.length >= 16 && /^[A-Za-z0-9+/]+=*$/.test(compact)) {
    // base64 of PEM or DER, as in a caBundle field or a Secret read without decoding.
    const inner = Buffer.from(compact, 'base64');
    const decoded = isText(inner) ? inner.toString('utf8') : undefined;
    if (decoded?.includes('-----BEGIN ')) return decodePem(decoded);
    if (inner[0] === 0x30) return decodeBinary(inner);
  }
  return { ...emptyBundle(), problems: ['no PEM block (expected -----BEGIN CERTIFICATE-----)'] };
}

function decodePem(text: string): DecodedBundle {
  const bundle = emptyBundle();
  let blocks = 0;
  let certificateNumber = 0;
  for (const match of text.matchAll(PEM_BLOCK)) {
    blocks++;
    const label = match[1] as string;
    const body = match[2] as string;
    const kind = kindOfLabel(label, body);
    if (kind !== 'certificate') {
      count(bundle, kind);
      continue;
    }
    certificateNumber++;
    if (!BASE64_BODY.test(body)) {
      bundle.problems.push(`certificate ${certificateNumber}: the PEM body is not base64`);
      continue;
    }
    const der = Buffer.from(body.replace(/\s+/g, ''), 'base64');
    try {
      bundle.certificates.push(readableCertificate(der));
    } catch (error) {
      bundle.problems.push(
        `certificate ${certificateNumber}: not a valid X.509 certificate (${shortReason(error)})`,
      );
    }
  }
  const begun = [...text.matchAll(PEM_BEGIN)].length;
  if (begun > blocks) {
    bundle.problems.push(
      `${begun - blocks} PEM block${begun - blocks === 1 ? ' has' : 's have'} no matching END line (truncated?)`,
    );
  }
  return bundle;
}

/** Length of the outer DER element, or undefined when the header itself is cut short. */
function derLength(bytes: Buffer): { header: number; length: number } | undefined {
  const first = bytes[1];
  if (first === undefined) return undefined;
  if (first < 0x80) return { header: 2, length: first };
  const octets = first & 0x7f;
  if (octets === 0 || octets > 4 || bytes.length < 2 + octets) return undefined;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + (bytes[2 + i] as number);
  return { header: 2 + octets, length };
}

const PKCS7_DATA_OID = Buffer.from('06092a864886f70d010701', 'hex');
const PBES2_OID = Buffer.from('2a864886f70d01050d', 'hex');
const PKCS12_PBE_OID_PREFIX = Buffer.from('2a864886f70d010c01', 'hex');

/** What a DER blob that is not a certificate looks like from its first bytes (no decoding). */
function classifyDer(bytes: Buffer, header: number): ContentKind {
  const body = bytes.subarray(header, header + 64);
  // PFX: SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data ... } }
  if (body[0] === 0x02 && body[1] === 0x01 && body[2] === 0x03 && bytes.includes(PKCS7_DATA_OID))
    return 'pkcs12';
  // EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE { OID pbes2 | pkcs12-pbe ... }, OCTET STRING }
  if (body[0] === 0x30 && (body.includes(PBES2_OID) || body.includes(PKCS12_PBE_OID_PREFIX)))
    return 'encrypted-private-key';
  // PrivateKeyInfo (INTEGER 0, SEQUENCE), RSAPrivateKey (INTEGER 0, INTEGER), ECPrivateKey (INTEGER 1, OCTET STRING)
  if (body[0] === 0x02 && body[1] === 0x01) {
    const version = body[2];
    const next = body[3];
    if (version === 0x00 && (next === 0x30 || next === 0x02)) return 'private-key';
    if (version === 0x01 && next === 0x04) return 'private-key';
  }
  // SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID ... }, BIT STRING }
  if (body[0] === 0x30 && bytes[header + 2 + (body[1] ?? 0)] === 0x03) return 'public-key';
  return 'other';
}

/**
 * A certificate whose validity can be read: OpenSSL parses a certificate with an impossible date
 * and prints it as `Bad time value`, and Node's Date for it is then undefined, Invalid Date or
 * (seen in fuzzing, run to run) some other date. Only dates the text and the Date agree on count.
 */
function readableCertificate(der: Buffer): X509Certificate {
  const certificate = new X509Certificate(der);
  const readable = (text: string, date: Date | undefined): boolean =>
    date instanceof Date && !Number.isNaN(date.getTime()) && Date.parse(text) === date.getTime();
  if (
    !readable(certificate.validFrom, certificate.validFromDate) ||
    !readable(certificate.validTo, certificate.validToDate)
  )
    throw new Error('its validity dates cannot be read');
  return certificate;
}

function decodeBinary(data: Buffer): DecodedBundle {
  const bundle = emptyBundle();
  // Concatenated DER certificates are rare but legal in .p7b-less bundles: one after the other,
  // in a loop (a file of thousands of them must not exhaust the stack).
  for (let bytes = data; bytes.length > 0; ) {
    if (bytes[0] !== 0x30) {
      bundle.problems.push('binary content that is neither PEM nor DER (no ASN.1 SEQUENCE at the start)');
      return bundle;
    }
    const size = derLength(bytes);
    if (!size) {
      bundle.problems.push('truncated DER: the length header is cut short');
      return bundle;
    }
    const total = size.header + size.length;
    if (total > bytes.length) {
      bundle.problems.push(
        `truncated DER: the header announces ${total} bytes, only ${bytes.length} are there`,
      );
      return bundle;
    }
    const kind = classifyDer(bytes, size.header);
    if (kind !== 'other') {
      count(bundle, kind);
      return bundle;
    }
    try {
      bundle.certificates.push(readableCertificate(bytes.subarray(0, total)));
    } catch (error) {
      bundle.problems.push(`not a valid DER certificate (${shortReason(error)})`);
      return bundle;
    }
    bytes = bytes.subarray(total);
  }
  return bundle;
}

/** OpenSSL's reason without its error-code prefix: `wrong tag`, `too long`. */
function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const parts = message.split(':');
  return (parts[parts.length - 1] ?? message).trim() || message;
}

/**
 * Why a bundle that should have held a certificate holds none, in words: "holds a private key,
 * not a certificate", "an encrypted PKCS#12 bundle …", or the decoding problems.
 */
export function explainNoCertificate(bundle: DecodedBundle): string {
  const o = bundle.others;
  if (o.pkcs12)
    return 'a PKCS#12 (.p12/.pfx) bundle, usually passphrase-protected; hindsight does not open these — export the certificates: openssl pkcs12 -in FILE -nokeys -out certs.pem';
  if (o['encrypted-private-key'])
    return 'holds an encrypted private key, not a certificate (the key was not read)';
  if (o['private-key']) return 'holds a private key, not a certificate (the key was not read)';
  if (o['public-key']) return 'holds a public key, not a certificate (public keys do not expire)';
  if (o['certificate-request']) return 'holds a certificate signing request (CSR), not a certificate';
  if (o.crl) return 'holds a certificate revocation list, not a certificate';
  if (bundle.problems.length > 0) return bundle.problems.join('; ');
  return 'no certificate found';
}
