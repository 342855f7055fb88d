import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY_MS, describeDistance, formatDuration, parseDuration } from './duration.ts';

// Each row: text as written (by a user, kubeadm or cert-manager) and milliseconds.
const PARSED: [string, number | undefined][] = [
  ['30d', 30 * DAY_MS],
  ['12h', 12 * 3_600_000],
  ['2w', 14 * DAY_MS],
  ['2y', 730 * DAY_MS],
  ['1y30d', 395 * DAY_MS],
  ['8760h0m0s', 365 * DAY_MS], // kubeadm's Go duration
  ['2160h', 90 * DAY_MS], // cert-manager's default spec.duration
  ['1.5h', 90 * 60_000],
  ['5s', 5000],
  ['0', 0],
  ['30', undefined], // a bare number: days or seconds? refused
  ['soon', undefined],
  ['', undefined],
  ['3d-', undefined],
];
for (const [text, ms] of PARSED) {
  test(`parseDuration(${JSON.stringify(text)}) = ${ms}`, () => {
    assert.equal(parseDuration(text), ms);
  });
}

test('formatDuration picks the largest whole unit, never weeks', () => {
  assert.equal(formatDuration(730 * DAY_MS), '2y');
  assert.equal(formatDuration(7 * DAY_MS), '7d');
  assert.equal(formatDuration(36 * 3_600_000), '36h');
  assert.equal(formatDuration(5000), '5s');
  assert.equal(formatDuration(400.4 * DAY_MS), '400d');
});

test('describeDistance says how far, in the past or the future', () => {
  assert.equal(describeDistance(3 * DAY_MS), 'in 3 days');
  assert.equal(describeDistance(-3 * DAY_MS), '3 days ago');
  assert.equal(describeDistance(5 * 3_600_000), 'in 5 hours');
  assert.equal(describeDistance(800 * DAY_MS), 'in 2.2 years');
  assert.equal(describeDistance(-30_000), '1 minute ago');
});
