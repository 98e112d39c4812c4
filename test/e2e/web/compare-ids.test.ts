/**
 * The compare view's run ids come from the URL, so they are user input (issue 11 attack, finding 11):
 * an id the record does not hold gets a chip saying so (it had a chip and no message), and an id
 * given twice is one run (duplicates counted towards the 20-run cap) — in real Chromium.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, launch } from './browser.ts';
import { SMALL, train } from './record.ts';
import { type Served, serve } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'glorot-web-cmpids-'));
let server: Served;
let browser: Browser;

before(async () => {
  train([...SMALL, '--updates', '40', '--probe-interval', '20', '--run-id', 'real', '--out', dir]);
  server = await serve(dir);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('compare: an unknown id is named as missing, a repeated id is one run', async () => {
  const page = await browser.page();
  await page.goto(`${server.url}#/compare?runs=real,real,ghost,real`);
  const chips = page.getByTestId('compare-runs').locator('.chip');
  await page.getByTestId('compare-problem').waitFor();
  assert.deepEqual(await chips.evaluateAll((cs) => cs.map((c) => c.getAttribute('data-run'))), ['real', 'ghost']);
  assert.equal(await page.locator('.chip[data-run="ghost"]').getByTestId('compare-problem').innerText(), 'no run "ghost" in the record');
  assert.equal(await page.locator('.chip[data-run="real"]').getByTestId('compare-problem').count(), 0);
  assert.match(page.url(), /runs=real%2Cghost|runs=real,ghost/, 'the link keeps each run once');
  // the API's 404 for the unknown run is the only error the page met
  assert.deepEqual(page.errors.filter((e) => !/HTTP 404 .*\/api\/runs\/ghost|404 \(Not Found\)/.test(e)), []);
});
