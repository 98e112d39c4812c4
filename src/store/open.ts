/**
 * How a reader opens the run record. A WAL-mode record's readers share its `-shm` index, which
 * SQLite creates next to the database when it is missing; in a directory the reader cannot write
 * (an archived record, a read-only mount) that fails with SQLITE_READONLY_DIRECTORY (or
 * SQLITE_CANTOPEN). The record can still be read as an immutable file (SQLite's `immutable=1` URI
 * parameter: no locks, no -shm, the file taken as unchanging) when nothing of it waits in a `-wal`
 * file — which an immutable open would not read. No writer can be at work there: a writer needs the
 * same directory to be writable.
 *
 * URI file names are off in better-sqlite3 unless the environment's `SQLITE_USE_URI` is `1` when
 * its native addon loads (the first database opened in the process); this module sets it, unless
 * the user set it, before any database is opened. Every path is opened absolute, so a relative
 * output directory named `file:…` is never taken as a URI.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describePath } from '../core/files.ts';
import { RunStoreError } from './errors.ts';
import { damageError, sqliteCode } from './sql.ts';

process.env['SQLITE_USE_URI'] ??= '1';

/** How a readonly open reads the record: shared with writers (WAL, live) or as an unchanging file. */
export type ReadMode = 'shared' | 'immutable';

/**
 * Refuses a record path that is there but is not a regular file (a FIFO blocks SQLite's open
 * forever, a directory gives "disk I/O error"), before SQLite opens it.
 * @throws RunStoreError `NOT_A_RUN_RECORD` naming the file and what it is.
 */
export function requireRegularFile(file: string): void {
  let regular = true;
  try {
    regular = statSync(file).isFile();
  } catch {
    return; // missing: the caller's open says so (or creates it)
  }
  if (!regular) {
    throw new RunStoreError('NOT_A_RUN_RECORD', `${file} is ${describePath(file)}: a run record is a regular SQLite file; ` +
      'move it away or choose another output directory', 'outDir');
  }
}

/** Whether a readonly open of `file` failed for want of a writable directory for the -shm index. */
function needsWritableDirectory(e: unknown, file: string): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (code !== 'SQLITE_READONLY_DIRECTORY' && code !== 'SQLITE_CANTOPEN' && code !== 'SQLITE_READONLY_CANTINIT') return false;
  try {
    accessSync(dirname(file), constants.W_OK);
    return false;
  } catch {
    return true;
  }
}

/** `file:` URI of an absolute path with `immutable=1`. */
function immutableUri(file: string): string {
  return `file:${encodeURI(resolve(file)).replace(/[?#]/g, encodeURIComponent)}?immutable=1`;
}

/**
 * Opens `file` for reading and runs `check` on the connection (the schema check, which is what first
 * touches the file). When that fails because the directory cannot take the -shm index, opens it again
 * as an immutable file — unless a non-empty `-wal` holds data that such an open would not see.
 * @returns the connection and how it reads.
 * @throws RunStoreError `UNWRITABLE` naming the file, its directory and what to do when it can be
 *   read neither way; whatever `check` throws otherwise.
 */
export function openReadonly(file: string, check: (db: Database.Database) => void): { db: Database.Database; mode: ReadMode } {
  const db = new Database(resolve(file), { readonly: true, fileMustExist: true });
  try {
    check(db);
    return { db, mode: 'shared' };
  } catch (e) {
    db.close();
    if (!existsSync(file) || !needsWritableDirectory(e, file)) throw e;
    const wal = `${file}-wal`;
    const walBytes = existsSync(wal) ? statSync(wal).size : 0;
    const cannot = (why: string): RunStoreError =>
      new RunStoreError('UNWRITABLE', `cannot read ${file}: its directory cannot be written, and SQLite needs to create ` +
        `${file}-shm there to read a record in WAL mode; ${why}. Copy the output directory (glorot.sqlite with ` +
        'glorot.sqlite-wal) somewhere writable and read the copy', 'outDir');
    if (walBytes > 0) throw cannot(`${wal} holds ${walBytes} bytes not yet in the database, which a read-only open without it would miss`);
    let imm: Database.Database | undefined;
    try {
      imm = new Database(immutableUri(file), { readonly: true, fileMustExist: true });
      check(imm);
      return { db: imm, mode: 'immutable' };
    } catch (e2) {
      imm?.close();
      if (e2 instanceof RunStoreError) throw e2;
      throw cannot(`opening it as an immutable file failed too (${(e2 as Error).message})`);
    }
  }
}

/**
 * The error an open of `file` throws for what SQLite or the file system threw.
 * @returns a RunStoreError naming the file (`CORRUPT`, `NOT_A_RUN_RECORD`, `UNWRITABLE`), or `e` itself.
 */
export function openError(e: unknown, file: string, readonly: boolean): unknown {
  if (e instanceof RunStoreError) return e;
  const code = sqliteCode(e) ?? '';
  if (code.startsWith('SQLITE_CORRUPT')) return damageError(e, file);
  if (code === 'SQLITE_NOTADB') {
    return new RunStoreError('NOT_A_RUN_RECORD', `${file} is not a SQLite database, so not a glorot run ` +
      `record; move it away or choose another output directory`, 'outDir');
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_IOERR') {
    return new RunStoreError('UNWRITABLE', `cannot ${readonly ? 'open' : 'open for writing'} ${file}: ${(e as Error).message} (${code})`, 'outDir');
  }
  return e;
}
