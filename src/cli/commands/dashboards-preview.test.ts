/**
 * `hindsight dashboards preview` on real data, every page opened in headless Chromium: the kube
 * dashboards against the test platform's Prometheus (14 days of fixture history), hindsight's own
 * against a Prometheus scraping a real `serve` of the test platform (cost read from the fixture
 * history). A panel must be drawn wherever its series exist, and say "No data" where they do
 * not. Screenshots go to HINDSIGHT_SCREENSHOTS when set (for review), else to a temporary folder.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { Dashboard, Panel } from '@grafana/schema';
import { chromium } from 'playwright-core';
import { requirePlatform } from '../../../testenv/harness.ts';
import { REPO_ROOT } from '../../../testenv/paths.ts';
import { stopProcess } from '../../../testenv/processes.ts';
import { findPrometheus, type RunningPrometheus, startPrometheus } from '../../../testenv/prometheus.ts';
import { generateDashboards } from '../../analyzers/dashboards/generate.ts';
import { MATCH_ALL, metricNames, substituteVariables } from '../../analyzers/dashboards/model.ts';
import { dashboardRangeMs, previewStep } from '../../analyzers/dashboards/preview.ts';
import { HindsightServer } from '../../server/serve.ts';
import { until } from '../../testing/until.ts';

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'src', 'cli', 'bin.ts'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

async function names(prometheus: string): Promise<Set<string>> {
  const res = await fetch(`${prometheus}/api/v1/label/__name__/values`);
  return new Set(((await res.json()) as { data: string[] }).data);
}

/** What the page was drawn from: the Prometheus, the variables and the time range. */
interface Asked {
  prometheus: string;
  variables: Readonly<Record<string, string>>;
  end: Date;
  /** The range given with --range; each dashboard's own when absent. */
  rangeSeconds?: number;
}

/** How many series Prometheus answers a target with, asked as the preview asks it. */
async function seriesCount(
  asked: Asked,
  dashboard: Dashboard,
  target: Record<string, unknown>,
): Promise<number> {
  const query = substituteVariables(String(target.expr), asked.variables);
  const end = asked.end.getTime() / 1000;
  const range = asked.rangeSeconds ?? dashboardRangeMs(dashboard) / 1000;
  const params: Record<string, string> = target.instant
    ? { query, time: String(end) }
    : { query, start: String(end - range), end: String(end), step: String(previewStep(range)) };
  const res = await fetch(`${asked.prometheus}/api/v1/${target.instant ? 'query' : 'query_range'}`, {
    method: 'POST',
    body: new URLSearchParams(params),
  });
  return ((await res.json()) as { data: { result: unknown[] } }).data.result.length;
}

