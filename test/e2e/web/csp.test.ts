/**
 * The web app runs under its Content-Security-Policy (static.ts's APP_CSP, issue 11 attack: index.html
 * and the assets had none): every view opens and draws in real Chromium without one violation, and
 * the policy is enforced — a script injected into the page does not run, a frame of it is refused.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { APP_CSP } from '../../../src/serve/static.ts';
import { get } from '../../helpers/serve.ts';
import { type Browser, drawnPixels, launch } from './browser.ts';
import { SMALL, train } from './record.ts';
import { type Served, serve } from './server.ts';

/** The page's globals as the functions below use them inside the browser (the tests' tsconfig has no DOM). */
declare const document: {
  createElement(tag: string): { textContent: string };
  head: { append(e: unknown): void };
  addEventListener(type: string, f: (e: { violatedDirective: string; blockedURI: string }) => void): void;
};
declare const window: { injected?: boolean; violations?: string[] };

const dir = mkdtempSync(join(tmpdir(), 'glorot-web-csp-'));
const RUN = 'csp-tanh';
const RUN2 = 'csp-tanh-std';
let server: Served;
let browser: Browser;

before(async () => {
  train([...SMALL, '--updates', '200', '--probe-interval', '100', '--run-id', RUN, '--out', dir]);
  train([...SMALL, '--updates', '200', '--probe-interval', '100', '--init', 'standard', '--run-id', RUN2, '--out', dir]);
  server = await serve(dir);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('index.html and every asset carry the policy; the API answers carry their own', async () => {
  const index = await get(server.url, '/');
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-security-policy'], APP_CSP);
  const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(index.body)?.[1];
  assert.ok(asset !== undefined, 'the built page loads its bundle');
  const js = await get(server.url, `/${asset}`);
  assert.equal(js.status, 200);
  assert.equal(js.headers['content-security-policy'], APP_CSP);
  assert.equal((await get(server.url, '/api/runs')).headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
});

test('every view opens and draws under the policy without a violation; an injected script does not run', async () => {
  const page = await browser.page();
  await page.addInitScript(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations!.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${server.url}#/`);
  await page.locator(`tr[data-run="${RUN2}"]`).waitFor();
  await page.goto(`${server.url}#/run/${RUN}`);
  const chart = page.getByTestId('chart-mean');
  await chart.and(page.locator('[data-drawn]')).waitFor({ timeout: 60_000 });
  const { colored } = await drawnPixels(chart);
  assert.ok(colored > 400, `the statistics chart is drawn (${colored} coloured pixels)`);
  await page.getByTestId('dist-1').scrollIntoViewIfNeeded();
  assert.ok((await drawnPixels(page.getByTestId('dist-1'))).colored > 5000, 'the histogram view is drawn');
  await page.goto(`${server.url}#/compare?runs=${RUN},${RUN2}&stat=activation.std&layer=1`);
  await page.locator('[data-testid=compare-hist][data-series="2"]').waitFor({ timeout: 60_000 });
  assert.ok((await drawnPixels(page.getByTestId('compare-curve'))).colored > 400, 'the compare overlay is drawn');
  await page.goto(`${server.url}#/job`);
  await page.getByTestId('job-note').waitFor();
  assert.deepEqual(await page.evaluate(() => window.violations), [], 'the app itself needs nothing the policy forbids');
  assert.equal(await page.getByTestId('connection').innerText(), '● live', 'the event stream (connect-src) is open');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.injected = true';
    document.head.append(s);
  });
  assert.equal(await page.evaluate(() => window.injected), undefined, 'an injected inline script is refused');
  const violations = (await page.evaluate(() => window.violations)) ?? [];
  assert.ok(violations.some((v) => v.startsWith('script-src')), `the refusal is reported: ${violations.join('; ')}`);
  assert.deepEqual(page.errors.filter((e) => !/Content Security Policy/.test(e)), []);
});
