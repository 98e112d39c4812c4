/**
 * The server's read-only connection to the run record, and what happens when the file breaks under
 * a running server: deleted, replaced by a file that is not a run record, or corrupt. The server then
 * answers 503 with a message naming the file, and tries to open the file again every time it is
 * asked, so a record put back (or a new one created by a training run) is served again. A record
 * that is a symlink leading out of the output directory is refused like any file the server reads
 * there (store/confine.ts); one that is not a regular file (a FIFO, a directory) is refused by the
 * store before SQLite opens it, so the server never blocks on it.
 */
import { statSync } from 'node:fs';
import { databasePath, openRunStore, outDirFileProblem, type ReadMode, type RunStore, RunStoreError } from '../store/index.ts';
import { HttpError } from './errors.ts';

/**
 * The server's SQLite page cache, KiB: the record's recent pages (the runs table, the latest points)
 * stay cached, while a paper-scale record does not keep 16 MiB resident (better-sqlite3's default).
 */
const PAGE_CACHE_KIB = 4096;

/** The identity of a file on disk: a replaced file (rename over it) has another inode. */
function identity(file: string): string | null {
  try {
    const st = statSync(file);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}

/**
 * Whether an error thrown by a query means the file itself is unreadable (corrupt, not a database,
 * gone from under the connection), as opposed to a transient lock or a bad argument.
 */
export function isBrokenRecord(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(CORRUPT|NOTADB|IOERR|CANTOPEN|FORMAT|READONLY_(RECOVERY|CANTINIT|DBMOVED))/.test(code);
}

/** A read-only connection to `<outDir>/glorot.sqlite` that notices when the file breaks. */
export class RecordSource {
  /** The database file. */
  readonly file: string;
  private store: RunStore | null = null;
  private opened: string | null = null;
  private broken: string | null = null;

  /**
   * Opens the record read-only (never creates, migrates or writes it).
   * @throws RunStoreError `NO_DATABASE`, `NOT_A_RUN_RECORD` (also a FIFO, a directory), `SCHEMA_TOO_NEW`,
   *   `UNWRITABLE`, `INVALID` (a symlink leading out of `outDir`) with a message naming the file, when it
   *   cannot be served at start.
   */
  constructor(readonly outDir: string) {
    this.file = databasePath(outDir);
    this.reopen(true);
  }

  /** How the open record is read (`immutable`: its directory cannot be written), or null while it cannot be read. */
  get mode(): ReadMode | null {
    return this.store?.mode ?? null;
  }

  /** Why the record cannot be read now (a sentence naming the file), or null when it can. */
  get error(): string | null {
    return this.broken;
  }

  /**
   * The open store. When the record was found broken, tries to open it again first.
   * @throws HttpError 503 naming the file when the record cannot be read.
   */
  get(): RunStore {
    if (this.store === null) this.reopen(false);
    if (this.store === null) throw new HttpError(503, this.broken ?? `${this.file} cannot be read`, this.file);
    return this.store;
  }

  /**
   * Checks that the file on disk is still the one open: when it was deleted or replaced, closes the
   * connection (a deleted file stays readable through it, which would serve a record that no longer
   * exists) and opens the new file, or records why it cannot.
   * @returns whether the connection changed (the caller re-reads everything).
   */
  checkFile(): boolean {
    const now = identity(this.file);
    if (this.store !== null && now === this.opened) return false;
    if (this.store === null && now === null) return false;
    this.reopen(false);
    return true;
  }

  /**
   * Marks the record broken after a query failed on it (SQLITE_CORRUPT, SQLITE_NOTADB, an I/O error).
   * @returns the message the API and the page show.
   */
  fail(e: unknown): string {
    this.close();
    this.broken = `${this.file} cannot be read any more: ${e instanceof Error ? e.message : String(e)}`;
    return this.broken;
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.store?.close();
    } catch {
      // closing a connection to a broken file may fail; it is gone either way
    }
    this.store = null;
    this.opened = null;
  }

  private reopen(atStart: boolean): void {
    this.close();
    const id = identity(this.file);
    try {
      const problem = outDirFileProblem(this.outDir, this.file, 'the run record');
      if (problem?.kind === 'outside') throw new RunStoreError('INVALID', problem.message, 'outDir');
      this.store = openRunStore(this.outDir, { readonly: true, busyTimeoutMs: 100, cacheKiB: PAGE_CACHE_KIB });
      this.opened = id;
      this.broken = null;
    } catch (e) {
      if (atStart) throw e;
      const why = e instanceof Error ? e.message : String(e);
      this.broken = why.includes(this.file) ? why : `${this.file}: ${why}`;
    }
  }
}
