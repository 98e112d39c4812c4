/**
 * A record in a directory the server cannot write (issue 11 attack, finding 5: SQLITE_READONLY_DIRECTORY)
 * is served, read as an immutable file, and the page and the command say so — in real Chromium.
 * Directory permissions do not bind root, so as root the server runs as `nobody` (setpriv).
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { get } from '../../helpers/serve.ts';
import { type Browser, launch } from './browser.ts';
import { SMALL, train } from './record.ts';
import { type Served, serve } from './server.ts';

const root = mkdtempSync(join(tmpdir(), 'glorot-web-ro-'));
const dir = join(root, 'out');
const RUN = 'ro-tanh';
let server: Served;
let browser: Browser;

before(async () => {
  chmodSync(root, 0o755);
  train([...SMALL, '--updates', '200', '--probe-interval', '100', '--run-id', RUN, '--out', dir]);
  chmodSync(dir, 0o555);
  const asOther = process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : [];
  server = await serve(dir, 60_000, asOther);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  chmodSync(dir, 0o755);
  rmSync(root, { recursive: true, force: true });
});

test('the record is served as an immutable file, and the command, the API and the page say so', async () => {
  assert.match(server.output(), new RegExp(`record ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/glorot\\.sqlite, read as an immutable file: its directory cannot be written`));
  const runs = await get(server.url, '/api/runs');
  assert.equal(runs.status, 200, runs.body);
  assert.equal(runs.headers['x-glorot-record-mode'], 'immutable');
  assert.equal(existsSync(join(dir, 'glorot.sqlite-shm')), false, 'nothing written beside the record');
  const page = await browser.page();
  await page.goto(`${server.url}#/`);
  await page.locator(`tr[data-run="${RUN}"]`).waitFor();
  const note = page.getByTestId('record-mode');
  await note.waitFor({ state: 'visible' });
  assert.match(await note.innerText(), /The record is read as an immutable file: its directory cannot be written/);
  assert.deepEqual(page.errors, []);
});
