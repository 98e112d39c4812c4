/**
 * Real Chromium for the web app's tests: Debian's /usr/bin/chromium driven by playwright-core, with
 * the flags ../shared/notes/ENGINEERING.md lists and a fresh profile per launch; plus a check that a
 * chart region was drawn (not blank).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** Chromium's path on Debian (`apt-get install -y chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A launched browser with a fresh profile; `close()` also removes the profile. */
export interface Browser {
  readonly context: BrowserContext;
  /** Opens a page that records console errors, page errors and HTTP errors into `errors`, dialogs into `dialogs`. */
  page(): Promise<Page & { errors: string[]; dialogs: string[] }>;
  close(): Promise<void>;
}

/**
 * Launches Chromium headless (1280×900 viewport) with a fresh user-data-dir.
 * @throws Error naming the package to install when /usr/bin/chromium is missing.
 */
export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the dashboard's browser tests need Debian's chromium (apt-get install -y chromium; .ci/run does)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'glorot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: FLAGS, viewport: { width: 1280, height: 900 } });
  return {
    context,
    async page() {
      const page = (await context.newPage()) as Page & { errors: string[]; dialogs: string[] };
      page.errors = [];
      page.dialogs = [];
      page.on('console', (m) => {
        if (m.type() === 'error') page.errors.push(m.text());
      });
      page.on('pageerror', (e) => page.errors.push(e.message));
      page.on('response', (r) => {
        if (r.status() >= 400) page.errors.push(`HTTP ${r.status()} ${r.url()}`);
      });
      page.on('dialog', (d) => {
        page.dialogs.push(d.message());
        void d.dismiss();
      });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * What an element's screenshot holds: `drawn`, pixels that differ from its background (the most
 * common colour); `colored`, pixels with a hue (max − min channel > 60) — the data's colours, not the
 * grey of axes, grid and text. A chart with its data drawn has thousands; an empty one none.
 */
export async function drawnPixels(target: Locator): Promise<{ drawn: number; colored: number; total: number; png: Buffer }> {
  const png = await target.screenshot();
  const img = PNG.sync.read(png);
  const counts = new Map<number, number>();
  const d = img.data;
  let colored = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) colored++;
    const key = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let bg = 0;
  for (const n of counts.values()) bg = Math.max(bg, n);
  const total = img.width * img.height;
  return { drawn: total - bg, colored, total, png };
}
