/**
 * The open database connection the run record's modules share (runs.ts, records.ts, queries.ts,
 * artifacts.ts): cached prepared statements, the readonly guard, and the row ↔ record conversions.
 */
import Database from 'better-sqlite3';
import { RunStoreError } from './errors.ts';

/** One open run-record database. Not safe to share between threads. */
export class Sql {
  private readonly stmts = new Map<string, Database.Statement>();

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

  /** A prepared statement, prepared once per connection. */
  stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** @throws RunStoreError `INVALID` naming `what` when the database was opened readonly. */
  assertWritable(what: string): void {
    if (this.readonly) throw new RunStoreError('INVALID', `cannot ${what}: ${this.file} was opened readonly`);
  }

  /** Runs `body` in one `BEGIN IMMEDIATE` transaction (takes the write lock at once). */
  write<T>(body: () => T): T {
    return this.db.transaction(body).immediate();
  }

  /** Runs `body` in one read transaction: every query in it sees the same snapshot. */
  read<T>(body: () => T): T {
    return this.db.transaction(body)();
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
