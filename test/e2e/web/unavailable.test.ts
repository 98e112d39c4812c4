/**
 * A record that breaks under an open page (issue 11, "Bad input": a missing or corrupt glorot.sqlite
 * gives a clear message naming the file): the page, never reloaded, shows the server's error naming
 * the file while the record is gone, and when it is back hides it and reads the runs again — in real
 * Chromium against `glorot serve`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, launch } from './browser.ts';
import { SMALL, train } from './record.ts';
import { type Served, serve } from './server.ts';

/** The page's document, as the functions below use it inside the browser (the tests' tsconfig has no DOM). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const dir = mkdtempSync(join(tmpdir(), 'glorot-web-gone-'));
const out = join(dir, 'out');
const file = join(out, 'glorot.sqlite');
let server: Served;
let browser: Browser;

before(async () => {
  train([...SMALL, '--updates', '40', '--probe-interval', '20', '--run-id', 'kept', '--out', out]);
  copyFileSync(file, join(dir, 'good.sqlite'));
  server = await serve(out);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the record deleted under an open page: its error names the file, the old data is dimmed, a new cause replaces the first; restored: the page reads it again', async () => {
  const page = await browser.page();
  await page.goto(server.url);
  await page.locator('tr[data-run="kept"]').waitFor();
  await page.getByTestId('connection').filter({ hasText: 'live' }).waitFor();
  const url = page.url();
  unlinkSync(file);
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  const banner = page.getByTestId('unavailable');
  await banner.waitFor({ state: 'visible', timeout: 30_000 });
  assert.ok((await banner.innerText()).includes(file), `the banner names the file: ${await banner.innerText()}`);
  assert.match(await page.getByTestId('connection').innerText(), /unavailable/);
  assert.match(await page.locator('main').getAttribute('class') ?? '', /\bstale\b/, 'the run list read before is dimmed');
  assert.match(await banner.innerText(), /What is shown below is as last read/);
  // another cause at the same path (a FIFO, which once froze the server): the banner follows it
  assert.equal(spawnSync('mkfifo', [file]).status, 0);
  await page.waitForFunction(() => /named pipe \(FIFO\)/.test(document.querySelector('[data-testid=unavailable]')?.textContent ?? ''), undefined, { timeout: 30_000 });
  unlinkSync(file);
  copyFileSync(join(dir, 'good.sqlite'), file);
  await banner.waitFor({ state: 'hidden', timeout: 30_000 });
  assert.doesNotMatch(await page.locator('main').getAttribute('class') ?? '', /\bstale\b/);
  await page.locator('tr[data-run="kept"]').waitFor();
  assert.match(await page.getByTestId('connection').innerText(), /live/);
  assert.equal(page.url(), url, 'no reload');
  assert.deepEqual(page.dialogs, []);
});
