/**
 * Alarms in the run list (issue 11, "Views": a run that diverged or a layer that saturated or died is
 * flagged in the run list), in real Chromium against `glorot serve`: a diverged run is flagged when
 * the page opens; a layer of a training run that saturates is flagged live, without a reload, when
 * the trainer commits that probe point; the "with alarms" filter keeps exactly the flagged runs. The
 * record is written through the store's real writer (a training process's connection), the way the
 * serve tests plant a state that a short real run cannot reach on purpose. The rules themselves are
 * tested in test/unit/serve (src/serve/alarms.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ScalarRecord } from '../../../src/core/metrics.ts';
import { acquireRunLock, openRunStore, type RunStore } from '../../../src/store/index.ts';
import { type Browser, launch } from './browser.ts';
import { type Served, serve } from './server.ts';

/** The page's document, as the functions below use it inside the browser (the tests' tsconfig has no DOM). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const dir = mkdtempSync(join(tmpdir(), 'glorot-web-alarms-'));
const LIVE = 'live-tanh';
const DIVERGED = 'relu-lr10';
const HEALTHY = 'tanh-ok';
let writer: RunStore;
let unlock: () => void;
let server: Served;
let browser: Browser;

/** The scalars of a probe point of a 2-hidden-layer tanh net, layer 2's fraction of saturated units `top`. */
function scalars(top: number): ScalarRecord[] {
  return [1, 2].flatMap((layer) => [
    { layer, name: 'activation.std' as const, value: 0.4 },
    { layer, name: 'activation.saturated' as const, value: layer === 2 ? top : 0.01 },
  ]);
}

before(async () => {
  writer = openRunStore(dir);
  const config = (activation: string): Record<string, unknown> => ({ dataset: 'shapeset', activation, init: 'normalized', hidden: [8, 8], updates: 100 });
  writer.createRun({ id: HEALTHY, config: config('tanh'), seed: 1, backend: 'reference', threads: 1, status: 'running' });
  writer.recordProbePoint(HEALTHY, 0, { scalars: scalars(0.02) });
  writer.setStatus(HEALTHY, 'finished');
  writer.createRun({ id: DIVERGED, config: config('relu'), seed: 1, backend: 'reference', threads: 1, status: 'running' });
  writer.recordProbePoint(DIVERGED, 0, { scalars: scalars(0.02) });
  writer.setStatus(DIVERGED, 'diverged', 'loss became NaN at update 3');
  writer.createRun({ id: LIVE, config: config('tanh'), seed: 1, backend: 'reference', threads: 1, status: 'running' });
  unlock = acquireRunLock(dir, LIVE); // held by this process, alive: the run is training, not stale
  writer.recordProbePoint(LIVE, 0, { scalars: scalars(0.02) });
  server = await serve(dir);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  unlock?.();
  writer?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a diverged run is flagged; a layer that saturates while the page is open is flagged without a reload', async () => {
  const page = await browser.page();
  await page.goto(server.url);
  const row = (id: string) => page.locator(`tr[data-run="${id}"]`);
  await row(LIVE).waitFor();
  const url = page.url();
  assert.deepEqual(await row(DIVERGED).getByTestId('alarm').allInnerTexts(), ['diverged']);
  assert.equal(await row(DIVERGED).getByTestId('alarm').getAttribute('title'), 'loss became NaN at update 3');
  assert.match((await row(DIVERGED).getAttribute('class')) ?? '', /has-alarm/);
  for (const id of [HEALTHY, LIVE]) assert.equal(await row(id).getByTestId('alarm').count(), 0, `${id} has no alarm yet`);

  writer.recordProbePoint(LIVE, 10, { scalars: scalars(0.9) });
  await page.waitForFunction((id) => document.querySelector(`tr[data-run="${id}"] [data-testid=alarm]`)?.textContent === 'saturated L2', LIVE,
    { timeout: 30_000 });
  assert.equal(await row(LIVE).getByTestId('alarm').getAttribute('title'), "90% of layer 2's units saturated (f′ < 0.1·max) at update 10");
  assert.equal(page.url(), url, 'no navigation happened');

  await page.locator('.controls select').selectOption('alarms');
  assert.deepEqual(await page.locator('tr[data-run]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run'))), [LIVE, DIVERGED]);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(page.dialogs, []);
});
