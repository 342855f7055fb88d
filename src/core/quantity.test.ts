import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatCpu, parseQuantity } from './quantity.ts';

test('parseQuantity reads the apimachinery grammar', () => {
  const cases: [string | number, number | undefined][] = [
    ['500m', 0.5], // millicores
    ['2', 2], // whole cores
    ['1.5', 1.5], // decimal cores
    ['0.1', 0.1],
    ['128Mi', 128 * 2 ** 20], // binary suffix
    ['1Gi', 2 ** 30],
    ['1G', 1e9], // decimal suffix
    ['129e6', 129e6], // exponent
    ['1E3', 1000], // upper-case exponent
    ['250u', 250e-6],
    ['+3', 3],
    ['.5', 0.5],
    [4, 4], // numbers pass through (YAML `cpu: 4`)
    ['', undefined], // empty
    ['1 Gi', undefined], // space inside
    ['1GB', undefined], // not a suffix Kubernetes knows
    ['abc', undefined],
  ];
  for (const [input, expected] of cases) {
    const got = parseQuantity(input);
    if (expected === undefined) assert.equal(got, undefined, String(input));
    else assert.ok(got !== undefined && Math.abs(got - expected) < 1e-12, `${input}: ${got}`);
  }
});

test('formatCpu and formatBytes print what kubectl users read', () => {
  assert.equal(formatCpu(0.25), '250m');
  assert.equal(formatCpu(4), '4');
  assert.equal(formatCpu(15.891), '15.89');
  assert.equal(formatCpu(0), '0');
  assert.equal(formatBytes(512 * 2 ** 20), '512Mi');
  assert.equal(formatBytes(1.5 * 2 ** 30), '1.5Gi');
  assert.equal(formatBytes(100), '100');
});
