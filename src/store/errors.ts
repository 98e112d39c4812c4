/** The errors the run record throws: one class, with a machine-readable code and a message for people. */

/** Why a run-record operation failed. */
export type RunStoreErrorCode =
  /** No run with the given id (the message lists the runs that exist). */
  | 'UNKNOWN_RUN'
  /** `createRun` with an id already taken. */
  | 'DUPLICATE_RUN'
  /** `recordProbePoint` for an update at or before the run's latest one (resumed without `deleteAfter`?). */
  | 'OUT_OF_ORDER'
  /** The database was written by a newer glorot (higher schema version). */
  | 'SCHEMA_TOO_NEW'
  /** The file is not a glorot run record (other SQLite application, or not SQLite at all). */
  | 'NOT_A_RUN_RECORD'
  /** Readonly open of an output directory that has no database. */
  | 'NO_DATABASE'
  /** The output directory cannot be created or written. */
  | 'UNWRITABLE'
  /** Another live job holds the output directory's job lock. */
  | 'IN_USE'
  /** An argument is out of its domain (bad id, status, split, histogram shape, …). */
  | 'INVALID'
  /**
   * The file is damaged (SQLite's integrity check or a query found it so), or holds what glorot
   * never writes (a run id that is not one: the record was changed outside glorot).
   */
  | 'CORRUPT';

/**
 * An error from the run record, with a {@link RunStoreErrorCode}. When it is about a path the caller
 * chose, {@link field} names the caller's option that chose it (`outDir`), never a command-line
 * flag: the message names the path's role (`the output directory`), and src/cli adds the flag.
 */
export class RunStoreError extends Error {
  override readonly name = 'RunStoreError';
  /**
   * @param code machine-readable reason.
   * @param message a complete sentence for people: what failed, where, and what to do.
   * @param field the option that chose the path at fault, e.g. `outDir` (a field path, as in
   *   src/core/errors.ts); undefined when the error is not about such a path.
   */
  constructor(
    readonly code: RunStoreErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