/** Opens every page of `dir` for `uids`, checks each panel against the series `present`. */
async function review(
  t: TestContext,
  asked: Asked,
  dir: string,
  uids: readonly string[],
  present: ReadonlySet<string>,
  shots: string,
): Promise<void> {
  const executablePath = process.env.HINDSIGHT_CHROMIUM ?? '/usr/bin/chromium';
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    for (const { dashboard } of generateDashboards({ teamLabel: 'team' })) {
      if (!uids.includes(String(dashboard.uid))) continue;
      await page.goto(`file://${join(dir, `${dashboard.uid}.html`)}`);
      await page.screenshot({ path: join(shots, `${dashboard.uid}.png`), fullPage: true });
      const drawn = await page.$$eval('section.panel', (sections) =>
        sections.map((s) => ({
          title: s.querySelector('h2')?.textContent ?? '',
          state: s.classList.contains('data') ? 'data' : s.classList.contains('empty') ? 'empty' : 'failed',
          marks:
            s.querySelectorAll('path.series[d^="M"]').length +
            [...s.querySelectorAll('.stat-value')].filter((v) => v.textContent !== 'No data').length +
            s.querySelectorAll('td').length +
            s.querySelectorAll('.bar-fill').length,
          text: s.textContent ?? '',
        })),
      );
      const panels = (dashboard.panels ?? []) as Panel[];
      assert.equal(drawn.length, panels.length, `${dashboard.uid}: one section per panel`);
      let withData = 0;
      const filtered: string[] = [];
      for (const [i, panel] of panels.entries()) {
        const shown = drawn[i] as (typeof drawn)[number];
        const where = `${dashboard.uid} / ${panel.title}`;
        assert.equal(shown.title, panel.title);
        assert.notEqual(shown.state, 'failed', `${where}: ${shown.text}`);
        const reads = (panel.targets ?? []).flatMap((target) => metricNames(String(target.expr)));
        if (reads.every((n) => present.has(n))) {
          // A stat always has a number where its series exist; any other panel may be filtered
          // down to nothing (no expiry cliffs today): then Prometheus itself must answer empty.
          if (shown.state === 'empty' && panel.type !== 'stat') {
            for (const target of panel.targets ?? [])
              assert.equal(
                await seriesCount(asked, dashboard, target as Record<string, unknown>),
                0,
                `${where} [${target.refId}]: Prometheus has data, the page says none`,
              );
            filtered.push(String(panel.title));
            continue;
          }
          assert.equal(shown.state, 'data', `${where}: no data although ${reads.join(', ')} exist`);
          assert.ok(shown.marks > 0, `${where}: nothing drawn`);
          withData++;
        } else if (reads.every((n) => !present.has(n))) {
          assert.equal(shown.state, 'empty', where);
          assert.match(shown.text, /No data/, where);
        }
      }
      t.diagnostic(
        `${dashboard.uid}: ${withData} of ${panels.length} panels drawn from data${filtered.length ? `; empty because Prometheus answers none: ${filtered.join(', ')}` : ''}`,
      );
      assert.ok(withData > 0, `${dashboard.uid}: no panel drawn from data`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
}

function screenshotDir(work: string): string {
  const dir = process.env.HINDSIGHT_SCREENSHOTS ?? join(work, 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

test('kube dashboards drawn from the fixture history', { timeout: 180_000 }, async (t) => {
  const state = requirePlatform(t, { prometheus: true });
  if (!state?.prometheus) return;
  const executablePath = process.env.HINDSIGHT_CHROMIUM ?? '/usr/bin/chromium';
  assert.ok(existsSync(executablePath), `Chromium not found at ${executablePath}: run testenv/ensure.sh`);
  const work = mkdtempSync(join(tmpdir(), 'hindsight-preview-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const out = join(work, 'pages');
  const { code, stderr } = await run([
    'dashboards',
    'preview',
    '--prometheus',
    state.prometheus.url,
    '--end',
    state.prometheus.historyEnd,
    '--var',
    'namespace=checkout',
    '-o',
    out,
  ]);
  // hindsight's own series are not in the fixture: those panels are empty, never failed.
  assert.equal(code, 0, stderr);
  assert.match(stderr, /Requests vs usage: \d+ panels with data, \d+ without, 0 failed/);
  assert.ok(existsSync(join(out, 'index.html')));
  await review(
    t,
    {
      prometheus: state.prometheus.url,
      variables: { ...MATCH_ALL, namespace: 'checkout' },
      end: new Date(state.prometheus.historyEnd),
    },
    out,
    ['hindsight-requests-vs-usage', 'hindsight-failure-families'],
    await names(state.prometheus.url),
    screenshotDir(work),
  );
});

test("hindsight's own dashboards drawn from a real serve, scraped by a real Prometheus", {
  timeout: 240_000,
}, async (t) => {
  const state = requirePlatform(t, { prometheus: true });
  if (!state?.prometheus) return;
  const fixture = state.prometheus;
  const work = mkdtempSync(join(tmpdir(), 'hindsight-preview-serve-'));
  let server: HindsightServer | undefined;
  let scraper: RunningPrometheus | undefined;
  t.after(async () => {
    await server?.stop();
    if (scraper) await stopProcess(scraper.process.pid);
    rmSync(work, { recursive: true, force: true });
  });
  // The fixture's history ends at historyEnd: serve's clock stands there, so cost reads 14 days of it.
  const end = new Date(fixture.historyEnd);
  server = new HindsightServer({
    watch: { env: { KUBECONFIG: state.kubeconfig, HOME: work } },
    host: '127.0.0.1',
    port: 0,
    cluster: 'test',
    version: '0.0.0-test',
    prometheus: { url: fixture.url },
    now: () => end,
  });
  const { url } = await server.start();
  scraper = await startPrometheus(findPrometheus(), work, join(work, 'tsdb'), {
    scrape: { job: 'hindsight', targets: [new URL(url).host] },
  });
  const prometheus = scraper.url;
  const present = await until('findings, certificates and cost scraped', 120_000, async () => {
    const have = await names(prometheus);
    return have.has('hindsight_findings') &&
      have.has('x509_cert_not_after') &&
      have.has('hindsight_cost_nodes_monthly_usd')
      ? have
      : undefined;
  });
  // A few more scrapes, so the time series have more than a point.
  await new Promise((r) => setTimeout(r, 5_000));
  const out = join(work, 'pages');
  const previewEnd = new Date();
  const { code, stderr } = await run([
    'dashboards',
    'preview',
    '--prometheus',
    prometheus,
    '--range',
    '2m',
    '--end',
    previewEnd.toISOString(),
    '-o',
    out,
  ]);
  assert.equal(code, 0, stderr);
  await review(
    t,
    { prometheus, variables: MATCH_ALL, end: previewEnd, rangeSeconds: 120 },
    out,
    ['hindsight-cost', 'hindsight-certificates', 'hindsight-findings'],
    await names(prometheus),
    screenshotDir(work),
  );
  assert.ok(present.has('hindsight_score'));
});

test('preview: a Prometheus that cannot be reached is one error naming it, exit 3', async () => {
  const work = mkdtempSync(join(tmpdir(), 'hindsight-preview-down-'));
  try {
    const { code, stderr } = await run([
      'dashboards',
      'preview',
      '--prometheus',
      'http://127.0.0.1:9',
      '--prometheus-timeout',
      '2s',
      '-o',
      work,
    ]);
    assert.equal(code, 3, stderr);
    assert.match(stderr, /^error: .*127\.0\.0\.1:9/m);
    assert.doesNotMatch(stderr, /panels with data/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('preview: a malformed --var is a usage error naming it', async () => {
  const { code, stderr } = await run([
    'dashboards',
    'preview',
    '--prometheus',
    'http://127.0.0.1:9',
    '--var',
    'nope',
    '-o',
    tmpdir(),
  ]);
  assert.equal(code, 2);
  assert.match(stderr, /--var nope: expected name=value/);
});
