/**
 * Where `glorot serve --export` may write: checked before anything is written, each refusal a
 * {@link RunStoreError} with field `exportDir` (src/cli names the option) naming the directory.
 * - Not the web app's own directory (build/web/), nor inside it, nor a directory holding it: the
 *   snapshot's index.html loads data.js, so written over build/web/ it would turn every later live
 *   server into that snapshot.
 * - A directory this user can write (checked up front, so the error names the directory rather than
 *   a temporary file's EACCES).
 * - Empty, or a previous snapshot (its data.js starts with {@link SNAPSHOT_HEADER}): the snapshot is
 *   never merged into someone's other files.
 */
import { accessSync, constants, existsSync, readdirSync, readSync, openSync, closeSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { RunStoreError } from '../store/index.ts';

/** The first line of a snapshot's data.js: how a later export recognises a directory as a previous snapshot. */
export const SNAPSHOT_HEADER = '// the dashboard\'s static snapshot (glorot serve): the API answers, by request path (src/serve/api.ts)\n';

/** `path` with symlinks resolved as far as it exists (a directory yet to be made keeps its remaining names). */
export function realPathSoFar(path: string): string {
  const rest: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      if (dirname(p) === p) return resolve(path);
      rest.push(basename(p));
    }
  }
}

/** Whether `a` is `b` or lies inside it (both real, absolute paths). */
function within(a: string, b: string): boolean {
  return a === b || a.startsWith(b.endsWith(sep) ? b : b + sep);
}

/** Whether `dir/data.js` is a regular file that starts with {@link SNAPSHOT_HEADER}. */
function isPreviousSnapshot(dir: string): boolean {
  const file = join(dir, 'data.js');
  try {
    if (!statSync(file).isFile()) return false;
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(Buffer.byteLength(SNAPSHOT_HEADER));
      const n = readSync(fd, head, 0, head.length, 0);
      return head.subarray(0, n).toString('utf8') === SNAPSHOT_HEADER;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * Refuses an export directory that overlaps the web app's directory, or that exists and is not
 * empty and not a previous snapshot. Run before the directory is created.
 * @param exportDir the directory the user chose.
 * @param webDir the web app's directory (build/web/).
 * @throws RunStoreError `INVALID` (field `exportDir`) naming both directories, or the directory and
 *   what it holds.
 */
export function checkExportTarget(exportDir: string, webDir: string): void {
  const target = realPathSoFar(exportDir);
  const web = realPathSoFar(webDir);
  if (within(target, web) || within(web, target)) {
    throw new RunStoreError('INVALID', `refusing to write the snapshot to ${exportDir}: it ${within(target, web) ? 'is, or lies inside,' : 'holds'} ` +
      `the dashboard's own web app ${webDir}, which every later glorot serve would then serve as this snapshot; choose another directory`, 'exportDir');
  }
  if (!existsSync(exportDir) || !statSync(exportDir).isDirectory()) return; // missing: created; a file: ensureDir says so
  let names: string[];
  try {
    names = readdirSync(exportDir);
  } catch (e) {
    throw new RunStoreError('UNWRITABLE', `cannot read the snapshot directory ${exportDir}: ${(e as Error).message}`, 'exportDir');
  }
  if (names.length > 0 && !isPreviousSnapshot(exportDir)) {
    throw new RunStoreError('INVALID', `refusing to write the snapshot into ${exportDir}: it is not empty (${names.length} ` +
      `entr${names.length === 1 ? 'y' : 'ies'}) and holds no earlier snapshot (no data.js a snapshot wrote); ` +
      'choose an empty or new directory, so no file of yours is overwritten or mixed with the snapshot', 'exportDir');
  }
}

/**
 * Refuses a snapshot directory this user cannot write into. Run after it is created.
 * @throws RunStoreError `UNWRITABLE` (field `exportDir`) naming the directory and the reason.
 */
export function checkExportWritable(dir: string): void {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new RunStoreError('UNWRITABLE', `cannot write the snapshot into ${dir}: this user may not create files there (${code})`, 'exportDir');
  }
}

/**
 * The error of a failed write into the snapshot directory: a file-system error (EACCES, EROFS,
 * ENOSPC on a temporary file's name) becomes one naming the directory and the file; any other error
 * is returned as it is.
 * @param rel the snapshot's file being written, relative to `dir`.
 */
export function exportWriteError(e: unknown, dir: string, rel: string): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (e instanceof RunStoreError || typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return e;
  const cause = `${code}: ${(e as Error).message.split(',')[0]}`;
  return new RunStoreError('UNWRITABLE', `cannot write the snapshot into ${dir}: writing ${rel} failed (${cause})`, 'exportDir');
}
