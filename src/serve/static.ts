/**
 * The web app's files (build/web/, made by Vite from web/) and the two pages the server writes itself:
 * a placeholder while no app is built, and the page shown when the record breaks under a running
 * server. A request path reaches a file only when every one of its decoded segments is a plain name
 * (no `.`, `..`, empty, `/`, `\` or NUL segment: so no `..%2f`, encoded or double-encoded, and no
 * absolute path) and the file's real path, symlinks resolved, lies inside the web directory's real
 * path. Everything else is 404.
 */
import { realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { htmlText } from '../core/escape.ts';

/** The glorot package's directory (where `npm run build` runs), found from this file, never from the working directory. */
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Where `npm run build` puts the web app: `<package>/build/web/`. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../build/web/', import.meta.url));

/** Whether a decoded path segment names a file or directory inside its parent, and nothing else. */
function plainSegment(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !/[/\\\0]/.test(s);
}

/**
 * The file a request for `segments` (decoded path segments after the leading `/`) may be served
 * from: the web directory's real path and the file's real path relative to it, or null when there is
 * none (missing, a directory, a dotfile, a traversal attempt, a symlink leading out).
 * @param webDir the web app's directory; an empty path or one ending in `/` asks for its index.html.
 */
export function resolveStatic(webDir: string, segments: readonly string[]): { root: string; file: string } | null {
  const names = segments.length === 0 || segments.at(-1) === '' ? [...segments.slice(0, -1), 'index.html'] : [...segments];
  if (!names.every(plainSegment) || names.some((n) => n.startsWith('.'))) return null;
  let root: string;
  let real: string;
  try {
    root = realpathSync(webDir);
    real = realpathSync(join(root, ...names));
    if (!statSync(real).isFile()) return null;
  } catch {
    return null;
  }
  if (!real.startsWith(root + sep)) return null;
  return { root, file: relative(root, real) };
}

/** Whether the web app is built in `webDir` (it has an index.html). */
export function hasWebApp(webDir: string): boolean {
  return resolveStatic(webDir, []) !== null;
}

/**
 * Why the web app cannot be served from `webDir`, and how to build it — or null when it is built.
 * The server then shows a plain run list ({@link placeholderPage}) instead of failing.
 */
export function missingWebApp(webDir: string): string | null {
  if (hasWebApp(webDir)) return null;
  return `the dashboard's web app is not built (no ${join(webDir, 'index.html')}): build it with \`npm run build\` in ${PACKAGE_DIR} ` +
    '(Vite builds web/ into build/web/); meanwhile the page shows a plain run list';
}

/**
 * The Content-Security-Policy of the web app's files (index.html and its assets): scripts, styles,
 * images and API calls from this server only, plus what the built app needs and nothing more —
 * `style-src 'unsafe-inline'` because the bundle inserts its stylesheet as a `<style>` element (Vite's
 * single-file build; uPlot's element styles are set through the DOM, which CSP allows), and
 * `img-src data:` for the page's empty `data:,` icon. No inline or injected script runs, no
 * `eval`, no plugin, no `<base>`, no form posting, no framing.
 */
export const APP_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The Content-Security-Policy of the server's own pages: their inline script may only fetch this server's API. */
export const OWN_PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

/** The page shown at `/` when the record cannot be read (status 503). `error` names the file. */
export function errorPage(error: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>glorot: the run record cannot be read</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:50em;margin:3em auto;padding:0 1em}code{white-space:pre-wrap}</style></head>
<body><h1>The run record cannot be read</h1>
<p><code>${htmlText(error)}</code></p>
<p>The server keeps trying: reload this page once the file is back (a training run in this output directory creates it again).</p>
</body></html>
`;
}

/**
 * The page served at `/` while no web app is built: why (`note`, from {@link missingWebApp}) and the
 * run list as plain text, kept live by the event stream (or read from `globalThis.GLOROT_SNAPSHOT` in
 * a snapshot). It only ever inserts text (textContent), never HTML.
 */
export function placeholderPage(note: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>glorot serve</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em}td,th{padding:2px 8px;text-align:left}.alarm{color:#b00}</style></head>
<body><h1>glorot: runs</h1>
<p id="note">${htmlText(note.charAt(0).toUpperCase() + note.slice(1))}.</p>
<table><thead><tr><th>run</th><th>status</th><th>updates</th><th>test error %</th><th>alarms</th></tr></thead><tbody id="runs"></tbody></table>
<script>
const body = document.getElementById('runs');
const snapshot = globalThis.GLOROT_SNAPSHOT;
async function load() {
  const runs = snapshot ? snapshot['/api/runs'] : await (await fetch('/api/runs')).json();
  body.replaceChildren(...(Array.isArray(runs) ? runs : []).map((r) => {
    const tr = document.createElement('tr');
    const cells = [r.id, r.status, r.updates === null ? '-' : r.updates + ' / ' + r.totalUpdates,
      r.testError === null ? '-' : r.testError.toFixed(2), r.alarms.map((a) => a.message).join('; ')];
    for (const c of cells) { const td = document.createElement('td'); td.textContent = String(c); tr.append(td); }
    if (r.alarms.length > 0) tr.className = 'alarm';
    return tr;
  }));
}
load();
if (!snapshot) {
  const events = new EventSource('/api/events');
  for (const type of ['run', 'removed', 'reset']) events.addEventListener(type, load);
}
</script>
</body></html>
`;
}
