import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../core/finding.ts';
import { renderDashboard } from '../reporters/dashboard.ts';
import { Trend } from './trend.ts';

const finding = (severity: Finding['severity']): Finding => ({
  ruleId: 'r',
  category: 'security',
  severity,
  ref: { apiVersion: 'v1', kind: 'Pod', namespace: 'a', name: 'p' },
  message: 'm',
});
const at = (minute: number) => new Date(Date.UTC(2026, 11, 3, 0, minute));

test('the trend spans the whole run: full, it halves its resolution and keeps the first and the newest', () => {
  const trend = new Trend(8);
  for (let i = 0; i < 20; i++) trend.add(at(i), i, []);
  const points = trend.points();
  assert.ok(points.length <= 8, `${points.length} points`);
  assert.equal(points[0]?.score, 0);
  assert.equal(points[points.length - 1]?.score, 19);
  assert.deepEqual(
    points.map((p) => p.score),
    [...points.map((p) => p.score)].sort((a, b) => a - b),
  );
});

test('a run of equal evaluations is its first and last point; counts are by severity', () => {
  const trend = new Trend();
  trend.add(at(0), 90, [finding('high')]);
  for (let i = 1; i <= 5; i++) trend.add(at(i), 80, [finding('high'), finding('critical')]);
  const points = trend.points();
  assert.deepEqual(
    points.map((p) => [p.at.getUTCMinutes(), p.score]),
    [
      [0, 90],
      [1, 80],
      [5, 80],
    ],
  );
  assert.equal(points[1]?.counts.critical, 1);
  assert.equal(points[1]?.counts.high, 1);
});

test('the overview draws the trend since the first evaluation, with the change in each count', () => {
  const trend = new Trend();
  trend.add(at(0), 90, [finding('high')]);
  trend.add(at(10), 70, [finding('high'), finding('critical'), finding('critical')]);
  const page = renderDashboard(
    {
      ready: true,
      score: 70,
      findings: [],
      certificates: [],
      rules: new Map(),
      trend: trend.points(),
      now: at(10),
    },
    '/',
  );
  assert.match(page.html, /<h2>Since 2026-12-03T00:00:00\.000Z<\/h2>/);
  assert.match(page.html, /<polyline [^>]*points="4\.0,[\d.]+ 596\.0,[\d.]+"/);
  assert.match(
    page.html,
    /<tr><td>score<\/td><td class="n">90<\/td><td class="n">70<\/td><td class="n">-20<\/td><\/tr>/,
  );
  assert.match(
    page.html,
    /<tr><td>critical<\/td><td class="n">0<\/td><td class="n">2<\/td><td class="n">\+2<\/td><\/tr>/,
  );
  const once = renderDashboard(
    {
      ready: true,
      score: 70,
      findings: [],
      certificates: [],
      rules: new Map(),
      trend: trend.points().slice(0, 1),
      now: at(10),
    },
    '/',
  );
  assert.doesNotMatch(once.html, /<h2>Since/);
});
