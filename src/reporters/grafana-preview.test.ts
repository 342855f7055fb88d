/** The dashboard preview page: units as Grafana prints them, legends, gaps, merged tables, errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dashboard, Panel } from '@grafana/schema';
import type { DashboardPreview, PreviewTarget } from '../analyzers/dashboards/preview.ts';
import { formatUnit, legendName, renderDashboardPreview } from './grafana-preview.ts';

test('units: IEC bytes, percentunit, dollars, seconds, short', () => {
  assert.equal(formatUnit(1536, 'bytes'), '1.5 KiB');
  assert.equal(formatUnit(20.8 * 2 ** 30, 'bytes'), '20.8 GiB');
  assert.equal(formatUnit(0.256, 'percentunit'), '25.6%');
  assert.equal(formatUnit(1204.2, 'currencyUSD'), '$1,204');
  assert.equal(formatUnit(642.223, 'currencyUSD'), '$642.22');
  assert.equal(formatUnit(0.004, 's'), '4 ms');
  assert.equal(formatUnit(5.08, 's'), '5.08 s');
  assert.equal(formatUnit(1796, 's'), '29.9 min');
  assert.equal(formatUnit(134_220_000, 'short'), '134.22 Mil');
  assert.equal(formatUnit(Number.NaN, 'short'), 'NaN');
});

const target = (over: Partial<PreviewTarget>): PreviewTarget => ({
  refId: 'A',
  expr: 'up',
  legend: '__auto',
  instant: false,
  series: [],
  ...over,
});

test('legends: {{label}} templates, __auto as the labels without __name__, the query when none', () => {
  const series = { labels: { __name__: 'x', namespace: 'shop', pod: 'a' }, times: [], values: [] };
  assert.equal(legendName(series, target({ legend: '{{namespace}} used' })), 'shop used');
  assert.equal(legendName(series, target({})), 'namespace="shop", pod="a"');
  assert.equal(legendName({ labels: {}, times: [], values: [] }, target({ expr: 'sum(up)' })), 'sum(up)');
});

function page(panels: Array<{ panel: Panel; targets: PreviewTarget[] }>): string {
  const dashboard: Dashboard = {
    uid: 'd',
    title: 'D <1>',
    schemaVersion: 39,
    panels: panels.map((p) => p.panel),
  };
  const preview: DashboardPreview = {
    dashboard,
    start: new Date(0),
    end: new Date(600_000),
    step: 60,
    variables: { namespace: 'shop' },
    panels,
  };
  return renderDashboardPreview(preview);
}

const panel = (type: string, unit = 'short'): Panel =>
  ({
    id: 1,
    type,
    title: `${type} panel`,
    gridPos: { x: 0, y: 0, w: 12, h: 8 },
    fieldConfig: { defaults: { unit }, overrides: [] },
  }) as Panel;

test('a missing step breaks the line; a lone point is a dot', () => {
  const html = page([
    {
      panel: panel('timeseries'),
      targets: [
        target({
          series: [{ labels: { a: '1' }, times: [0, 60, 120, 360, 420, 600], values: [1, 2, 3, 4, 5, 6] }],
        }),
      ],
    },
  ]);
  const d = /class="series" d="([^"]+)"/.exec(html)?.[1] ?? '';
  assert.equal(d.split('M').length - 1, 3, d);
  assert.equal((html.match(/<circle /g) ?? []).length, 1);
});

test('a table merges the queries by label set into Value #A and Value #B', () => {
  const html = page([
    {
      panel: panel('table', 'bytes'),
      targets: [
        target({ refId: 'A', instant: true, series: [{ labels: { pod: 'a' }, times: [1], values: [1024] }] }),
        target({ refId: 'B', instant: true, series: [{ labels: { pod: 'a' }, times: [1], values: [2048] }] }),
      ],
    },
  ]);
  assert.match(html, /<th>pod<\/th><th>Value #A<\/th><th>Value #B<\/th>/);
  assert.match(html, /<td>a<\/td><td class="num">1 KiB<\/td><td class="num">2 KiB<\/td>/);
  assert.equal((html.match(/<td>a<\/td>/g) ?? []).length, 1);
});

test('errors and empty answers are said on the panel; text is escaped', () => {
  const html = page([
    { panel: panel('stat'), targets: [target({ error: 'bad_data: parse error at <here>' })] },
    { panel: panel('bargauge'), targets: [target({})] },
  ]);
  assert.match(html, /class="panel failed"[\s\S]*A: bad_data: parse error at &#60;here&#62;/);
  assert.match(html, /class="panel empty"[\s\S]*No data/);
  assert.match(html, /<title>D &#60;1&#62; — hindsight preview<\/title>/);
  assert.doesNotMatch(html, /<script/);
});
