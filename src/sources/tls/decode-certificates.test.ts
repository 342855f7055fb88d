import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { encryptedKeyPem, issueCertificate, pemBody, type TestCertificate } from '../../testing/test-pki.ts';
import { decodeCertificates, explainNoCertificate } from './decode-certificates.ts';

const T0 = new Date('2026-01-01T00:00:00Z');
const T1 = new Date('2027-01-01T00:00:00Z');
let ca: TestCertificate;
let leaf: TestCertificate;

before(async () => {
  ca = await issueCertificate({ cn: 'decode-ca', notBefore: T0, notAfter: T1, isCa: true });
  leaf = await issueCertificate({
    cn: 'decode-leaf',
    notBefore: T0,
    notAfter: T1,
    issuer: ca,
    dnsNames: ['x.test'],
  });
});

test('PEM bundles: every certificate in order, keys counted and dropped', () => {
  const decoded = decodeCertificates(`${leaf.pem}${leaf.keyPem}${ca.pem}`);
  assert.deepEqual(
    decoded.certificates.map((c) => c.subject),
    ['CN=decode-leaf', 'CN=decode-ca'],
  );
  assert.deepEqual(decoded.others, { 'private-key': 1 });
  assert.deepEqual(decoded.problems, []);
});

test('DER, and base64 of PEM or DER (as in caBundle fields)', () => {
  assert.equal(decodeCertificates(leaf.der).certificates[0]?.subject, 'CN=decode-leaf');
  assert.equal(
    decodeCertificates(Buffer.from(ca.pem).toString('base64')).certificates[0]?.subject,
    'CN=decode-ca',
  );
  assert.equal(decodeCertificates(leaf.der.toString('base64')).certificates[0]?.subject, 'CN=decode-leaf');
});

// Each row: what is fed in, and the one-line explanation the user gets.
const BAD: [name: string, input: () => Buffer | string, expected: RegExp][] = [
  ['empty', () => '', /empty/],
  ['text without PEM', () => 'hello, I am not a certificate\n', /no PEM block/],
  [
    'garbage inside the armour',
    () => '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n',
    /certificate 1: not a valid X\.509 certificate/,
  ],
  [
    'non-base64 body',
    () => '-----BEGIN CERTIFICATE-----\n%%%% nope %%%%\n-----END CERTIFICATE-----\n',
    /not base64/,
  ],
  ['PEM without END (truncated file)', () => leaf.pem.slice(0, leaf.pem.length - 40), /no matching END line/],
  [
    'truncated DER',
    () => leaf.der.subarray(0, leaf.der.length - 25),
    /truncated DER: the header announces \d+ bytes, only \d+/,
  ],
  ['binary that is not ASN.1', () => Buffer.from([0x00, 0x01, 0x02, 0xff, 0x10]), /neither PEM nor DER/],
  ['a private key (PEM)', () => leaf.keyPem, /holds a private key, not a certificate/],
  [
    'a private key (DER, PKCS#8)',
    () => createPrivateKey(leaf.keyPem).export({ type: 'pkcs8', format: 'der' }),
    /holds a private key/,
  ],
  [
    'a private key (DER, SEC1)',
    () => createPrivateKey(leaf.keyPem).export({ type: 'sec1', format: 'der' }),
    /holds a private key/,
  ],
  ['an encrypted private key (PKCS#8)', () => encryptedKeyPem(leaf), /encrypted private key/],
  [
    'an encrypted private key (DER)',
    () =>
      createPrivateKey(leaf.keyPem).export({
        type: 'pkcs8',
        format: 'der',
        cipher: 'aes-256-cbc',
        passphrase: 'x',
      }),
    /encrypted private key/,
  ],
  [
    'a public key',
    () => createPublicKey(leaf.keyPem).export({ type: 'spki', format: 'pem' }).toString(),
    /public key, not a certificate/,
  ],
];

for (const [name, input, expected] of BAD) {
  test(`bad input: ${name} → ${expected}`, () => {
    const decoded = decodeCertificates(input());
    assert.equal(decoded.certificates.length, 0);
    assert.match(explainNoCertificate(decoded), expected);
  });
}

test('bad input: a PKCS#12 bundle is recognised, not opened', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-p12-'));
  writeFileSync(join(dir, 'c.pem'), leaf.pem);
  writeFileSync(join(dir, 'k.pem'), leaf.keyPem);
  try {
    execFileSync(
      'openssl',
      ['pkcs12', '-export', '-in', 'c.pem', '-inkey', 'k.pem', '-passout', 'pass:secret', '-out', 'b.p12'],
      {
        cwd: dir,
        stdio: 'ignore',
      },
    );
  } catch {
    t.skip('openssl is not installed');
    return;
  }
  const decoded = decodeCertificates(readFileSync(join(dir, 'b.p12')));
  rmSync(dir, { recursive: true, force: true });
  assert.equal(decoded.certificates.length, 0);
  assert.deepEqual(decoded.others, { pkcs12: 1 });
  assert.match(explainNoCertificate(decoded), /PKCS#12 .* openssl pkcs12 -in FILE -nokeys/);
});

test('problems never quote the input', () => {
  const secret = pemBody(leaf.keyPem);
  for (const [, input] of BAD) {
    const text = explainNoCertificate(decodeCertificates(input()));
    assert.ok(!text.includes(secret.slice(10, 40)));
  }
  const mixed = decodeCertificates(
    `${leaf.keyPem}-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n`,
  );
  assert.ok(!mixed.problems.join(' ').includes(secret.slice(10, 40)));
});
