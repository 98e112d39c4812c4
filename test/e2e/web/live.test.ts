/**
 * The dashboard is live (issue 11, "Real parts"): a real `glorot train` run writes probe points while
 * `glorot serve` serves the record; the page, opened once and never reloaded, draws a probe point
 * that was committed after it opened, while the run is still training — in the run view, the run
 * list and the compare view (the live run overlaid on a finished one) — in real Chromium.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { type Browser, drawnPixels, launch } from './browser.ts';
import { SMALL, startTrain, train } from './record.ts';
import { type Served, serve } from './server.ts';

/** The page's document, as the functions below use it inside the browser (the tests' tsconfig has no DOM). */
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null; textContent: string | null } | null };

const dir = mkdtempSync(join(tmpdir(), 'glorot-web-live-'));
const RUN = 'live-tanh';
const DONE = 'done-tanh-std';
let training: ChildProcess;
let server: Served;
let browser: Browser;

before(async () => {
  // a finished run to compare the live one with
  train([...SMALL, '--updates', '400', '--probe-interval', '200', '--init', 'standard', '--run-id', DONE, '--out', dir]);
  // a 3 × 16 net, a probe point every 2,000 updates (≈ 0.5 s apart on a quiet machine); 400,000 updates
  // (≈ 100 s) so that it is surely still training when the last test asserts it; after() stops it
  training = startTrain([...SMALL, '--updates', '400000', '--probe-interval', '2000', '--run-id', RUN, '--out', dir]);
  for (let i = 0; i < 600 && !existsSync(join(dir, 'glorot.sqlite')); i++) await sleep(100);
  server = await serve(dir);
  browser = await launch();
});
after(async () => {
  training?.kill('SIGTERM');
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a probe point committed while the page is open is drawn without a reload, while the run trains', async () => {
  const page = await browser.page();
  await page.goto(`${server.url}#/run/${RUN}`);
  const chart = page.getByTestId('chart-mean');
  await chart.and(page.locator('[data-drawn]')).waitFor({ timeout: 60_000 });
  const first = Number(await chart.getAttribute('data-drawn'));
  const url = page.url();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=chart-mean]')?.getAttribute('data-drawn')) > n, first, { timeout: 60_000 });
  const status = await page.getByTestId('status').first().innerText();
  assert.equal(training.exitCode, null, 'the run was still training when the new point was drawn');
  assert.equal(status, 'running');
  assert.equal(page.url(), url, 'no navigation happened');
  assert.ok(Number(await chart.getAttribute('data-drawn')) > first);
  const latest = Number(await page.getByTestId('latest-update').getAttribute('data-updates'));
  assert.ok(latest > 0, `the header follows: latest update ${latest}`);
  const { colored } = await drawnPixels(chart);
  assert.ok(colored > 400, `the live chart is drawn: ${colored} coloured pixels`);
  assert.match(await page.getByTestId('connection').innerText(), /live/);
  assert.deepEqual(page.errors, []);
});

test('the run list shows the run training, its progress moving', async () => {
  const page = await browser.page();
  await page.goto(server.url);
  const row = page.locator(`tr[data-run="${RUN}"]`);
  await row.waitFor();
  const before = await row.locator('.sub').innerText();
  await page.waitForFunction(([id, text]) => document.querySelector(`tr[data-run="${id}"] .sub`)?.textContent !== text,
    [RUN, before] as const, { timeout: 60_000 });
  assert.equal(training.exitCode, null, 'still training');
  assert.deepEqual(page.errors, []);
});

test('compare overlays the training run and a finished one, and the overlay grows while the run trains', async () => {
  const page = await browser.page();
  await page.goto(`${server.url}#/compare?runs=${RUN},${DONE}&stat=activation.std&layer=1`);
  const curve = page.getByTestId('compare-curve');
  await curve.and(page.locator('[data-series="2"][data-drawn]')).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=compare-hist][data-series="2"]').waitFor({ timeout: 60_000 });
  const first = Number(await curve.getAttribute('data-drawn'));
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=compare-curve]')?.getAttribute('data-drawn')) > n, first,
    { timeout: 60_000 });
  assert.equal(training.exitCode, null, 'still training');
  const { colored } = await drawnPixels(curve);
  assert.ok(colored > 300, `both runs' curves are drawn: ${colored} coloured pixels`);
  assert.deepEqual(page.errors, []);
});
