/**
 * `hindsight dashboard PATHS`: the example repository scanned once, its pages served on loopback
 * as `serve` serves them, until SIGTERM; crawled in headless Chromium.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from '../../../testenv/paths.ts';
import { until } from '../../testing/until.ts';

test('hindsight dashboard of files: every linked page renders, then SIGTERM stops it with exit 0', {
  timeout: 120_000,
}, async (t) => {
  const executablePath = process.env.HINDSIGHT_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    if (process.env.HINDSIGHT_TESTENV === 'off') return t.skip('no Chromium and HINDSIGHT_TESTENV=off');
    assert.fail(`Chromium not found at ${executablePath}: run testenv/ensure.sh`);
  }
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'src', 'cli', 'bin.ts'),
      'dashboard',
      join(REPO_ROOT, 'examples', 'repo'),
      '--listen',
      '127.0.0.1:0',
    ],
    { env: { ...process.env, HINDSIGHT_NOW: '2026-11-12T10:00:00Z' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await until(
    'the dashboard',
    30_000,
    async () => /the dashboard is at (http:\/\/\S+?)\//.exec(stderr)?.[1],
  );
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const seen = new Set<string>();
    const queue = ['/'];
    while (queue.length > 0 && seen.size < 40) {
      const path = queue.shift() as string;
      if (seen.has(path)) continue;
      seen.add(path);
      assert.equal((await page.goto(url + path))?.status(), 200, path);
      for (const link of await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href') ?? '')))
        if (link.startsWith('/') && !link.startsWith('/api/') && !seen.has(link)) queue.push(link);
    }
    assert.deepEqual(errors, []);
    assert.ok(
      [...seen].some((p) => p.startsWith('/objects/Deployment/checkout/')),
      [...seen].join(' '),
    );
    assert.match(stderr, /\d+ objects, \d+ findings/);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, stderr);
});
