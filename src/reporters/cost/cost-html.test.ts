/**
 * The HTML cost report in a real headless Chromium: it loads from a file with no other request,
 * logs no error, draws the three charts with bars proportional to the numbers, and escapes
 * names. The text renderers are checked on the same report.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { CostReport } from '../../analyzers/cost/cost-report.ts';
import { renderCostHtml } from './cost-html.ts';
import { renderCostMarkdown, renderCostTable } from './cost-text.ts';

const GiB = 2 ** 30;

function sampleReport(): CostReport {
  const line = (name: string, monthly: number, cpuRequested: number, cpuUsed: number) => ({
    name,
    monthly,
    cpuRequested,
    memoryRequested: cpuRequested * 4 * GiB,
    cpuUsed,
    memoryUsed: cpuUsed * 3 * GiB,
  });
  return {
    tool: { name: 'hindsight', version: '0.0.0-test' },
    generatedAt: '2026-11-01T00:00:00.000Z',
    target: 'prod <eu>',
    currency: 'USD',
    partial: ['namespace batch: Prometheus timed out'],
    now: {
      monthly: 10_000,
      nodes: 20,
      unpricedNodes: [],
      idleMonthly: 2_500,
      cpu: { requested: 120, used: 40, allocatable: 160 },
      memory: { requested: 480 * GiB, used: 200 * GiB, allocatable: 640 * GiB },
    },
    byNamespace: [
      line('payments', 4000, 50, 10),
      line('search', 2000, 30, 20),
      line('<script>alert(1)</script>', 500, 5, 1),
    ],
    byTeam: [line('core', 6000, 80, 30), line('growth', 3000, 30, 8), line('data', 1000, 10, 2)],
    byWorkload: [],
    rightsizing: {
      strategy: 'hindsight',
      containers: [
        {
          namespace: 'payments',
          kind: 'Deployment',
          workload: 'api',
          container: 'api',
          replicas: 3,
          current: { cpuRequest: 2, memoryRequest: 4 * GiB, memoryLimit: 4 * GiB },
          recommended: { cpuRequest: 0.5, memoryRequest: 1 * GiB, memoryLimit: 1.5 * GiB },
          monthlyDelta: -300,
          confidence: 'high',
          reasons: [],
        },
      ],
      monthlySavings: 3000,
      backtest: [
        {
          strategy: 'hindsight',
          oomRisk: 0,
          memoryOverRequest: 0.004,
          cpuOverRequest: 0.03,
          requestedMonthly: 5000,
          slack: 0.3,
          containers: 10,
        },
        {
          strategy: 'krr-simple',
          oomRisk: 0.001,
          memoryOverRequest: 0.001,
          cpuOverRequest: 0.04,
          requestedMonthly: 4800,
          slack: 0.28,
          containers: 10,
        },
      ],
    },
    spot: {
      safe: 12,
      onDemandOnly: 3,
      movable: [],
      monthlySavings: 2000,
      discount: 'spot at 65% off on-demand',
    },
    nodeMix: {
      currentMonthly: 10_000,
      currentNodes: 20,
      planMonthly: 4_100,
      lowerBoundMonthly: 4_000,
      ratio: 1.025,
      nodes: [{ instanceType: 'm7g.2xlarge', capacityType: 'spot', count: 8, monthlyEach: 300 }],
      unplaced: [],
      consolidation: [],
    },
    waterfall: [
      { label: 'now', monthly: 10_000, saving: 0, safety: 'as running' },
      { label: 'node mix', monthly: 8_000, saving: 2_000, safety: 'plan within 2.5% of the lower bound' },
      { label: 'right-sizing', monthly: 5_000, saving: 3_000, safety: 'OOM risk 0.000% in backtest' },
      { label: 'spot', monthly: 4_100, saving: 900, safety: '12 spot-safe workloads' },
    ],
    generated: [],
  };
}

test('text and Markdown renderings carry the totals, the savings steps and the backtest', () => {
  const report = sampleReport();
  const text = renderCostTable(report);
  assert.match(text, /\$10,000\/month on 20 nodes/);
  assert.match(text, /right-sizing\s+\$5,000\s+\$3,000/);
  assert.match(text, /PARTIAL: namespace batch/);
  assert.match(text, /krr-simple/);
  const md = renderCostMarkdown(report);
  assert.match(md, /^# hindsight cost/);
  assert.match(md, /\| spot \| \$4,100 \| \$900 \|/);
});

test('the HTML report renders in headless Chromium: self-contained, three charts, proportional bars, escaped names', async (t) => {
  const executablePath = process.env.HINDSIGHT_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    if (process.env.HINDSIGHT_TESTENV === 'off') return t.skip('no Chromium and HINDSIGHT_TESTENV=off');
    assert.fail(
      `Chromium not found at ${executablePath}: run testenv/ensure.sh (installs Debian's chromium) or set HINDSIGHT_CHROMIUM`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-html-'));
  const file = join(dir, 'cost.html');
  writeFileSync(file, renderCostHtml(sampleReport()));
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [pathToFileURL(file).href], 'nothing but the page itself is loaded');
    assert.equal(await page.title(), 'hindsight cost — prod <eu>');

    for (const id of ['chart-waterfall', 'chart-teams', 'chart-cpu', 'chart-memory']) {
      const box = await page.locator(`#${id} svg`).boundingBox();
      assert.ok(box && box.width > 100 && box.height > 50, `${id} is drawn`);
    }
    // Team bars are proportional to cost: core (6000) is twice growth (3000), six times data.
    const widths = await page.$$eval('#chart-teams rect', (rects) =>
      rects.map((r) => Number(r.getAttribute('width'))),
    );
    assert.equal(widths.length, 3);
    const [core, growth, data] = widths as [number, number, number];
    assert.ok(Math.abs(core / growth - 2) < 0.01 && Math.abs(core / data - 6) < 0.05, `widths ${widths}`);
    // The waterfall: now, three savings, and the result.
    assert.equal(await page.locator('#chart-waterfall g.bar').count(), 5);
    assert.equal(await page.locator('#chart-waterfall g.saving').count(), 3);
    // Requested and used bars, one pair per namespace.
    assert.equal(await page.locator('#chart-cpu rect.requested').count(), 3);
    assert.equal(await page.locator('#chart-cpu rect.used').count(), 3);
    // A namespace name with markup is text, not a script.
    assert.equal(await page.locator('script').count(), 0);
    assert.ok((await page.textContent('body'))?.includes('<script>alert(1)</script>'));
    const shot = await page.screenshot({ fullPage: true });
    assert.ok(shot.length > 10_000, 'the screenshot has content');
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
