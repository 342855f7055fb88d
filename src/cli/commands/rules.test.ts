/**
 * `hindsight rules` and `hindsight explain` cover every check, scan rules and certificate checks
 * alike; an exemption or config entry naming a certificate check is valid for `scan` too, and a
 * typo in the config is a warning rather than silence.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CERT_CHECKS } from '../../analyzers/certs/registry.ts';
import { ALL_RULES } from '../../rules/registry.ts';
import { runCli } from '../../testing/run-cli.ts';
import { CATALOG } from '../catalog.ts';

test('rules lists every scan rule and certificate check once, with the command that runs it', async () => {
  const run = await runCli(['rules', '-o', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const listed = JSON.parse(run.stdout) as { id: string; command: string }[];
  assert.equal(listed.length, ALL_RULES.length + CERT_CHECKS.length);
  assert.equal(new Set(listed.map((r) => r.id)).size, listed.length, 'ids are unique across commands');
  assert.equal(listed.find((r) => r.id === 'certificate-expiry-cliff')?.command, 'certs');
  assert.equal(listed.find((r) => r.id === 'container-runs-as-root')?.command, 'scan');

  const certsOnly = await runCli(['rules', '--command', 'certs']);
  assert.match(certsOnly.stdout, /certificate-expired/);
  assert.doesNotMatch(certsOnly.stdout, /container-runs-as-root/);
  assert.match(certsOnly.stdout, new RegExp(`${CERT_CHECKS.length} checks`));
});

test('explain prints the lesson and README of a certificate check as of a scan rule', async () => {
  for (const id of ['certificate-validity-mismatch', 'container-runs-as-root']) {
    const run = await runCli(['explain', id]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^${id} — `));
    assert.match(run.stdout, /Lesson: /);
    assert.match(run.stdout, /## Fix/);
  }
  const typo = await runCli(['explain', 'certificate-expird']);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /did you mean: .*certificate-expired/);
});

test("explain prints a rule's options table, generated from its schema", async () => {
  const run = await runCli(['explain', 'node-ebs-attach-limit']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /## Options\n\n\| option \| type \| default \| description \|\n\|---\|---\|---\|---\|\n\| `warnPercent` \| number 1–100 \| `80` \| Report a node once/,
  );
});

test('every check has a README the catalog can read', () => {
  for (const check of CATALOG) assert.ok(check.readme(), `${check.id} has no README`);
});

test('scan accepts exemptions for certificate checks and warns about config entries naming no check', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-catalog-'));
  try {
    writeFileSync(
      join(dir, 'secret.yaml'),
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: legacy-tls',
        '  namespace: shop',
        '  annotations:',
        '    exempt.hindsight.dev/certificate-expiring: "replaced by the new ingress on 2026-12-01"',
        '    exempt.hindsight.dev/certificate-expird: "a typo"',
        'type: kubernetes.io/tls',
        'data: {}',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'config.yaml'),
      'rules:\n  certificate-expiring: off\n  run-as-rooot: off\nexemptions:\n  - rule: no-such-check\n    reason: x\n',
    );
    const run = await runCli([
      'scan',
      '-o',
      'json',
      '--config',
      join(dir, 'config.yaml'),
      join(dir, 'secret.yaml'),
    ]);
    const report = JSON.parse(run.stdout) as { findings: { rule: string; message: string }[] };
    const invalid = report.findings.filter((f) => f.rule === 'exemption-invalid').map((f) => f.message);
    assert.deepEqual(invalid, [
      'exemption for certificate-expird does not apply: no rule is called certificate-expird (see hindsight rules)',
    ]);
    assert.match(run.stderr, /rules\.run-as-rooot: no check is called run-as-rooot/);
    assert.match(run.stderr, /exemptions\[0\]\.rule: no check is called no-such-check/);
    assert.doesNotMatch(run.stderr, /certificate-expiring: no check/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
