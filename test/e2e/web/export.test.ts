/**
 * `glorot serve --export DIR` opens from file:// without a server, draws every view's charts from the
 * embedded data and stays interactive — hover values, layer toggles, the scrubber, compare (issue 11,
 * "A static snapshot"), in real Chromium. The record holds two real `glorot train` runs; "drawn"
 * means the chart's screenshot holds coloured pixels (the data's colours; axes, grid and text are grey).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, drawnPixels, launch } from './browser.ts';

/** The page's document, as the functions below use it inside the browser (the tests' tsconfig has no DOM). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };
import { SMALL, train } from './record.ts';
import { exportDashboard } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'glorot-web-snap-'));
let browser: Browser;
let url: string;
const RUN = 'snap-tanh';
const RUN2 = 'snap-tanh-std';

before(async () => {
  train([...SMALL, '--updates', '200', '--probe-interval', '100', '--run-id', RUN, '--out', join(dir, 'rec')]);
  // a probe point every 4 updates: 50 points and the early ones, more than the charts mark with dots
  train([...SMALL, '--updates', '200', '--probe-interval', '4', '--init', 'standard', '--run-id', RUN2, '--out', join(dir, 'rec')]);
  url = exportDashboard(join(dir, 'rec'), join(dir, 'site'));
  browser = await launch();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the run list opens from file:// and lists both runs, not live', async () => {
  const page = await browser.page();
  await page.goto(`${url}#/`);
  await page.locator(`tr[data-run="${RUN2}"]`).waitFor();
  assert.deepEqual(await page.locator('tr[data-run]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run'))), [RUN2, RUN]);
  assert.match(await page.getByTestId('connection').innerText(), /snapshot/);
  assert.deepEqual(page.errors, []);
});

test('one run: statistics, histograms, errors, saturation and theory charts are drawn', async () => {
  const page = await browser.page();
  await page.goto(`${url}#/run/${RUN}`);
  await page.getByTestId('run-id').waitFor();
  assert.equal(await page.getByTestId('run-id').innerText(), RUN);
  // probe points: 0, early ones, 100, 200
  const points = Number(await page.getByTestId('chart-mean').getAttribute('data-points'));
  assert.ok(points >= 3, `the statistics chart has ${points} probe points`);
  for (const id of ['chart-mean', 'chart-std', 'chart-steps', 'dist-1', 'chart-error', 'chart-saturation', 'chart-theory', 'chart-jacobian']) {
    const chart = page.getByTestId(id);
    await chart.scrollIntoViewIfNeeded();
    const { colored, total } = await drawnPixels(chart);
    // a line is ≈ 1.5 px × the plot's width; a distribution view fills most of its 150 px high plot
    const least = id.startsWith('dist-') ? 5000 : 400;
    assert.ok(colored > least, `${id}: ${colored} coloured pixels of ${total}: the chart is blank`);
  }
  assert.equal(await page.getByTestId('dist-1').getAttribute('data-columns'), String(points));
  assert.deepEqual(page.errors, []);
});

test('hover shows each layer\'s value at the probe point under the cursor; unticking a layer hides it', async () => {
  const page = await browser.page();
  await page.goto(`${url}#/run/${RUN}`);
  const chart = page.getByTestId('chart-mean');
  await chart.and(page.locator('[data-drawn]')).waitFor();
  const over = chart.locator('.u-over');
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
  const readout = chart.locator('.readout');
  await page.waitForFunction(() => /updates 200/.test(document.querySelector('[data-testid=chart-mean] .readout')?.textContent ?? ''));
  const before = await readout.innerText();
  assert.match(before, /layer 1 mean -?\d/, `the readout names layer 1 with its value: ${before}`);
  await page.getByTestId('layer-toggles').locator('[data-layer="1"] input').uncheck();
  await page.mouse.move(box.x + box.width - 3, box.y + box.height / 2);
  await page.waitForFunction(() => !/layer 1 mean/.test(document.querySelector('[data-testid=chart-mean] .readout')?.textContent ?? ''));
  assert.match(await readout.innerText(), /layer 2 mean -?\d/, 'the other layers stay');
  assert.deepEqual(page.errors, []);
});

test('dots mark the probe points only while few are in view, decided at every draw (zoomed in: dots)', async () => {
  const page = await browser.page();
  // count the circles uPlot draws (its points are Path2D arcs)
  await page.addInitScript(() => {
    const w = globalThis as unknown as { arcs: number; Path2D: { prototype: { arc(...a: unknown[]): void } } };
    w.arcs = 0;
    const arc = w.Path2D.prototype.arc;
    w.Path2D.prototype.arc = function (this: unknown, ...a: unknown[]) {
      w.arcs++;
      arc.apply(this, a);
    };
  });
  const arcs = (): Promise<number> => page.evaluate(() => (globalThis as unknown as { arcs: number }).arcs);
  await page.goto(`${url}#/run/${RUN2}`);
  const chart = page.getByTestId('chart-mean');
  await chart.and(page.locator('[data-drawn]')).waitFor();
  const points = Number(await chart.getAttribute('data-drawn'));
  assert.ok(points > 41, `${points} probe points`);
  await page.evaluate(() => ((globalThis as unknown as { arcs: number }).arcs = 0));
  const toggle = page.getByTestId('layer-toggles').locator('[data-layer="1"] input');
  await toggle.uncheck(); // redraws every chart
  await toggle.check();
  assert.equal(await arcs(), 0, `${points} points in view: no dots`);
  const box = (await chart.locator('.u-over').boundingBox())!;
  await page.mouse.move(box.x + box.width - 12, box.y + 10);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 2, box.y + 10, { steps: 3 });
  await page.mouse.up(); // drag to zoom onto the last few probe points
  await page.waitForFunction(() => (globalThis as unknown as { arcs: number }).arcs > 0);
  assert.deepEqual(page.errors, []);
});

test('the scrubber moves the step histogram to an earlier probe point', async () => {
  const page = await browser.page();
  await page.goto(`${url}#/run/${RUN}`);
  const panel = page.getByTestId('panel-histograms');
  await page.getByTestId('step-label').filter({ hasText: 'update 200' }).waitFor();
  await page.getByTestId('scrubber').fill('0');
  await page.getByTestId('step-label').filter({ hasText: 'update 0 ' }).waitFor();
  assert.equal(await panel.getAttribute('data-step'), '0');
  assert.deepEqual(page.errors, []);
});

test('compare overlays the two runs in the curve and the histogram', async () => {
  const page = await browser.page();
  await page.goto(`${url}#/compare?runs=${RUN},${RUN2}&stat=activation.std&layer=2`);
  const curve = page.getByTestId('compare-curve');
  await curve.locator('canvas').first().waitFor();
  await page.locator('[data-testid=compare-hist][data-series="2"]').waitFor();
  assert.equal(await curve.getAttribute('data-series'), '2');
  const { colored } = await drawnPixels(curve);
  assert.ok(colored > 300, `compare curve: ${colored} coloured pixels`);
  const hist = await drawnPixels(page.getByTestId('compare-hist'));
  assert.ok(hist.colored > 300, `compare histograms: ${hist.colored} coloured pixels`);
  assert.deepEqual(page.errors, []);
});
