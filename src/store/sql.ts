/**
 * The open database connection the run record's modules share (runs.ts, records.ts, queries.ts,
 * artifacts.ts): cached prepared statements, the readonly guard, and the row ↔ record conversions.
 */
import Database from 'better-sqlite3';
import { RunStoreError } from './errors.ts';

/**
 * A prepared statement of the run record. Its errors name the database file: a damaged file is a
 * {@link RunStoreError} `CORRUPT` (SQLite alone says "database disk image is malformed", naming nothing).
 */
export interface Statement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): Database.RunResult;
}

/** SQLite's codes for a file that is damaged or not a database at all. */
function isDamage(code: string): boolean {
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

/**
 * `e` as an error naming `file` when SQLite found the file damaged; `e` itself otherwise.
 * @param file the database file.
 */
export function damageError(e: unknown, file: string): unknown {
  const code = sqliteCode(e);
  if (code === undefined || !isDamage(code)) return e;
  return new RunStoreError(
    'CORRUPT',
    `${file} is damaged: SQLite says "${(e as Error).message}" (${code}); its records cannot be trusted: ` +
      'restore the file from a copy, or move it away and train again',
  );
}

/** One open run-record database. Not safe to share between threads. */
export class Sql {
  private readonly stmts = new Map<string, Statement>();

  /**
   * @param db the connection (schema already checked by `ensureSchema`).
   * @param file the database path, for messages.
   * @param readonly whether writes are refused.
   */
  constructor(
    readonly db: Database.Database,
    readonly file: string,
    readonly readonly: boolean,
  ) {}

  /** A prepared statement, prepared once per connection. @throws RunStoreError `CORRUPT` naming the file. */
  stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (s === undefined) {
      const prepared = this.guard(() => this.db.prepare(sql));
      s = {
        get: (...p) => this.guard(() => prepared.get(...p)),
        all: (...p) => this.guard(() => prepared.all(...p)),
        run: (...p) => this.guard(() => prepared.run(...p)),
      };
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** Runs `body`; a damaged file becomes a RunStoreError `CORRUPT` naming it (see {@link damageError}). */
  guard<T>(body: () => T): T {
    try {
      return body();
    } catch (e) {
      throw damageError(e, this.file);
    }
  }

  /** @throws RunStoreError `INVALID` naming `what` when the database was opened readonly. */
  assertWritable(what: string): void {
    if (this.readonly) throw new RunStoreError('INVALID', `cannot ${what}: ${this.file} was opened readonly`);
  }

  /** Runs `body` in one `BEGIN IMMEDIATE` transaction (takes the write lock at once). */
  write<T>(body: () => T): T {
    return this.guard(() => this.db.transaction(body).immediate());
  }

  /** Runs `body` in one read transaction: every query in it sees the same snapshot. */
  read<T>(body: () => T): T {
    return this.guard(() => this.db.transaction(body)());
  }
}

/** SQL NULL stands for NaN (SQLite stores NaN as NULL). */
export function fromSql(v: number | null): number {
  return v === null ? Number.NaN : v;
}

/** NaN as SQL NULL; every other number as is. */
export function toSql(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

/** The SQLite extended error code of `e`, if it is a better-sqlite3 error. */
export function sqliteCode(e: unknown): string | undefined {
  return e instanceof Database.SqliteError ? e.code : undefined;
}
