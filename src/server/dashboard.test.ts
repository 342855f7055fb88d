/**
 * The dashboard of `serve` in headless Chromium, against the real test platform: every page
 * renders, every link on it leads to a page that renders, nothing is loaded from anywhere but
 * the server, no console errors; a bearer token, when set, guards it. Screenshots are written
 * to a temporary directory named in the test's diagnostics.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { requirePlatform } from '../../testenv/harness.ts';
import { HindsightServer } from './serve.ts';

test('the dashboard: every page and every link on it renders, self-contained, no console errors', {
  timeout: 180_000,
}, async (t) => {
  const state = requirePlatform(t);
  if (!state) return;
  const executablePath = process.env.HINDSIGHT_CHROMIUM ?? '/usr/bin/chromium';
  assert.ok(existsSync(executablePath), `Chromium not found at ${executablePath}: run testenv/ensure.sh`);
  const work = mkdtempSync(join(tmpdir(), 'hindsight-dashboard-'));
  const server = new HindsightServer({
    watch: { env: { KUBECONFIG: state.kubeconfig, HOME: work } },
    host: '127.0.0.1',
    port: 0,
    cluster: 'test',
    token: 'let-me-in',
    version: '0.0.0-test',
  });
  t.after(() => server.stop());
  const { url } = await server.start();
  for (;;) {
    if ((await fetch(`${url}/readyz`)).status === 200) {
      const m = await (await fetch(`${url}/metrics`)).text();
      if (/hindsight_certificates_last_read_timestamp_seconds(\{[^}]*\})? [1-9]/.test(m)) break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The token guards the pages and the API, not health or metrics.
  assert.equal((await fetch(`${url}/`)).status, 401);
  assert.equal((await fetch(`${url}/api/findings`)).status, 401);
  assert.equal((await fetch(`${url}/metrics`)).status, 200);

  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  t.after(() => browser.close());
  const context = await browser.newContext({ extraHTTPHeaders: { authorization: 'Bearer let-me-in' } });
  const page = await context.newPage();
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(url)) foreign.push(r.url());
  });

  // Crawl from the overview: every page linked from a visited page, once (JSON aside).
  const seen = new Set<string>();
  const queue = ['/'];
  const titles: string[] = [];
  while (queue.length > 0 && seen.size < 60) {
    const path = queue.shift() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    const response = await page.goto(url + path);
    assert.equal(response?.status(), 200, `${path} answers 200`);
    titles.push(await page.title());
    assert.ok((await page.locator('h1').count()) === 1, `${path} has a heading`);
    if (seen.size <= 6) await page.screenshot({ path: join(work, `page-${seen.size}.png`), fullPage: true });
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const link of links)
      if (link.startsWith('/') && !link.startsWith('/api/') && !seen.has(link)) queue.push(link);
  }
  t.diagnostic(`${seen.size} pages; screenshots in ${work}`);
  assert.deepEqual(errors, []);
  assert.deepEqual(foreign, []);
  for (const kind of ['/namespaces', '/certificates'])
    assert.ok(seen.has(kind), `${kind} is linked from the pages`);
  assert.ok(
    [...seen].some((p) => p.startsWith('/rules/')),
    'a rule page is linked',
  );
  assert.ok(
    [...seen].some((p) => p.startsWith('/objects/')),
    'an object page is linked',
  );
  assert.ok(
    titles.every((title) => title.endsWith('— hindsight — test')),
    titles.join(', '),
  );
  // The overview counts what the exporter counts.
  const overview = await (await fetch(`${url}/`, { headers: { authorization: 'Bearer let-me-in' } })).text();
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const critical = metrics
    .split('\n')
    .filter((l) => l.startsWith('hindsight_findings{') && l.includes('severity="critical"'))
    .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  assert.match(overview, new RegExp(`<b class="critical">${critical}</b>critical`));
  assert.equal((await page.goto(`${url}/no/such/page`))?.status(), 404);
});
