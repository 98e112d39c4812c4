/**
 * The run record: one SQLite database per output directory (`<outDir>/glorot.sqlite`, WAL mode),
 * holding every run's configuration and status, every probe point's statistics and the job's
 * artifacts. The schema is in schema.ts and documented in docs/STORE.md; the records are the metric
 * vocabulary's (src/core/metrics.ts).
 *
 * Writing: the trainer opens the store writable, calls {@link RunStore.createRun}, then
 * {@link RunStore.recordProbePoint} once per probe point (one transaction each, so a reader or a
 * crash never sees half a point) and {@link RunStore.setStatus} at the end. On resume it calls
 * {@link RunStore.deleteAfter} with the checkpoint's update count first.
 *
 * Reading: any number of other connections or processes (`openRunStore(dir, {readonly: true})`, the
 * sqlite3 CLI) can read while a run writes: WAL gives readers a consistent snapshot and never blocks
 * the writer.
 *
 * This file opens the database and is the one entry point; the work is done by runs.ts (the `runs`
 * table), records.ts (writing probe points), queries.ts (reading them) and artifacts.ts.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { ClassPriors, CostSurfaces, ExampleSheet } from '../core/artifacts.ts';
import type { HistogramTensor, ScalarName, ScalarRecord, Split } from '../core/metrics.ts';
import { getClassPriors, getCostSurfaces, getExampleSheets, putClassPriors, putCostSurfaces, putExampleSheet } from './artifacts.ts';
import { RunStoreError } from './errors.ts';
import { removeStaleTemporaries } from './durable.ts';
import { type IntegrityCheck, quickCheck, recordBytes } from './integrity.ts';
import { atomicWriteDirs, databasePath, ensureDir } from './paths.ts';
import * as queries from './queries.ts';
import { deleteAfter, recordProbePoint } from './records.ts';
import * as runs from './runs.ts';
import type { CreateRunOptions } from './runs.ts';
import { openError, openReadonly, type ReadMode, requireRegularFile } from './open.ts';
import { ensureSchema } from './schema.ts';
import type { RunSegment } from './segments.ts';
import { Sql } from './sql.ts';
import type {
  EvaluationPoint,
  LatestScalar,
  ProbePoint,
  ProbePointInfo,
  RunInfo,
  RunStatus,
  ScalarPoint,
  StoredHistogram,
  StoredProbePoint,
} from './types.ts';

export type { CreateRunOptions } from './runs.ts';
export type { IntegrityCheck } from './integrity.ts';
export type { ReadMode } from './open.ts';

/** Options of {@link openRunStore}. */
export interface OpenRunStoreOptions {
  /** Open for reading only: never creates the directory or the file, refuses every write. */
  readonly readonly?: boolean;
  /** How long a statement waits for a lock held by another connection, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
  /** This connection's page cache, in KiB (default: better-sqlite3's build default, 16 MiB); a long-lived reader keeps it small. */
  readonly cacheKiB?: number;
}

/**
 * Opens (and for writing, creates) the run record of an output directory.
 * Writable stores use WAL, `synchronous = NORMAL` (a killed process never corrupts the database
 * nor loses a committed probe point; a power cut may lose the last few), foreign keys on.
 * A writable open also removes the temporary files that killed writes left in the directory
 * (`removeStaleTemporaries`: a killed model save's `.<run>.safetensors.<pid>.tmp`, when its process is gone).
 * @param outDir the output directory (created when missing and not readonly).
 * A readonly open first checks the file's integrity (see integrity.ts); every
 * later query that finds the file damaged throws RunStoreError `CORRUPT` naming it.
 * @throws RunStoreError `UNWRITABLE` when the directory or database cannot be created or written;
 *   `NO_DATABASE` for a readonly open of a directory without a run record; `NOT_A_RUN_RECORD` for a
 *   file that is not one; `SCHEMA_TOO_NEW` for a database written by a newer glorot; `CORRUPT` for
 *   a damaged file.
 */
