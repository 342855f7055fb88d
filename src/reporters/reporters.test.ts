import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../testenv/paths.ts';
import { runCli } from '../testing/run-cli.ts';

const require = createRequire(import.meta.url);
const example = join(REPO_ROOT, 'examples', 'repo');
const env = { HOME: '/nonexistent-home', HINDSIGHT_NOW: '2026-11-12T10:00:00Z' };

/** The official SARIF 2.1.0 schema (draft-04), validated with ajv 6 as Microsoft's own matcher does. */
function sarifValidator(): (data: unknown) => string[] {
  const Ajv = require('ajv');
  const ajv = new Ajv({ schemaId: 'auto', validateSchema: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
  const validate = ajv.compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
  return (data) =>
    validate(data)
      ? []
      : (validate.errors ?? []).map(
          (e: { dataPath: string; message: string }) => `${e.dataPath} ${e.message}`,
        );
}

test('SARIF output is valid SARIF 2.1.0 with stable rule ids and file locations', async () => {
  const run = await runCli(['scan', '-o', 'sarif', example], { env, cwd: REPO_ROOT });
  const sarif = JSON.parse(run.stdout);
  assert.deepEqual(sarifValidator()(sarif), []);
  const results = sarif.runs[0].results as {
    ruleId: string;
    ruleIndex: number;
    locations: { physicalLocation?: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
  }[];
  assert.ok(results.length > 0);
  const rules = sarif.runs[0].tool.driver.rules as { id: string }[];
  for (const r of results) {
    assert.equal(rules[r.ruleIndex]?.id, r.ruleId, 'ruleIndex points at the rule');
    const loc = r.locations[0]?.physicalLocation;
    assert.ok(loc, 'file location');
    assert.ok(!loc.artifactLocation.uri.startsWith('/'), 'uri is relative to the working directory');
    assert.ok((loc.region?.startLine ?? 0) > 0, 'has a line');
  }
});

test('SARIF lines point at the offending field, not just the document', async () => {
  const run = await runCli(['scan', '-o', 'sarif', example], { env, cwd: REPO_ROOT });
  const sarif = JSON.parse(run.stdout);
  const { readFileSync } = await import('node:fs');
  const rootFinding = sarif.runs[0].results.find(
    (r: { ruleId: string; message: { text: string } }) =>
      r.ruleId === 'container-runs-as-root' && r.message.text.includes('runAsUser is 0'),
  );
  assert.ok(rootFinding, 'the example has a container with runAsUser: 0');
  const loc = rootFinding.locations[0].physicalLocation;
  const line = readFileSync(join(REPO_ROOT, decodeURIComponent(loc.artifactLocation.uri)), 'utf8').split(
    '\n',
  )[loc.region.startLine - 1];
  assert.match(line ?? '', /runAsUser:\s*0/);
});

test('JUnit output is well-formed with one suite per rule', async () => {
  const run = await runCli(['scan', '-o', 'junit', example], { env, cwd: REPO_ROOT });
  assert.match(run.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  const suites = run.stdout.match(/<testsuite /g)?.length ?? 0;
  const closes = run.stdout.match(/<\/testsuite>/g)?.length ?? 0;
  assert.ok(suites > 0);
  assert.equal(suites, closes);
  assert.match(run.stdout, /<failure type="(critical|high|medium|low|info)"/);
  const total = Number(/<testsuites [^>]*failures="(\d+)"/.exec(run.stdout)?.[1]);
  assert.equal(total, run.stdout.match(/<failure /g)?.length);
});

test('all formats in one run: stdout plus --report files', async () => {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-reports-'));
  const run = await runCli(
    [
      'scan',
      example,
      '--no-summary',
      '--report',
      'sarif=out.sarif',
      '--report',
      'junit=out.xml',
      '--report',
      'markdown=out.md',
      '--report',
      'json=out.json',
      '--report',
      'yaml=out.yaml',
    ],
    { env, cwd: dir },
  );
  assert.equal(run.code, 0, run.stderr);
  const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
  assert.equal(
    json.findings.length,
    JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')).runs[0].results.length,
  );
  assert.match(readFileSync(join(dir, 'out.md'), 'utf8'), /^## hindsight scan/);
  assert.match(readFileSync(join(dir, 'out.yaml'), 'utf8'), /^tool:/m);
  assert.match(run.stdout, /\d+ findings: /);
});

test('--fail-on gates the exit code on severity', async () => {
  const high = await runCli(['scan', '-o', 'json', '--fail-on', 'high', example], { env });
  assert.equal(high.code, 1);
  const critical = await runCli(
    [
      'scan',
      '-o',
      'json',
      '--fail-on',
      'critical',
      join(REPO_ROOT, 'src/rules/container-runs-as-root/fixtures/valid'),
    ],
    { env },
  );
  assert.equal(critical.code, 0);
  const bad = await runCli(['scan', '--report', 'pdf=x.pdf', example], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /expected FORMAT=FILE/);
});
