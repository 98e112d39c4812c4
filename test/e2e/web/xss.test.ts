/**
 * User-controlled strings are text, never HTML (issue 11, "Bad input and security"): a run trained on
 * an image folder whose path and class folders are named `<img src=x onerror=alert(1)>` shows that
 * name as characters in the run list, the run view and its configuration — served live by
 * `glorot serve` and exported by `glorot serve --export` — and no dialog fires and no <img> element
 * is created, in real Chromium. test/unit/web/dom-safety.test.ts covers the whole kind (no
 * HTML-parsing API anywhere in web/src).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, launch } from './browser.ts';
import { imageFolder, train } from './record.ts';
import { exportDashboard, type Served, serve } from './server.ts';

const EVIL = '<img src=x onerror=alert(1)>';
const dir = mkdtempSync(join(tmpdir(), 'glorot-web-xss-'));
let browser: Browser;
let server: Served;

before(async () => {
  const folder = imageFolder(join(dir, EVIL), [EVIL, 'plain']);
  train(['--dataset', `folder:${folder}`, '--depth', '2', '--width', '8', '--updates', '40', '--probe-interval', '20', '--probe-size', '2',
    '--jacobian-examples', '0', '--run-id', 'xss', '--out', join(dir, 'rec')]);
  server = await serve(join(dir, 'rec'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function showsAsText(url: string): Promise<void> {
  const page = await browser.page();
  await page.goto(`${url}#/`);
  const row = page.locator('tr[data-run="xss"]');
  await row.waitFor();
  assert.ok((await row.innerText()).includes(EVIL), 'the run list shows the dataset name as text');
  await page.goto(`${url}#/run/xss`);
  await page.getByTestId('run-id').waitFor();
  await page.locator('details.config summary').click();
  const config = await page.getByTestId('config').innerText();
  assert.ok(config.includes(`folder:${join(dir, EVIL)}`), `the configuration shows the folder as text: ${config}`);
  assert.ok((await page.locator('.run-header').innerText()).includes(EVIL));
  await page.goto(`${url}#/compare?runs=xss,${encodeURIComponent(EVIL)}`);
  await page.getByTestId('compare-runs').waitFor();
  await page.waitForTimeout(300);
  assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
  assert.deepEqual(page.dialogs, [], 'no dialog fired');
  await page.close();
}

test('served live: a dataset path and class named <img src=x onerror=alert(1)> show as text', async () => {
  await showsAsText(server.url);
});

test('exported (file://): the same names show as text', async () => {
  await showsAsText(exportDashboard(join(dir, 'rec'), join(dir, 'site')));
});