export function openRunStore(outDir: string, options: OpenRunStoreOptions = {}): RunStore {
  const readonly = options.readonly ?? false;
  const file = databasePath(outDir);
  if (readonly) {
    if (!existsSync(file)) {
      throw new RunStoreError(
        'NO_DATABASE',
        `no run record in ${outDir} (no ${file}): train a run there first, or give the output directory that holds glorot.sqlite`,
        'outDir',
      );
    }
  } else {
    ensureDir(outDir, 'the output directory', 'outDir');
    try {
      accessSync(outDir, constants.W_OK);
    } catch (e) {
      throw new RunStoreError('UNWRITABLE', `cannot write the output directory ${outDir}: ${(e as Error).message}`, 'outDir');
    }
  }
  requireRegularFile(file);
  let db: Database.Database | undefined;
  let mode: ReadMode = 'shared';
  const setUp = (d: Database.Database): void => {
    d.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (options.cacheKiB !== undefined) d.pragma(`cache_size = ${-Math.max(64, Math.floor(options.cacheKiB))}`);
    if (readonly) ensureSchema(d, file, false);
  };
  try {
    if (readonly) ({ db, mode } = openReadonly(file, setUp));
    else setUp((db = new Database(resolve(file))));
    if (!readonly) {
      const journal = db.pragma('journal_mode = WAL', { simple: true });
      if (journal !== 'wal') throw new RunStoreError('UNWRITABLE', `${file}: SQLite refused WAL mode here (journal_mode ` +
        `stays ${String(journal)}); use an output directory on a local disk`, 'outDir');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    }
    if (!readonly) ensureSchema(db, file, true);
    // a writer's open of the directory clears what killed writes left behind (readonly opens write nothing)
    if (!readonly) for (const dir of atomicWriteDirs(outDir)) removeStaleTemporaries(dir);
    const integrity = readonly ? quickCheck(db, file) : { status: 'not-run' as const, bytes: recordBytes(file) };
    return new RunStore(new Sql(db, file, readonly), outDir, integrity, mode);
  } catch (e) {
    db?.close();
    throw openError(e, file, readonly);
  }
}

/** An open run record. Not safe to share between threads; open one per process or worker. */
export class RunStore {
  /** The database file. */
  readonly file: string;
  /** Whether writes are refused. */
  readonly readonly: boolean;

  /** @internal use {@link openRunStore}. */
  constructor(
    private readonly sql: Sql,
    /** The output directory. */
    readonly outDir: string,
    /** What the open checked of the file's integrity (readonly opens run `PRAGMA quick_check`). */
    readonly integrity: IntegrityCheck = { status: 'not-run', bytes: 0 },
    /** `immutable`: read as an unchanging file (a record in a directory this process cannot write; open.ts). */
    readonly mode: ReadMode = 'shared',
  ) {
    this.file = sql.file;
    this.readonly = sql.readonly;
  }

  /** `PRAGMA data_version`: changes when another connection (not this one) has committed since the last call; reads no table. */
  dataVersion(): number {
    return (this.sql.stmt('PRAGMA data_version').get() as { data_version: number }).data_version;
  }

  /** Runs `body` in one read transaction (one state of the record); keep it short, as it holds back WAL checkpoints. */
  readTransaction<T>(body: () => T): T {
    return this.sql.read(body);
  }

  /** Closes the database. The store must not be used afterwards. */
  close(): void {
    this.sql.db.close();
  }

  /**
   * Records a new run (status `created` unless given). When `id` is absent, one is generated from
   * the config (`tanh-normalized-d5-s1` style, see `runIdBase`) and suffixed `-2`, `-3`… if taken.
   * @returns the stored run.
   * @throws RunStoreError `DUPLICATE_RUN` when `id` is taken; `INVALID` for a bad id, a config that
   *   is not a plain JSON-serialisable object, a non-integer seed or threads < 1.
   */
  createRun(options: CreateRunOptions): RunInfo {
    return runs.createRun(this.sql, options);
  }

  /** Whether a run with this id exists. */
  hasRun(id: string): boolean {
    return runs.hasRun(this.sql, id);
  }

  /**
   * The run with this id.
   * @throws RunStoreError `UNKNOWN_RUN`, listing the ids that exist, when there is none.
   */
  getRun(id: string): RunInfo {
    return runs.getRun(this.sql, id);
  }

