/**
 * The dashboard page's sections of `npm run bench:dashboard` (issue 11's targets for the web app; a
 * benchmark, not a test): the built app in real Chromium against a real `glorot serve`, over
 * synthetic paper-length runs (dashboardRecord.ts: 2.5 M updates, 139 probe points, 6 layers,
 * 27 histograms of 100 bins per point), written once to `records` and reused:
 *
 * - first-chart: navigation → the first chart painted (performance mark glorot:first-chart), a cold
 *   page each time (target ≤ 1 s);
 * - scrubber: the histogram scrubber of the open run moved → the next frame, every layer redrawn
 *   (≤ 50 ms);
 * - compare: 20 runs overlaid — once their data is in, changing the statistic or layer and scrubbing
 *   their histograms → the next frame (≤ 50 ms); and scrubbing before the histograms are in;
 * - page-latency: a probe point committed to the record (as a trainer commits it) → drawn in the open
 *   page (≤ 1 s median).
 *
 * `quietWait` s: before each section, wait (at most that long) until un-niced processes keep < 0.5
 * cores busy; the load seen is saved with the figures (the machine is shared).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openRunStore } from '../../src/store/index.ts';
import { type Browser, launch } from '../../test/e2e/web/browser.ts';
import { serve } from '../../test/e2e/web/server.ts';
import type { Section } from './dashboard-section.ts';
import { createPaperRun, paperProbePoints, writePaperLengthRun, writePaperPoint } from './dashboardRecord.ts';
import { median, quantile } from './stats.ts';

declare const document: { querySelector(s: string): unknown };
declare const performance: { now(): number; getEntriesByName(n: string): { startTime: number }[] };
declare function requestAnimationFrame(f: () => void): void;

/** How many runs the compare section overlays (the most). */
const COMPARED = 20;

/** Options of {@link pageSections}. */
export interface PageOptions {
  /** Where the synthetic records are written and reused. */
  readonly records: string;
  /** Fewer repetitions (indicative only). */
  readonly quick: boolean;
  /** Seconds to wait at most for the machine to go quiet before each section. */
  readonly quietWait: number;
}

type Timing = { median: number; p95: number; max: number; n: number };
type Page = Awaited<ReturnType<Browser['page']>>;

function timing(xs: number[]): Timing {
  const ok = xs.filter(Number.isFinite);
  return { median: median(ok), p95: quantile(ok, 0.95), max: Math.max(...ok), n: ok.length };
}

function show(t: unknown, target: number): string {
  const s = t as Timing;
  const verdict = s.median <= target ? 'met' : 'MISSED';
  return `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)}, max ${s.max.toFixed(1)} (n ${s.n}; target ≤ ${target} ms: ${verdict})`;
}

/**
 * Cores busy at normal priority over `seconds` (/proc/stat user + system + irq + softirq + steal;
 * niced work, such as background training at nice 19, yields to the page and is left out). NaN off Linux.
 */
async function busyCores(seconds: number): Promise<number> {
  const ticks = (): number => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return f[0]! + f[2]! + f[5]! + f[6]! + f[7]!;
  };
  try {
    const t0 = ticks();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return (ticks() - t0) / 100 / seconds;
  } catch {
    return NaN;
  }
}

/** Waits (≤ quietWait s) until un-niced work keeps < 0.5 cores busy; returns the load last seen. */
async function quiet(quietWait: number): Promise<number> {
  const deadline = Date.now() + quietWait * 1000;
  let load: number;
  do load = await busyCores(1);
  while (!(load < 0.5) && Date.now() < deadline);
  return load;
}

