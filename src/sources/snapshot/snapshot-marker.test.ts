import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../testing/run-cli.ts';
import { snapshotMetadata, snapshotProblem } from './snapshot-marker.ts';

const env = { HOME: '/nonexistent-home', HINDSIGHT_NOW: '2026-11-12T10:00:00Z' };

const items = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'api-0', namespace: 'payments' },
    spec: { containers: [{ name: 'api', image: 'api:1.0' }] },
    status: { phase: 'Running' },
  },
];

function snapshotFile(list: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hindsight-snap-')), 'snap.json');
  writeFileSync(file, JSON.stringify(list));
  return file;
}

const takenAt = new Date('2026-11-12T09:00:00Z');

test('a complete snapshot reads as complete; a List without a record is a plain List', () => {
  const whole = { metadata: snapshotMetadata({ objects: 2, takenAt, source: 'prod', errors: [] }) };
  assert.equal(snapshotProblem(whole, 2), undefined);
  assert.equal(snapshotProblem({ metadata: {} }, 2), undefined);
  assert.equal(snapshotProblem({}, 0), undefined);
});

test('a partial snapshot says so, with what could not be read when it was taken', () => {
  const partial = {
    metadata: snapshotMetadata({
      objects: 2,
      takenAt,
      source: 'prod',
      errors: ['prod: not allowed to list secrets: skipped (results are partial)'],
    }),
  };
  assert.match(
    snapshotProblem(partial, 2) ?? '',
    /^partial snapshot \(taken 2026-11-12T09:00:00.000Z\).*not allowed to list secrets/,
  );
});

test('a snapshot that lost objects after it was written is incomplete', () => {
  const cut = { metadata: snapshotMetadata({ objects: 8000, takenAt, source: 'prod', errors: [] }) };
  assert.match(snapshotProblem(cut, 1000) ?? '', /written with 8000 objects but holds 1000/);
});

test('scan and cost of a partial snapshot are partial too: exit 3 with the reason', async () => {
  const file = snapshotFile({
    apiVersion: 'v1',
    kind: 'List',
    metadata: snapshotMetadata({
      objects: 2,
      takenAt,
      source: 'prod',
      errors: ['prod: cannot reach the API server'],
    }),
    items,
  });
  const scan = await runCli(['scan', '-o', 'json', file], { env });
  assert.equal(scan.code, 3, scan.stderr);
  assert.match(scan.stderr, /partial snapshot .*cannot reach the API server/);
  const report = JSON.parse(scan.stdout) as { inputs: { objects: number; errors: string[] } };
  assert.equal(report.inputs.objects, 2, 'what the snapshot holds is still scanned');
  assert.match(report.inputs.errors.join('\n'), /partial snapshot/);
  const cost = await runCli(['cost', '-o', 'json', file], { env });
  assert.equal(cost.code, 3, cost.stderr);
  assert.match(cost.stderr, /partial snapshot/);
});

test('scan of a snapshot cut short is partial; of a whole one, not', async () => {
  const cut = snapshotFile({
    apiVersion: 'v1',
    kind: 'List',
    metadata: snapshotMetadata({ objects: 23055, takenAt, source: 'prod', errors: [] }),
    items,
  });
  const run = await runCli(['scan', '-o', 'json', cut], { env });
  assert.equal(run.code, 3);
  assert.match(run.stderr, /written with 23055 objects but holds 2/);
  const whole = snapshotFile({
    apiVersion: 'v1',
    kind: 'List',
    metadata: snapshotMetadata({ objects: 2, takenAt, source: 'prod', errors: [] }),
    items,
  });
  const ok = await runCli(['scan', '-o', 'json', whole], { env });
  assert.notEqual(ok.code, 3, ok.stderr);
});
