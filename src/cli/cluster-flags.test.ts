import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../testing/run-cli.ts';
import { parseTimeout } from './cluster-flags.ts';

// Each row: --request-timeout as typed, and milliseconds (undefined: refused).
const TIMEOUTS: [string, number | undefined][] = [
  ['30s', 30_000],
  ['2m', 120_000],
  ['500ms', 500],
  ['1m30s', 90_000], // Go's duration pairs, as kubectl takes them
  ['1.5s', 1500],
  ['45', 45_000], // a bare number is seconds, as in kubectl
  ['0', 0], // no limit
  ['0s', 0],
  ['', undefined],
  ['ten', undefined],
  ['30d', undefined], // days are no request timeout
  ['-1s', undefined],
];
for (const [text, ms] of TIMEOUTS) {
  test(`--request-timeout ${JSON.stringify(text)} → ${ms}`, () => assert.equal(parseTimeout(text), ms));
}

test('every live command documents the connection flags and their defaults', async () => {
  for (const command of ['scan', 'snapshot', 'certs', 'cost']) {
    const help = (await runCli([command, '--help'])).stdout.replace(/\s+/g, ' ');
    assert.match(help, /--kubeconfig <file>/, command);
    assert.match(help, /--context <name>/, command);
    assert.match(help, /-n, --namespace <name>/, command);
    assert.match(help, /--request-timeout <duration> .*0 = none.* \(default: "60s"\)/, command);
    assert.match(help, /--exec-timeout <duration> .* \(default: "10s"\)/, command);
  }
  const cost = (await runCli(['cost', '--help'])).stdout.replace(/\s+/g, ' ');
  assert.match(cost, /--prometheus-max-response-size <size> .* \(default: "128Mi"\)/);
  assert.match(cost, /--prometheus-concurrency <n> .* \(default: "2"\)/);
});

test('a malformed timeout or size is a usage error (exit 2) naming the flag', async () => {
  for (const [argv, message] of [
    [['scan', '--request-timeout', 'soon'], /--request-timeout soon: expected a duration such as 30s/],
    [['snapshot', '--exec-timeout', '1d'], /--exec-timeout 1d: expected a duration/],
    [['certs', '--request-timeout', 'x', 'nothing-here'], /--request-timeout x/],
    [
      ['cost', '--prometheus-max-response-size', 'lots'],
      /--prometheus-max-response-size lots: expected a size/,
    ],
    [
      ['cost', '--prometheus-concurrency', '0'],
      /--prometheus-concurrency 0: expected a whole number from 1 to 64/,
    ],
  ] as const) {
    const run = await runCli([...argv], { env: { HOME: '/nonexistent-home' } });
    assert.equal(run.code, 2, `${argv.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});
