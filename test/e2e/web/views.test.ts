/**
 * The dashboard's views as a fresh user found them (issue 11's fresh-user walk, notes
 * dash-fresh-findings.md), in real Chromium against `glorot serve` and its export: compare overlays
 * error curves under the vocabulary's labels, starts gradient statistics spanning decades on a log
 * axis, and draws each run's histogram from its nearest probe point ≤ U with the update in a visible
 * legend, listing runs not yet at U; the job view names the scale beside the paper's values and an
 * unfinished job's checks are pending, never "fail"; sigmoid's top layer near 0 is flagged and the
 * saturation panel names its rule; a gradient overlay rescales when the output layer is unticked; an
 * export says when it was taken and never shows a frozen run as live. The record is written through
 * the store's writer, to plant exactly these states (values as a paper-scale run shows them).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import type { EvaluationRecord, HistogramRecord, ScalarRecord } from '../../../src/core/metrics.ts';
import { openRunStore, type RunStore } from '../../../src/store/index.ts';
import { type Browser, drawnPixels, launch } from './browser.ts';
import { exportDashboard, type Served, serve } from './server.ts';

const dir = mkdtempSync(join(tmpdir(), 'glorot-web-views-'));
const SIG = 'sig';
const TANH = 'tanh';
const LATE = 'late';
let writer: RunStore;
let server: Served;
let browser: Browser;

/** A histogram of `layer` over [−r, r] (4 bins). */
function hist(tensor: HistogramRecord['tensor'], layer: number, r: number): HistogramRecord {
  return { layer, tensor, edges: Float64Array.from([-r, -r / 2, 0, r / 2, r]), counts: Float64Array.from([1, 4, 4, 1]), nan: 0, posInf: 0, negInf: 0 };
}

/**
 * One probe point of a 3-hidden-layer net: ∂C/∂s std `grad` in every layer, the top layer's mean
 * activation `top`, nothing saturated by the f′ rule; activation histograms of the hidden layers,
 * ∂C/∂s histograms with the output layer's range 30× the hidden layers' (Figs. 7–8).
 */
function point(grad: number, top: number, error: number): { scalars: ScalarRecord[]; histograms: HistogramRecord[]; evaluations: EvaluationRecord[] } {
  const scalars: ScalarRecord[] = [1, 2, 3].flatMap((layer) => [
    { layer, name: 'activation.mean' as const, value: layer === 3 ? top : 0.5 },
    { layer, name: 'activation.std' as const, value: 0.2 },
    { layer, name: 'activation.saturated' as const, value: 0 },
    { layer, name: 'backprop_grad.std' as const, value: grad },
  ]);
  const histograms = [1, 2, 3].map((l) => hist('activation', l, 1));
  histograms.push(...[1, 2, 3].map((l) => hist('backprop_grad', l, 0.029)), hist('backprop_grad', 4, 0.98));
  const evaluations = (['test', 'validation'] as const).map((split) => ({ split, errorRate: error, nll: 1, examples: 10 }));
  return { scalars, histograms, evaluations };
}

