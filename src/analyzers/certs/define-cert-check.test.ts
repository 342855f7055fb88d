import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyDiscovery } from '../../sources/tls/discovery.ts';
import { analyzeCertificates, DEFAULT_ANALYSIS_OPTIONS } from './analysis.ts';
import { defineCertCheck } from './define-cert-check.ts';
import { runCertChecks } from './run-cert-checks.ts';

test('a message id the check does not declare fails to compile, and fails the check at run time', () => {
  const typo = defineCertCheck({
    id: 'test-typo',
    category: 'certificates',
    severity: 'low',
    lesson: 'certificate-expiry',
    title: 'test',
    messages: { found: 'found {name}' },
    run(ctx) {
      const subject = { ref: { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'tls' } };
      ctx.report({ subject, messageId: 'found', data: { name: 'tls' } });
      // @ts-expect-error `fonud` is not a key of `messages`: tsc rejects the call (this line is the proof).
      ctx.report({ subject, messageId: 'fonud', data: {} });
      return 1;
    },
  });
  const analysis = analyzeCertificates(emptyDiscovery(), {
    ...DEFAULT_ANALYSIS_OPTIONS,
    now: new Date('2026-06-01T00:00:00Z'),
  });
  // The runner still guards checks whose ids escaped the compiler (a cast, plain JavaScript).
  const result = runCertChecks(analysis, [typo]);
  assert.deepEqual(result.findings.map((f) => [f.ruleId, f.messageId ?? f.message]).sort(), [
    [
      'internal-error',
      'check test-typo failed: check test-typo reported unknown message fonud. The other checks went on; please report this.',
    ],
    ['test-typo', 'found'],
  ]);
});
