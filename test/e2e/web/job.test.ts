/**
 * The reproduce job's page is live (issue 11, "the reproduce job: Table 1 and the checks, as in the
 * report, filling in as runs finish"): over a record whose plan (<out>/experiments/shapeset.json) has
 * two configurations × two learning rates, one run still training, the page shows the finished
 * configuration's cell as the report writes it (selected on validation) and the other as waiting;
 * when the last run ends, its cell fills in without a reload — in real Chromium against glorot serve.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openRunStore, type RunStore } from '../../../src/store/index.ts';
import { type Browser, launch } from './browser.ts';
import { type Served, serve } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'glorot-web-job-'));
let store: RunStore;
let server: Served;
let browser: Browser;

/** A run of the plan whose last point has these final validation and test errors (%). */
function run(id: string, init: string, lr: number, validation: number, testError: number, finished: boolean): void {
  store.createRun({ id, config: { dataset: 'shapeset', hidden: [4, 4], activation: 'tanh', init, learningRate: lr, updates: 10 }, seed: 1,
    backend: 'reference', threads: 1, status: 'running' });
  store.recordProbePoint(id, 10, { evaluations: [{ split: 'validation', errorRate: validation, nll: 1, examples: 10 },
    { split: 'test', errorRate: testError, nll: 1, examples: 10 }] });
  if (finished) store.setStatus(id, 'finished');
}

before(async () => {
  mkdirSync(join(dir, 'experiments'));
  writeFileSync(join(dir, 'experiments', 'shapeset.json'), JSON.stringify({
    name: 'shapeset',
    base: { dataset: 'shapeset', hidden: [4, 4], updates: 10, validationSize: 10, testSize: 10 },
    variants: [{ label: 'Tanh', activation: 'tanh', init: 'standard' }, { label: 'Tanh N', activation: 'tanh', init: 'normalized' }],
    learningRates: [0.01, 0.1],
    seeds: [1],
  }));
  store = openRunStore(dir);
  run('shapeset-tanh-lr0.01-s1', 'standard', 0.01, 30, 31, true);
  run('shapeset-tanh-lr0.1-s1', 'standard', 0.1, 20, 22, true);
  run('shapeset-tanh-n-lr0.01-s1', 'normalized', 0.01, 10, 11, true);
  run('shapeset-tanh-n-lr0.1-s1', 'normalized', 0.1, 5, 6, false);
  server = await serve(dir);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('Table 1 fills in as the job\'s runs end, without a reload', async () => {
  const page = await browser.page();
  await page.goto(`${server.url}#/job`);
  const table = page.getByTestId('table1');
  await table.waitFor();
  const row = (label: string) => table.locator('tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^${label}$`) }) });
  const cells = async (label: string): Promise<string[]> => (await row(label).locator('td').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(await cells('Tanh'), ['22.00 (n=1)', '27.15', '0.1'], 'selected on validation (20 % < 30 %): its test error beside the paper\'s');
  assert.equal((await cells('Tanh N'))[0], '1 run to end');
  assert.match(await page.getByTestId('job-progress').innerText(), /3 of 4 planned runs ended/);
  assert.match(await page.getByTestId('job-note').innerText(), /1 of 4 planned runs have not ended/);
  const url = page.url();
  store.setStatus('shapeset-tanh-n-lr0.1-s1', 'finished');
  await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } })
    .document.querySelector('[data-testid=job-progress]')?.textContent.includes('4 of 4'), null, { timeout: 30_000 });
  const filled = await cells('Tanh N');
  assert.deepEqual([filled[0], filled[2]], ['6.00 (n=1)', '0.1']);
  assert.equal(await page.getByTestId('job-note').count(), 0, 'no note once every run has ended');
  assert.equal(page.url(), url);
  assert.ok((await page.getByTestId('checks').locator('tbody tr').count()) > 0, 'the checks are listed');
  assert.deepEqual(page.errors, []);
});