/** The finished record: COMPARED paper-length runs (reused when already written). */
function finishedRecord(records: string): string {
  const dir = join(records, 'finished');
  mkdirSync(dir, { recursive: true });
  const store = openRunStore(dir);
  try {
    for (let i = 1; i <= COMPARED; i++) {
      if (store.hasRun(`paper-tanh-s${i}`)) continue;
      const t = performance.now();
      writePaperLengthRun(store, `paper-tanh-s${i}`, i);
      console.log(`  wrote paper-tanh-s${i} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
  } finally {
    store.close();
  }
  return dir;
}

/** Runs `measure` with a server over the finished record and a fresh browser; closes both. */
async function withPage<T>(o: PageOptions, measure: (browser: Browser, url: string) => Promise<T>): Promise<T & { busyCores: number }> {
  const server = await serve(finishedRecord(o.records));
  const browser = await launch();
  try {
    const busy = await quiet(o.quietWait);
    return { ...(await measure(browser, server.url)), busyCores: busy };
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Time from an input event to the next frame, for each value set on the element `selector`. */
function inputToFrame(page: Page, selector: string, values: string[], event: 'input' | 'change'): Promise<number[]> {
  return page.evaluate(async ([sel, vals, ev]) => {
    const el = document.querySelector(sel) as { value: string; dispatchEvent(e: unknown): void };
    const times: number[] = [];
    for (const v of vals) {
      const t0 = performance.now();
      el.value = v;
      el.dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event(ev));
      await new Promise<void>((r) => requestAnimationFrame(() => r()));
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 30));
    }
    return times;
  }, [selector, values, event] as const);
}

async function firstChart(browser: Browser, url: string, quick: boolean): Promise<{ firstChart: Timing }> {
  const out: number[] = [];
  for (let i = 0; i < (quick ? 3 : 7); i++) {
    const page = await browser.page();
    await page.goto(`${url}#/run/paper-tanh-s1`);
    await page.waitForFunction(() => performance.getEntriesByName('glorot:first-chart').length > 0, null, { timeout: 30_000 });
    out.push(await page.evaluate(() => performance.getEntriesByName('glorot:first-chart')[0]!.startTime));
    await page.close();
  }
  return { firstChart: timing(out) };
}

async function scrubber(browser: Browser, url: string, quick: boolean): Promise<{ scrubber: Timing }> {
  const page = await browser.page();
  await page.goto(`${url}#/run/paper-tanh-s1`);
  await page.locator('[data-testid=dist-5]').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  const n = paperProbePoints().length;
  const values = Array.from({ length: quick ? 20 : 60 }, (_, i) => String((i * 37) % n));
  const t = await inputToFrame(page, '[data-testid=scrubber]', values, 'input');
  await page.close();
  return { scrubber: timing(t) };
}

async function compare(browser: Browser, url: string, quick: boolean): Promise<Record<string, unknown>> {
  const page = await browser.page();
  const ids = Array.from({ length: COMPARED }, (_, i) => `paper-tanh-s${i + 1}`);
  const positions = Array.from({ length: quick ? 8 : 20 }, (_, i) => String((i * 29) % paperProbePoints().length));
  const scrub = (): Promise<number[]> => page.evaluate(async (vals) => {
    const el = document.querySelector('[data-testid=compare-scrubber]') as { value: string; dispatchEvent(e: unknown): void };
    const view = document.querySelector('.compare-view') as { dataset: Record<string, string> };
    const label = document.querySelector('.compare-view .step-label') as { textContent: string };
    const times: number[] = [];
    for (const v of vals) {
      const t0 = performance.now();
      el.value = v;
      el.dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('input'));
      const want = label.textContent.replace(/\D/g, '');
      while (view.dataset['histStep'] !== want) await new Promise((r) => setTimeout(r, 1));
      await new Promise<void>((r) => requestAnimationFrame(() => r()));
      times.push(performance.now() - t0);
    }
    return times;
  }, positions);
  const t0 = Date.now();
  await page.goto(`${url}#/compare?runs=${ids.join(',')}&stat=activation.std&layer=1`);
  await page.locator(`[data-testid=compare-curve][data-series="${COMPARED}"][data-drawn="${paperProbePoints().length}"]`).waitFor({ timeout: 120_000 });
  await page.locator(`[data-testid=compare-hist][data-series="${COMPARED}"]`).waitFor({ timeout: 120_000 });
  const loadMs = Date.now() - t0;
  // before the compared runs' tensors are in, a probe point not yet visited costs 20 small reads
  const cold = await scrub();
  await page.locator('.compare-view[data-settled="activation"]').waitFor({ timeout: 300_000 });
  const settledMs = Date.now() - t0;
  const stats = ['activation.p98', 'activation.mean', 'backprop_grad.std', 'weight_grad.std', 'activation.saturated', 'activation.std'];
  const stat = await inputToFrame(page, '[data-testid=compare-stat]', quick ? stats : [...stats, ...stats, ...stats], 'change');
  const layerSelect = 'select[data-testid=compare-layer], [data-testid=compare-layer] select';
  const layer = await inputToFrame(page, layerSelect, ['2', '3', '4', '5', '1', '2', '3'], 'change');
  const warm = await scrub();
  await page.close();
  return { loadMs, settledMs, stat: timing(stat), layer: timing(layer), scrubCold: timing(cold), scrubWarm: timing(warm) };
}

async function pageLatency(o: PageOptions): Promise<{ latency: Timing; busyCores: number }> {
  const dir = join(o.records, `live-${process.pid}`);
  const store = openRunStore(dir);
  const points = paperProbePoints();
  createPaperRun(store, 'live', 1);
  const start = 40;
  points.slice(0, start).forEach((u) => writePaperPoint(store, 'live', 1, u));
  const server = await serve(dir);
  const browser = await launch();
  try {
    const page = await browser.page();
    await page.goto(`${server.url}#/run/live`);
    await page.locator(`[data-testid=chart-mean][data-drawn="${start}"]`).waitFor({ timeout: 30_000 });
    await page.evaluate(() => {
      type Observer = new (f: () => void) => { observe(el: unknown, o: unknown): void };
      const w = globalThis as unknown as { drawnAt: Record<string, number>; MutationObserver: Observer };
      w.drawnAt = {};
      const el = document.querySelector('[data-testid=chart-mean]') as { getAttribute(n: string): string };
      new w.MutationObserver(() => {
        const n = el.getAttribute('data-drawn');
        if (!(n in w.drawnAt)) requestAnimationFrame(() => (w.drawnAt[n] = Date.now()));
      }).observe(el, { attributes: true, attributeFilter: ['data-drawn'] });
    });
    const busy = await quiet(o.quietWait);
    const committed: number[] = [];
    for (let i = 0; i < (o.quick ? 6 : 20); i++) {
      writePaperPoint(store, 'live', 1, points[start + i]!);
      committed.push(Date.now());
      await new Promise((r) => setTimeout(r, 1500));
    }
    const drawnAt = await page.evaluate(() => (globalThis as unknown as { drawnAt: Record<string, number> }).drawnAt);
    return { latency: timing(committed.map((t, i) => (drawnAt[String(start + i + 1)] ?? NaN) - t)), busyCores: busy };
  } finally {
    await browser.close();
    await server.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A wait for data rather than a frame (no target: the page stays responsive meanwhile). */
function info(t: unknown): string {
  const s = t as Timing;
  return `median ${s.median.toFixed(0)} ms, p95 ${s.p95.toFixed(0)}, max ${s.max.toFixed(0)} (n ${s.n})`;
}

const busy = (r: Record<string, unknown>): string => `; ${Number(r['busyCores']).toFixed(2)} cores busy with other work before it`;

/** The page's sections, in order. */
export function pageSections(o: PageOptions): Section[] {
  return [
    {
      name: 'first-chart',
      title: 'Open a paper-length run (2.5 M updates, 139 probe points): navigation → first chart painted',
      run: () => withPage(o, (b, url) => firstChart(b, url, o.quick)),
      render: (r) => `${show(r['firstChart'], 1000)}${busy(r)}`,
    },
    {
      name: 'scrubber',
      title: 'Histogram scrubber of that run → next frame (every layer\'s distribution view and step histogram redrawn)',
      run: () => withPage(o, (b, url) => scrubber(b, url, o.quick)),
      render: (r) => `${show(r['scrubber'], 50)}${busy(r)}`,
    },
    {
      name: 'compare',
      title: `Compare ${COMPARED} paper-length runs`,
      run: () => withPage(o, (b, url) => compare(b, url, o.quick)),
      render: (r) => `first curve and histograms drawn after ${r['loadMs']} ms, every run's data in after ${r['settledMs']} ms; then ` +
        `change statistic → next frame ${show(r['stat'], 50)}; change layer ${show(r['layer'], 50)}; scrub histograms ${show(r['scrubWarm'], 50)}; ` +
        `and, before the histograms are in, scrub → every run's histogram read (${COMPARED} small requests) and drawn ${info(r['scrubCold'])}${busy(r)}`,
    },
    {
      name: 'page-latency',
      title: 'Probe point committed by a writer → drawn in an open page',
      run: () => pageLatency(o),
      render: (r) => `${show(r['latency'], 1000)} (the server polls the record every 200 ms)${busy(r)}`,
    },
  ];
}
