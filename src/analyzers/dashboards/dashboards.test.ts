/**
 * The generated dashboards' structure, against Grafana's published dashboard model
 * (`@grafana/schema`: the models are typed with it, so tsc rejects an unknown field; this checks
 * what the types cannot — ids, layout, variables, the datasource of every query), and the
 * series they ask for: hindsight's own only as docs/metrics.md documents them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Panel } from '@grafana/schema';
import { REPO_ROOT } from '../../../testenv/paths.ts';
import { dashboardConfigMaps, generateDashboards } from './generate.ts';
import { DATASOURCE, metricNames, substituteVariables } from './model.ts';

const dashboards = generateDashboards({ teamLabel: 'team' });

test('five dashboards, each of 6 to 12 panels, schemaVersion 39 or later, unique uids', () => {
  assert.equal(dashboards.length, 5);
  assert.equal(new Set(dashboards.map((d) => d.dashboard.uid)).size, 5);
  for (const { file, dashboard } of dashboards) {
    assert.equal(file, `${dashboard.uid}.json`);
    assert.ok((dashboard.schemaVersion ?? 0) >= 39, dashboard.title);
    const panels = dashboard.panels ?? [];
    assert.ok(panels.length >= 6 && panels.length <= 12, `${dashboard.title}: ${panels.length} panels`);
  }
});

test('variables: datasource (prometheus), then cluster, team and namespace reading it', () => {
  for (const { dashboard } of dashboards) {
    const list = dashboard.templating?.list ?? [];
    assert.deepEqual(
      list.map((v) => [v.name, v.type]),
      [
        ['datasource', 'datasource'],
        ['cluster', 'query'],
        ['team', 'query'],
        ['namespace', 'query'],
      ],
    );
    assert.equal(list[0]?.query, 'prometheus');
    for (const v of list.slice(1)) {
      assert.deepEqual(v.datasource, DATASOURCE);
      assert.equal(v.allValue, '.*');
    }
    assert.match(String(list[3]?.query), /label_team=~"\$team"/);
  }
  const other = generateDashboards({ teamLabel: 'app.kubernetes.io/part-of' });
  assert.match(
    String(other[0]?.dashboard.templating?.list?.[2]?.query),
    /label_app_kubernetes_io_part_of\)$/,
  );
});

test('panels: unique ids, on the 24-column grid without overlap, every query on the datasource variable', () => {
  for (const { dashboard } of dashboards) {
    const panels = (dashboard.panels ?? []) as Panel[];
    assert.equal(new Set(panels.map((p) => p.id)).size, panels.length);
    const cells = new Set<string>();
    for (const p of panels) {
      const g = p.gridPos;
      assert.ok(g && g.x >= 0 && g.x + g.w <= 24, `${p.title}: ${JSON.stringify(g)}`);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          assert.ok(!cells.has(`${x},${y}`), `${dashboard.title}/${p.title} overlaps at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
      assert.ok(p.title && p.description, 'every panel says what it shows');
      assert.ok((p.targets ?? []).length > 0, p.title);
      const refIds = (p.targets ?? []).map((q) => q.refId);
      assert.equal(new Set(refIds).size, refIds.length);
      for (const q of p.targets ?? []) {
        assert.deepEqual(q.datasource, DATASOURCE);
        assert.match(String(q.expr), /cluster=~"\$cluster"/, `${p.title}: filters on the cluster`);
      }
    }
  }
});

test("hindsight's own series in the dashboards are the ones docs/metrics.md documents", () => {
  const documented = readFileSync(join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
  for (const { dashboard } of dashboards)
    for (const p of (dashboard.panels ?? []) as Panel[])
      for (const q of p.targets ?? [])
        for (const name of metricNames(String(q.expr)).filter((n) => /^(hindsight|x509)_/.test(n)))
          assert.ok(
            documented.includes(`\`${name}\``),
            `${dashboard.title}/${p.title}: ${name} is not exported`,
          );
});

test('--configmaps: one ConfigMap per dashboard, labelled for the sidecar, holding the same JSON', () => {
  const maps = dashboardConfigMaps(dashboards, {
    namespace: 'monitoring',
    sidecarLabel: 'grafana_dashboard',
  });
  assert.equal(maps.length, dashboards.length);
  for (const [i, map] of maps.entries()) {
    const { file, dashboard } = dashboards[i] as (typeof dashboards)[number];
    assert.equal(map.metadata.namespace, 'monitoring');
    assert.equal(map.metadata.labels?.grafana_dashboard, '1');
    const data = map.data as Record<string, string>;
    assert.deepEqual(JSON.parse(data[file] as string), JSON.parse(JSON.stringify(dashboard)));
  }
});

test('every panel query is PromQL once its variables are substituted, and reads some metric', () => {
  let queries = 0;
  for (const { dashboard } of dashboards)
    for (const p of (dashboard.panels ?? []) as Panel[])
      for (const q of p.targets ?? []) {
        const names = metricNames(String(q.expr)); // throws on a parse error or an unknown variable
        assert.ok(names.length > 0, `${dashboard.title}/${p.title}: reads no metric`);
        queries++;
      }
  assert.ok(queries >= 40, `${queries} queries`);
});

test("Grafana's variable forms are substituted; an undefined one is an error, a capture group is left", () => {
  const values = { cluster: 'eks-1', namespace: 'a|b' };
  assert.equal(
    substituteVariables(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a template.
      'rate(x{cluster="$cluster", namespace=~"${namespace:regex}"}[$__rate_interval])',
      values,
    ),
    'rate(x{cluster="eks-1", namespace=~"a|b"}[5m])',
  );
  assert.equal(substituteVariables('x{cluster="[[cluster]]"}', values), 'x{cluster="eks-1"}');
  assert.equal(
    substituteVariables('label_replace(x, "a", "$1", "b", "(.+)")', values),
    'label_replace(x, "a", "$1", "b", "(.+)")',
  );
  assert.throws(() => substituteVariables('x{team="$team"}', values), /\$team has no value/);
  assert.throws(() => metricNames('sum(x{a="b"}'), /does not parse/);
  assert.deepEqual(
    metricNames('sum by (namespace) (rate(a_total{namespace=~"$namespace"}[$__rate_interval])) / on() b'),
    ['a_total', 'b'],
  );
});
