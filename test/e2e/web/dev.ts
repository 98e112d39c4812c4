/**
 * Development server for the web app before `glorot serve` exists: builds a snapshot of a run record
 * and serves the built app with it embedded, read-only.
 *   node --import tsx test/e2e/web/dev.ts <outDir> [port]
 * Rebuild the app (`node scripts/build-web.mjs`) and reload the page to see changes.
 */
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { buildSnapshot, writeSnapshotPage } from './snapshot.ts';

const [outDir, port = '5175'] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node --import tsx test/e2e/web/dev.ts <outDir holding glorot.sqlite> [port]');
  process.exit(1);
}
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
const dir = mkdtempSync(join(tmpdir(), 'glorot-dev-'));
createServer((req, res) => {
  if (req.url === '/' || req.url?.startsWith('/index.html')) writeSnapshotPage(buildSnapshot(outDir), dir); // fresh data on every page load
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(dir, path === '/' ? 'index.html' : path);
  try {
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  } catch {
    res.writeHead(404).end('not found');
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`http://127.0.0.1:${port}/`));
