/**
 * `glorot serve --export DIR`: the dashboard as static files that open from disk without a server.
 * DIR receives the web app (build/web/, or the placeholder page when none is built) and `data.js`,
 * which sets `globalThis.GLOROT_SNAPSHOT = { "<request path>": <JSON response>, … }` for exactly the
 * canonical paths {@link snapshotPaths} lists — the answers the live server would give, made by the
 * same routes. index.html loads data.js before the app; the app, seeing GLOROT_SNAPSHOT, reads from it
 * instead of fetching and opens no event stream.
 *
 * Every file is written atomically (temporary file, fsync, rename: src/store's writeFileAtomic), and
 * only below DIR: a path whose real directory is not inside DIR's real path (a symlink in DIR leading
 * out) is refused.
 */
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ensureDir, type RunStore, writeFileAtomic, writeFileAtomicChunks } from '../store/index.ts';
import type { RunLock } from './alarms.ts';
import type { RunSummary } from './api.ts';
import { buildJobView } from './job.ts';
import { checkExportTarget, checkExportWritable, exportWriteError, SNAPSHOT_HEADER } from './exportDir.ts';
import { coalesce, jsonText } from './json.ts';
import { RecordSource } from './record.ts';
import { type ApiBackend, answerApi, parseTarget } from './routes.ts';
import { DEFAULT_WEB_DIR, missingWebApp, placeholderPage, resolveStatic } from './static.ts';
import { buildRunSummary, readRunLock } from './summary.ts';

/** What {@link exportSnapshot} needs. */
export interface ExportOptions {
  /** The output directory whose record is exported. */
  readonly outDir: string;
  /** Where to write the snapshot (created when missing). */
  readonly exportDir: string;
  /** The web app's directory (default build/web/ of this package). */
  readonly webDir?: string;
}

/** What {@link exportSnapshot} wrote. */
export interface ExportResult {
  /** Files written, relative to the snapshot directory. */
  readonly files: readonly string[];
  /** The request paths embedded in data.js. */
  readonly paths: readonly string[];
  /** Whether the web app was copied (false: the placeholder page was written). */
  readonly webApp: boolean;
  /** Why the web app was not copied and how to build it ({@link missingWebApp}), or null. */
  readonly webAppMissing: string | null;
}

/**
 * The request paths a snapshot holds: `/api/runs`, `/api/job`, and for every run `/api/runs/ID`,
 * `/api/runs/ID/scalars`, `/api/runs/ID/histograms?tensor=T` for each tensor it has, and
 * `/api/runs/ID/evaluations` (ids and tensors URL-encoded as a page would request them).
 */
export function snapshotPaths(store: RunStore): string[] {
  const paths = ['/api/runs', '/api/job'];
  for (const run of store.listRuns().reverse()) {
    const base = `/api/runs/${encodeURIComponent(run.id)}`;
    paths.push(base, `${base}/scalars`);
    for (const t of store.histogramTensors(run.id)) paths.push(`${base}/histograms?tensor=${encodeURIComponent(t)}`);
    paths.push(`${base}/evaluations`);
  }
  return paths;
}

/** The routes' backend for a one-off read (no monitor: everything read now). */
function directBackend(store: RunStore, outDir: string): ApiBackend {
  let summaries: RunSummary[] | null = null;
  const lock = (id: string): RunLock | null => (store.getRun(id).status === 'running' ? readRunLock(outDir, id) : null);
  return {
    store: () => store,
    summaries: () => (summaries ??= store.listRuns().reverse().map((r) => buildRunSummary(store, r, lock(r.id)))),
    lock,
    job: () => buildJobView(store, outDir),
  };
}

/**
 * The web app's files (relative paths): dotfiles, symlinked directories and symlinks leading out of
 * the web directory left out.
 */
function webFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.isFile() || (e.isSymbolicLink() && resolveStatic(root, relative(root, path).split(sep)) !== null)) out.push(relative(root, path));
    }
  };
  walk(root);
  return out.sort();
}

/** index.html with `<script src="./data.js">` loaded before any of the app's scripts. */
export function withSnapshotScript(html: string): string {
  if (/<script[^>]*src=["']?\.?\/?data\.js/.test(html)) return html;
  const tag = '<script src="./data.js"></script>';
  const at = html.search(/<script\b/i);
  if (at >= 0) return `${html.slice(0, at)}${tag}\n${html.slice(at)}`;
  const head = html.search(/<\/head>/i);
  return head >= 0 ? `${html.slice(0, head)}${tag}\n${html.slice(head)}` : `${tag}\n${html}`;
}

/**
 * Writes the snapshot.
 * @returns what was written.
 * @throws RunStoreError naming the file when the record cannot be read; RunStoreError with field
 *   `exportDir` naming the directory when it overlaps the web app's directory, holds other files
 *   than an earlier snapshot, or cannot be written (exportDir.ts); Error naming the path when a file
 *   cannot be written or would land outside `dir`.
 */
export function exportSnapshot(options: ExportOptions): ExportResult {
  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  const source = new RecordSource(options.outDir); // first: a missing record creates nothing
  try {
    const store = source.get();
    checkExportTarget(options.exportDir, webDir);
    const dir = resolve(ensureDir(options.exportDir, 'the snapshot directory', 'exportDir'));
    checkExportWritable(dir);
    const realDir = realpathSync(dir);
    const written: string[] = [];
    const target = (rel: string): string => {
      const path = join(realDir, rel);
      ensureDir(dirname(path), 'a snapshot directory', 'exportDir');
      const parent = realpathSync(dirname(path));
      if (parent !== realDir && !parent.startsWith(realDir + sep)) {
        throw new Error(`${path}: refusing to write outside the snapshot directory ${dir} (a symlink leads to ${parent})`);
      }
      written.push(rel);
      return path;
    };
    /** Writes one file of the snapshot with `f`, naming the directory when the file system refuses. */
    const write = (rel: string, f: (path: string) => void): void => {
      const path = target(rel);
      try {
        f(path);
      } catch (e) {
        throw exportWriteError(e, dir, rel);
      }
    };
    const missing = missingWebApp(webDir);
    const webApp = missing === null;
    if (missing === null) {
      const root = realpathSync(webDir);
      for (const rel of webFiles(root)) {
        const bytes = readFileSync(join(root, rel));
        write(rel, (p) => writeFileAtomic(p, rel === 'index.html' ? withSnapshotScript(bytes.toString('utf8')) : bytes));
      }
    } else {
      write('index.html', (p) => writeFileAtomic(p, withSnapshotScript(placeholderPage(missing))));
    }
    const backend = directBackend(store, options.outDir);
    let paths: string[] = [];
    // one read transaction: every answer from the same state of the record
    store.readTransaction(() => {
      paths = snapshotPaths(store);
      const chunks = function* (): Generator<string> {
        yield SNAPSHOT_HEADER;
        // when it was taken, so the page can say so (a frozen run's "running" is as of this time)
        yield `globalThis.GLOROT_SNAPSHOT_TAKEN = ${JSON.stringify(new Date().toISOString())};\n`;
        yield 'globalThis.GLOROT_SNAPSHOT = {\n';
        for (const p of paths) {
          const { segments, query } = parseTarget(p);
          yield `${JSON.stringify(p)}: `;
          yield* jsonText(answerApi(backend, segments.slice(1), query));
          yield ',\n';
        }
        yield '};\n';
      };
      write('data.js', (p) => writeFileAtomicChunks(p, coalesce(chunks(), 1 << 20)));
    });
    return { files: written, paths, webApp, webAppMissing: missing };
  } finally {
    source.close();
  }
}
