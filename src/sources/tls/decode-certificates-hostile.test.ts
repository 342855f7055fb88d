/**
 * Certificate bytes found by bench/fuzz.ts to crash what came after decoding, and other hostile
 * shapes: each is decoded into problems, never into an exception or a certificate that later
 * steps cannot handle.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueCertificate } from '../../testing/test-pki.ts';
import { decodeCertificates } from './decode-certificates.ts';

test('a certificate whose notAfter OpenSSL cannot read is a problem, not a certificate (fuzz seed 1, input 254)', () => {
  // The fuzz-ca certificate with one base64 character changed in the validity: "Bad time value".
  const pem = [
    '-----BEGIN CERTIFICATE-----',
    'MIIBVTCB/KADAgECAgIQATAKBggqhkjOPQQDAjASMRAwDgYDVQQDEwdmdXp6LWNh',
    'MB4XDTI2MDEwMTAwMDAwMFoXDTI3MNAwMTAwMDAwMFowEjEQMA4GA1UEAxMHZnV6',
    'ei1jYTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABOwzIyC01xzdoTE9rr4znvA2',
    'ZG8SaKy97D9tHtVn3WAiWGrhogZ6cAuhY8WHLGaBSi3WXhuQZP728+PS7gro4Xij',
    'QjBAMA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFFqDnWXbVRR5qScl4d982rRh',
    'Z5C1MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQDAgNIADBFAiEAss6KI6bEsBrv',
    'QvyJgQgC1YhqkoJ2g4UcMpXyG3buJQ4zIHdnnwz43HP2rTktJrCDVVe5hdim8Xz5',
    'ozjJ/hWzOBmz',
    '-----END CERTIFICATE-----',
  ].join('\n');
  const decoded = decodeCertificates(pem);
  assert.equal(decoded.certificates.length, 0);
  assert.deepEqual(decoded.problems, [
    'certificate 1: not a valid X.509 certificate (its validity dates cannot be read)',
  ]);
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  assert.deepEqual(decodeCertificates(der).problems, [
    'not a valid DER certificate (its validity dates cannot be read)',
  ]);
});

test('twelve thousand DER certificates back to back are all read, without exhausting the stack', async () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const cert = await issueCertificate({
    cn: 'many',
    notBefore: t0,
    notAfter: new Date('2027-01-01T00:00:00Z'),
  });
  const decoded = decodeCertificates(Buffer.concat(Array.from({ length: 12_000 }, () => cert.der)));
  assert.equal(decoded.certificates.length, 12_000);
  assert.deepEqual(decoded.problems, []);
});