  /** Every run, in creation order. */
  listRuns(): RunInfo[] {
    return runs.listRuns(this.sql);
  }

  /**
   * Sets a run's status and detail (the detail is cleared when not given), and `updated_at`.
   * @param detail e.g. `loss became NaN at update 1234`, or an error message.
   * @returns the updated run.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a status not in `RUN_STATUSES`.
   */
  setStatus(run: string, status: RunStatus, detail?: string): RunInfo {
    return runs.setStatus(this.sql, run, status, detail);
  }

  /**
   * Records that the run's training continues from update `from` (its checkpoint's, or 0 for a
   * restart) on `backend` with `threads`: sets the `backend` and `threads` columns to these, merges
   * `versions` (e.g. the backend's detail) into the stored versions, and keeps the segment list
   * under `versions.segments` (see segments.ts) — the segments that started before `from`, then
   * this one — present only while the run's records come from more than one backend or thread
   * count. One transaction.
   * @returns the run as updated, and the segment that trained up to `from` (null when `from` is 0).
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad update, backend name or thread count,
   *   or a malformed stored segment list.
   */
  continueRun(
    run: string,
    from: number,
    backend: string,
    threads: number,
    versions: Readonly<Record<string, string>> = {},
  ): { run: RunInfo; previous: RunSegment | null } {
    return runs.continueRun(this.sql, run, from, backend, threads, versions);
  }

  /**
   * Records everything measured at one probe point in ONE transaction: the point's row, its scalars,
   * histograms and evaluations, and the run's `last_update`. If anything fails (validation or SQL),
   * nothing of the point is stored.
   * @param updates the number of SGD updates made before the measurement (0 = right after
   *   initialisation); must be greater than the run's latest recorded point's.
   * @throws RunStoreError `UNKNOWN_RUN`; `OUT_OF_ORDER` when `updates` is not after the run's latest
   *   point (a resumed run must call {@link deleteAfter} first); `INVALID` for a bad record (a name
   *   outside the metric vocabulary, a malformed histogram…), or a (name, layer), (tensor, layer) or
   *   split listed twice.
   */
  recordProbePoint(run: string, updates: number, point: ProbePoint): void {
    recordProbePoint(this.sql, run, updates, point);
  }

  /**
   * Deletes every record of `run` measured after `updates` (probe points, scalars, histograms,
   * evaluations) and resets `last_update` to the latest remaining point, in one transaction. A
   * resumed run calls it with its checkpoint's update count so it never writes duplicate rows.
   * @returns the number of probe points deleted.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` when `updates` is not an integer ≥ −1
   *   (−1 deletes everything).
   */
  deleteAfter(run: string, updates: number): number {
    return deleteAfter(this.sql, run, updates);
  }

  /**
   * The run's probe points, in update order.
   * @throws RunStoreError `UNKNOWN_RUN`.
   */
  probePoints(run: string): ProbePointInfo[] {
    return queries.probePoints(this.sql, run);
  }

  /** The run's latest `count` probe points, in update order. @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a count < 1. */
  recentProbePoints(run: string, count: number): ProbePointInfo[] {
    return queries.recentProbePoints(this.sql, run, count);
  }

  /** The run's probe points after `updates`, in update order. @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for updates < −1. */
  probePointsAfter(run: string, updates: number): ProbePointInfo[] {
    return queries.probePointsAfter(this.sql, run, updates);
  }

  /**
   * Everything recorded at one probe point (the inverse of {@link recordProbePoint}), with scalars
   * ordered by (layer, name), histograms by (tensor, layer), evaluations by split; or null when the
   * run has no point at `updates`. One read transaction: consistent while a run writes.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad update count.
   */
  readProbePoint(run: string, updates: number): StoredProbePoint | null {
    return queries.readProbePoint(this.sql, run, updates);
  }

  /**
   * One scalar statistic over training: every layer's (ordered by layer, then updates), or one
   * layer's when `layer` is given. NaN values come back as NaN.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a name outside the vocabulary or a bad layer.
   */
  scalarSeries(run: string, name: ScalarName, layer?: number): ScalarPoint[] {
    return queries.scalarSeries(this.sql, run, name, layer);
  }

