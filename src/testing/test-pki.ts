/**
 * Real certificate hierarchies for tests, made with @peculiar/x509 (a dev dependency): CAs,
 * intermediates and leaves with chosen validity windows, subject alternative names and keys
 * (ECDSA P-256, fast to make). Every certificate is a genuine, verifiable X.509 certificate —
 * the analyzer under test sees what it would see in a cluster.
 */
import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A generated certificate with its PEM, DER and key. */
export interface TestCertificate {
  subject: string;
  pem: string;
  der: Buffer;
  /** PKCS#8 PEM of the private key: for TLS servers in tests, and to prove it never leaks. */
  keyPem: string;
  keys: webcrypto.CryptoKeyPair;
  certificate: x509.X509Certificate;
}

/** What to generate. */
export interface CertificateSpec {
  /** Common name; the subject is `CN=<cn>` (plus `O=<org>` when given). */
  cn: string;
  org?: string;
  notBefore: Date;
  notAfter: Date;
  /** The CA that signs it; self-signed when absent. */
  issuer?: TestCertificate;
  isCa?: boolean;
  dnsNames?: string[];
  ips?: string[];
  /** Reuse a key pair (bulk fixtures: signing is fast, key generation is not). */
  keys?: webcrypto.CryptoKeyPair;
}

let serial = 0x1000;

function toPem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END ${label}-----\n`;
}

/** Issues one certificate: a CA, an intermediate (a CA with an issuer) or a leaf. */
export async function issueCertificate(spec: CertificateSpec): Promise<TestCertificate> {
  const keys =
    spec.keys ??
    ((await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair);
  const subject = spec.org ? `CN=${spec.cn}, O=${spec.org}` : `CN=${spec.cn}`;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(spec.isCa ?? false, undefined, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (spec.isCa) {
    extensions.push(
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    );
  } else {
    extensions.push(
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
    );
  }
  const names = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  if (spec.issuer)
    extensions.push(await x509.AuthorityKeyIdentifierExtension.create(spec.issuer.keys.publicKey));
  serial++;
  const common = {
    serialNumber: serial.toString(16).padStart(4, '0'),
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    extensions,
    signingAlgorithm: ALGORITHM,
  };
  const certificate = spec.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject,
        issuer: spec.issuer.certificate.subject,
        publicKey: keys.publicKey,
        signingKey: spec.issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    subject,
    pem: certificate.toString('pem').replace(/\r\n/g, '\n').trimEnd().concat('\n'),
    der: Buffer.from(certificate.rawData),
    keyPem: toPem('PRIVATE KEY', pkcs8),
    keys,
    certificate,
  };
}

/** The key as a passphrase-encrypted PKCS#8 PEM (`ENCRYPTED PRIVATE KEY`). */
export function encryptedKeyPem(certificate: TestCertificate, passphrase = 'hindsight'): string {
  return createPrivateKey(certificate.keyPem)
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
    .toString();
}

/** The base64 body of a PEM block, without armour or line breaks: what must never appear in output. */
export function pemBody(pem: string): string {
  return pem
    .replace(/-----(BEGIN|END) [A-Z ]+-----/g, '')
    .replace(/\s+/g, '')
    .trim();
}

/** `2026-06-01` plus `days`. */
export function daysFrom(base: Date, days: number): Date {
  return new Date(base.getTime() + days * 86_400_000);
}