before(async () => {
  writer = openRunStore(dir);
  const config = (activation: string): Record<string, unknown> => ({ dataset: 'shapeset', activation, init: 'standard', hidden: [8, 8, 8], updates: 10_000 });
  // sigmoid: gradients ≈ 1e-11 (vanished), top layer driven to 0.045 (Fig. 2)
  writer.createRun({ id: SIG, config: config('sigmoid'), seed: 1, backend: 'reference', threads: 1, status: 'running' });
  for (const [u, top] of [[0, 0.5], [100, 0.2], [1000, 0.045]] as const) writer.recordProbePoint(SIG, u, point(1e-11, top, 80));
  writer.setStatus(SIG, 'finished');
  writer.createRun({ id: TANH, config: config('tanh'), seed: 1, backend: 'reference', threads: 1, status: 'running' });
  for (const u of [0, 100, 5000]) writer.recordProbePoint(TANH, u, point(0.03, 0.3, 40));
  writer.setStatus(TANH, 'finished');
  // a run whose records start at 8000 (its earlier points dropped): nothing to show at update 100
  writer.createRun({ id: LATE, config: config('tanh'), seed: 1, backend: 'reference', threads: 1, status: 'running' });
  writer.recordProbePoint(LATE, 8000, point(0.02, 0.3, 30));
  // the reproduce job's plan at quick scale, none of whose runs has ended
  mkdirSync(join(dir, 'experiments'));
  writeFileSync(join(dir, 'experiments', 'shapeset.json'), JSON.stringify({
    name: 'shapeset',
    base: { dataset: 'shapeset', hidden: [250, 250, 250, 250, 250], updates: 60_000, validationSize: 10, testSize: 10 },
    variants: [{ label: 'Sigmoid', activation: 'sigmoid', init: 'standard' }, { label: 'Tanh', activation: 'tanh', init: 'standard' }],
    learningRates: [0.03],
    seeds: [1],
  }));
  server = await serve(dir);
  browser = await launch();
});
// each test's page closes after it: a page's event stream holds one of the 6 connections Chromium
// allows per host, and a seventh page's reads would wait behind the six streams
afterEach(async () => {
  for (const p of browser.context.pages()) await p.close();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  writer?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('compare: error curves and every statistic under the run view\'s labels; a visible legend', async () => {
  const page = await browser.page();
  await page.goto(`${server.url}#/compare?runs=${SIG},${TANH},${LATE}&stat=activation.std&layer=1`);
  const stat = page.getByTestId('compare-stat');
  await stat.waitFor();
  const options = await stat.locator('option').evaluateAll((os) => os.map((o) => [o.getAttribute('value'), o.textContent]));
  const label = new Map(options.map(([v, t]) => [v, t]));
  assert.equal(label.get('evaluation.test.errorRate'), 'test error (%)');
  assert.equal(label.get('evaluation.validation.errorRate'), 'validation error (%)');
  assert.equal(label.get('activation.std'), 'activations z: std');
  assert.ok(options.every(([v, t]) => v !== t), 'no raw metric key as a label');
  await stat.selectOption('evaluation.test.errorRate');
  const curve = page.locator('[data-testid=compare-curve][data-series="3"][data-drawn]');
  await curve.waitFor();
  assert.ok((await drawnPixels(curve)).colored > 300, 'the test error curves are drawn');
  assert.match(await curve.locator('.chart-title').innerText(), /^test error \(%\), network/);
  // the legend is on the page, not only in the hover readout
  assert.deepEqual(await curve.getByTestId('legend').locator('.key').allInnerTexts(), [SIG, TANH, LATE]);
  assert.ok(await curve.getByTestId('legend').isVisible());
  assert.deepEqual(page.errors, []);
});

test('compare: a gradient statistic spanning decades starts on a log value axis; the toggle switches it', async () => {
  const page = await browser.page();
  await page.goto(`${server.url}#/compare?runs=${SIG},${TANH}&stat=backprop_grad.std&layer=2`);
  await page.locator('[data-testid=compare-curve][data-y-scale=log][data-drawn="4"]').waitFor();
  // the URL's layer, kept while the runs' details load (it fell back to layer 1)
  assert.match(await page.getByTestId('compare-curve').locator('.chart-title').innerText(), /^back-propagated ∂C\/∂s: std, layer 2 \(log axis\)/);
  assert.equal(await page.getByTestId('compare-layer').inputValue(), '2');
  const toggle = page.getByTestId('compare-log-y').locator('input');
  assert.equal(await toggle.isChecked(), true, 'sigmoid\'s 1e-11 beside tanh\'s 0.03');
  await toggle.uncheck();
  await page.locator('[data-testid=compare-curve][data-y-scale=linear][data-drawn]').waitFor();
  await page.getByTestId('compare-stat').selectOption('activation.std');
  await page.locator('[data-testid=compare-curve][data-y-scale=linear][data-drawn]').waitFor();
  assert.equal(await toggle.isChecked(), false, 'activations: linear');
  assert.deepEqual(page.errors, []);
});

test('compare histograms at update U: each run at its nearest point ≤ U, named in the legend; a run not yet at U is listed', async () => {
  const page = await browser.page();
  await page.goto(`${server.url}#/compare?runs=${SIG},${TANH},${LATE}&stat=activation.std&layer=1&tensor=activation`);
  const hist = page.getByTestId('compare-hist');
  const keys = () => hist.getByTestId('legend').locator('.key').allInnerTexts();
  // the latest point of all (8000): every run, each from its own latest point
  await page.locator('[data-hist-step="8000"]').waitFor();
  await page.locator('[data-testid=compare-hist][data-series="3"]').waitFor();
  assert.deepEqual(await keys(), [`${SIG} · update 1 000`, `${TANH} · update 5 000`, `${LATE} · update 8 000`].map((k) => k.replace(/ (\d{3})/g, '\u2009$1')));
  assert.equal(await page.getByTestId('compare-not-yet').isVisible(), false);
  // points of all runs: 0, 100, 1000, 5000, 8000 → index 1 is update 100
  await page.getByTestId('compare-scrubber').fill('1');
  await page.locator('[data-hist-step="100"]').waitFor();
  await page.locator('[data-testid=compare-hist][data-series="2"]').waitFor();
  assert.deepEqual(await keys(), [`${SIG} · update 100`, `${TANH} · update 100`]);
  assert.match(await page.getByTestId('compare-not-yet').innerText(), new RegExp(`not yet at update 100 .*: ${LATE}$`));
  assert.deepEqual(page.errors, []);
});

test('the job view names the scale beside the paper\'s values, and an unfinished job\'s checks are pending, never "fail"', async () => {
  const page = await browser.page();
  await page.goto(`${server.url}#/job`);
  await page.getByTestId('table1').waitFor();
  assert.deepEqual(await page.getByTestId('scale-ours').allInnerTexts(), ['quick: 5 × 250, 60 k updates']);
  assert.deepEqual(await page.getByTestId('scale-paper').allInnerTexts(), ['paper: 5 × 1000, 2.5 M updates']);
  const verdicts = await page.getByTestId('checks').getByTestId('verdict').allInnerTexts();
  assert.ok(verdicts.length > 3, `${verdicts.length} checks`);
  assert.deepEqual([...new Set(verdicts)], ['pending']);
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /SPEC\.md|SHAPESET\.md|issue \d/, 'no pointers into the project\'s files');
  assert.deepEqual(page.errors, []);
});

test('sigmoid\'s top layer near 0 is flagged saturated (Fig. 2); the saturation panel names its rule and explains the 0 %', async () => {
  const page = await browser.page();
  await page.goto(server.url);
  await page.locator(`tr[data-run="${SIG}"]`).waitFor();
  assert.deepEqual(await page.locator(`tr[data-run="${SIG}"]`).getByTestId('alarm').allInnerTexts(), ['saturated L3']);
  assert.match(await page.locator(`tr[data-run="${SIG}"]`).getByTestId('alarm').getAttribute('title') ?? '', /mean activation is 0\.045/);
  await page.goto(`${server.url}#/run/${SIG}`);
  const panel = page.getByTestId('panel-saturation');
  await panel.waitFor();
  assert.match(await panel.locator('h3').innerText(), /f′\(s\) < 0\.1 × the largest slope/);
  assert.ok(await panel.getByTestId('sigmoid-note').isVisible());
  await page.goto(`${server.url}#/run/${TANH}`);
  await page.getByTestId('panel-saturation').waitFor();
  assert.equal(await page.getByTestId('sigmoid-note').isVisible(), false, 'only a sigmoid run needs it');
  assert.deepEqual(page.errors, []);
});

test('the gradient histogram overlay rescales to the hidden layers when the output layer is unticked; its y axis names its scale', async () => {
  const page = await browser.page();
  await page.goto(`${server.url}#/run/${TANH}`);
  await page.getByTestId('hist-tensor').selectOption('backprop_grad');
  const steps = page.locator('[data-testid=chart-steps][data-series="4"][data-x-range]');
  await steps.waitFor();
  const range = async (): Promise<number[]> => ((await steps.getAttribute('data-x-range')) ?? '').split(',').map(Number);
  assert.deepEqual(await range(), [-0.98, 0.98]);
  await page.getByTestId('layer-toggles').locator('[data-layer="4"] input').uncheck();
  await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null } | null } })
    .document.querySelector('[data-testid=chart-steps]')?.getAttribute('data-x-range') === '-0.029,0.029');
  // the histograms share their edges per range → fraction per bin; the axis says so, not "share"
  const title = await page.getByTestId('chart-steps').locator('.chart-title').innerText();
  const yLabel = await page.getByTestId('chart-steps').getAttribute('data-y-label');
  assert.ok(yLabel && title.endsWith(yLabel), `y axis "${yLabel}" matches the title "${title}"`);
  assert.deepEqual(page.errors, []);
});

test('an export says when it was taken, and a run that was training is "running at export", with no time left', async () => {
  const url = exportDashboard(dir, join(dir, 'site'));
  const page = await browser.page();
  await page.goto(`${url}#/`);
  await page.locator(`tr[data-run="${LATE}"]`).waitFor();
  assert.match(await page.getByTestId('connection').innerText(), /^snapshot taken \d{4}-\d\d-\d\d \d\d:\d\d \(UTC[+−]\d\d:\d\d\), not live$/);
  const row = page.locator(`tr[data-run="${LATE}"]`);
  assert.equal(await row.getByTestId('status').innerText(), 'running at export');
  assert.match(await row.innerText(), /– \(snapshot\)/);
  await page.goto(`${url}#/run/${LATE}`);
  await page.getByTestId('run-id').waitFor();
  assert.equal(await page.getByTestId('status').innerText(), 'running at export');
  assert.match(await page.locator('.facts').innerText(), /left – \(snapshot\)/);
  assert.deepEqual(page.errors, []);
});
