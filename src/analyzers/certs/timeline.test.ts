import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { type CertificateLocation, emptyDiscovery } from '../../sources/tls/discovery.ts';
import { daysFrom, issueCertificate } from '../../testing/test-pki.ts';
import { analyzeCertificates, DEFAULT_ANALYSIS_OPTIONS } from './analysis.ts';
import { buildTimeline, renderTimeline } from './timeline.ts';

const NOW = new Date('2026-06-01T00:00:00Z');

test('a long timeline lists what matters and counts routine application certificates per month', async () => {
  const ca = await issueCertificate({
    cn: 'kubernetes',
    notBefore: daysFrom(NOW, -10),
    notAfter: daysFrom(NOW, 3650),
    isCa: true,
  });
  const discovery = emptyDiscovery();
  const add = (pem: string, location: CertificateLocation): void => {
    discovery.certificates.push({ location, index: 0, count: 1, certificate: new X509Certificate(pem) });
  };
  add(ca.pem, { kind: 'file', path: '/etc/kubernetes/pki/ca.crt' });
  const keys = ca.keys;
  for (let i = 0; i < 45; i++) {
    // 44 routine certificates in 2027-01 and one that expires in 10 days.
    const leaf = await issueCertificate({
      cn: `app-${i}`,
      notBefore: daysFrom(NOW, -10),
      notAfter: i === 0 ? daysFrom(NOW, 10) : daysFrom(new Date('2027-01-01T00:00:00Z'), i % 28),
      issuer: ca,
      keys,
    });
    add(leaf.pem, { kind: 'file', path: `/srv/apps/app-${i}.crt` });
  }
  const analysis = analyzeCertificates(discovery, { ...DEFAULT_ANALYSIS_OPTIONS, now: NOW });
  const entries = buildTimeline(analysis);
  assert.equal(entries.length, 46);
  const compact = renderTimeline(entries, { now: NOW, color: false, compact: true });
  assert.match(compact, /^Timeline: 46 certificates \(1 control-plane critical\)/);
  assert.match(compact, /2026-06\n {9}2026-06-11 +10d {2}certificate file "app-0"/);
  assert.match(compact, /2027-01\n {9}\+ 44 other application certificates\n/);
  assert.match(
    compact,
    /2036-05\n {4}!! {3}2036-05-29 +10\.0y {2}Kubernetes cluster CA "kubernetes" +pki\/ca\.crt/,
  );
  const full = renderTimeline(entries, { now: NOW, color: false, compact: false });
  assert.equal(full.split('\n').filter((l) => /certificate file "app-/.test(l)).length, 45);
  const colored = renderTimeline(entries, { now: NOW, color: true, compact: true });
  const yellow = colored.split('\n').find((l) => l.includes('"app-0"')) ?? '';
  assert.ok(yellow.startsWith('\u001b[33m'), 'a certificate inside --warn is yellow');
});