  /** The scalars of one probe point, by layer then name. @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad count. */
  scalarsAt(run: string, updates: number): ScalarRecord[] {
    return queries.scalarsAt(this.sql, run, updates);
  }

  /** The scalar names the run has, sorted. @throws RunStoreError `UNKNOWN_RUN`. */
  scalarNames(run: string): ScalarName[] {
    return queries.scalarNames(this.sql, run);
  }

  /**
   * For each (name, layer) the run has, its most recent value and the update count it was recorded
   * at, ordered by name then layer.
   * @throws RunStoreError `UNKNOWN_RUN`.
   */
  latestScalars(run: string): LatestScalar[] {
    return queries.latestScalars(this.sql, run);
  }

  /**
   * The histograms of one tensor at one update count, one per layer, ordered by layer; empty when
   * none was recorded there (see {@link histogramUpdates}).
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a tensor outside the vocabulary or a bad count.
   */
  histogramsAt(run: string, tensor: HistogramTensor, updates: number): StoredHistogram[] {
    return queries.histogramsAt(this.sql, run, tensor, updates);
  }

  /**
   * Every histogram of one tensor over training, by updates then layer.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a tensor outside the vocabulary.
   */
  histogramSeries(run: string, tensor: HistogramTensor): StoredHistogram[] {
    return queries.histogramSeries(this.sql, run, tensor);
  }

  /**
   * The update counts at which the run has histograms (of `tensor` when given), ascending.
   * @throws RunStoreError `UNKNOWN_RUN`.
   */
  histogramUpdates(run: string, tensor?: HistogramTensor): number[] {
    return queries.histogramUpdates(this.sql, run, tensor);
  }

  /**
   * The tensors the run has histograms of, sorted.
   * @throws RunStoreError `UNKNOWN_RUN`.
   */
  histogramTensors(run: string): HistogramTensor[] {
    return queries.histogramTensors(this.sql, run);
  }

  /**
   * Error rate (%) and NLL on one split over training, in update order.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a split not in `SPLITS`.
   */
  evaluationSeries(run: string, split: Split): EvaluationPoint[] {
    return queries.evaluationSeries(this.sql, run, split);
  }

  /**
   * The most recent evaluation on one split, or null when there is none.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a split not in `SPLITS`.
   */
  latestEvaluation(run: string, split: Split): EvaluationPoint | null {
    return queries.latestEvaluation(this.sql, run, split);
  }

  /**
   * Stores Fig. 5's cost surfaces (artifact `fig5.cost_surfaces`), replacing earlier ones.
   * @throws RunStoreError `INVALID` when readonly or when the arrays' lengths disagree.
   */
  putCostSurfaces(surfaces: CostSurfaces): void {
    putCostSurfaces(this.sql, surfaces);
  }

  /**
   * Fig. 5's cost surfaces, or null when the record has none (made before glorot stored them).
   * @throws RunStoreError `INVALID` when the stored artifact is malformed.
   */
  costSurfaces(): CostSurfaces | null {
    return getCostSurfaces(this.sql);
  }

  /**
   * Stores Fig. 1's example sheet of one dataset (artifact `fig1.examples.<dataset>`), replacing an earlier one.
   * @throws RunStoreError `INVALID` when readonly.
   */
  putExampleSheet(sheet: ExampleSheet): void {
    putExampleSheet(this.sql, sheet);
  }

  /**
   * Every stored example sheet (Shapeset's first); empty for a record made before glorot stored them.
   * @throws RunStoreError `INVALID` when a stored sheet is malformed.
   */
  exampleSheets(): ExampleSheet[] {
    return getExampleSheets(this.sql);
  }

  /**
   * Stores a dataset's class priors (artifact `class_priors.<dataset>`), replacing earlier ones.
   * @throws RunStoreError `INVALID` when readonly.
   */
  putClassPriors(priors: ClassPriors): void {
    putClassPriors(this.sql, priors);
  }

  /** A dataset's class priors, or null when the record holds none (a record made before glorot stored them). */
  classPriors(dataset: string): ClassPriors | null {
    return getClassPriors(this.sql, dataset);
  }
}
