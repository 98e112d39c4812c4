/**
 * The run record: one SQLite database per output directory (`<outDir>/glorot.sqlite`, WAL mode),
 * holding every run's configuration and status and every probe point's statistics. The schema is in
 * schema.ts and documented in docs/STORE.md.
 *
 * Writing: the trainer opens the store writable, calls {@link RunStore.createRun}, then
 * {@link RunStore.recordProbePoint} once per probe point (one transaction each, so a reader or a
 * crash never sees half a point) and {@link RunStore.setStatus} at the end. On resume it calls
 * {@link RunStore.deleteAfter} with the checkpoint's update first.
 *
 * Reading: any number of other connections or processes (`openRunStore(dir, {readonly: true})`, the
 * sqlite3 CLI) can read while a run writes: WAL gives readers a consistent snapshot and never blocks
 * the writer.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { RunStoreError } from './errors.ts';
import { decodeFloat64, encodeFloat64 } from './float64Blob.ts';
import { databasePath, ensureDir } from './paths.ts';
import { runIdBase, uniqueRunId, validateRunId } from './runId.ts';
import { ensureSchema } from './schema.ts';
import { continueSegments, formatSegments, runSegments, SEGMENTS_KEY } from './segments.ts';
import type { RunSegment } from './segments.ts';
import type {
  EvaluationPoint,
  LatestScalar,
  ProbePoint,
  ProbePointInfo,
  RunInfo,
  RunStatus,
  ScalarPoint,
  Split,
  StoredHistogram,
  StoredProbePoint,
} from './types.ts';
import {
  checkEvaluation,
  checkHistogram,
  checkInteger,
  checkName,
  checkScalar,
  parseRunStatus,
  parseSplit,
} from './validate.ts';
import { collectVersions } from './versions.ts';

/** Options of {@link openRunStore}. */
export interface OpenRunStoreOptions {
  /** Open for reading only: never creates the directory or the file, refuses every write. */
  readonly readonly?: boolean;
  /** How long a statement waits for a lock held by another connection, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
}

/** What {@link RunStore.createRun} needs. */
export interface CreateRunOptions {
  /** The run id; when absent one is generated from the config (see `runIdBase`) and made unique. */
  readonly id?: string;
  /** The training configuration: a plain JSON-serialisable object, stored as JSON. */
  readonly config: object;
  /** Seed of the run's random generator (an integer). */
  readonly seed: number;
  /** Compute backend name. */
  readonly backend: string;
  /** Kernel threads (≥ 1). */
  readonly threads: number;
  /** Extra versions (e.g. `openblas`), merged over {@link collectVersions}'s. */
  readonly versions?: Readonly<Record<string, string>>;
  /** Initial status (default `created`). */
  readonly status?: RunStatus;
}

/** A row of the `runs` table as SQLite returns it. */
interface RunRow {
  id: string;
  config: string;
  seed: number;
  backend: string;
  threads: number;
  versions: string;
  status: string;
  status_detail: string | null;
  created_at: string;
  updated_at: string;
  last_update: number | null;
}

interface HistogramRow {
  step: number;
  layer: number;
  tensor: string;
  edges: Buffer;
  counts: Buffer;
  nan: number;
  posinf: number;
  neginf: number;
}

interface EvaluationRow {
  step: number;
  split: Split;
  error_rate: number | null;
  nll: number | null;
  examples: number;
}

function histogramFromRow(r: HistogramRow): StoredHistogram {
  return {
    update: r.step,
    layer: r.layer,
    tensor: r.tensor,
    edges: decodeFloat64(r.edges),
    counts: decodeFloat64(r.counts),
    nan: r.nan,
    posinf: r.posinf,
    neginf: r.neginf,
  };
}

function evaluationFromRow(r: EvaluationRow): EvaluationPoint {
  return { update: r.step, split: r.split, errorRate: fromSql(r.error_rate), nll: fromSql(r.nll), examples: r.examples };
}

/** SQL NULL stands for NaN (SQLite stores NaN as NULL). */
function fromSql(v: number | null): number {
  return v === null ? Number.NaN : v;
}

function runFromRow(r: RunRow): RunInfo {
  return {
    id: r.id,
    config: JSON.parse(r.config) as Record<string, unknown>,
    seed: r.seed,
    backend: r.backend,
    threads: r.threads,
    versions: JSON.parse(r.versions) as Record<string, string>,
    status: r.status as RunStatus,
    statusDetail: r.status_detail,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastUpdate: r.last_update,
  };
}

/** The SQLite extended error code of `e`, if it is a better-sqlite3 error. */
function sqliteCode(e: unknown): string | undefined {
  return e instanceof Database.SqliteError ? e.code : undefined;
}

/**
 * Opens (and for writing, creates) the run record of an output directory.
 * Writable stores use WAL, `synchronous = NORMAL` (a killed process never corrupts the database
 * nor loses a committed probe point; a power cut may lose the last few), foreign keys on.
 * @param outDir the output directory (created when missing and not readonly).
 * @throws RunStoreError `UNWRITABLE` when the directory or database cannot be created or written;
 *   `NO_DATABASE` for a readonly open of a directory without a run record; `NOT_A_RUN_RECORD` for a
 *   file that is not one; `SCHEMA_TOO_NEW` for a database written by a newer glorot.
 */
export function openRunStore(outDir: string, options: OpenRunStoreOptions = {}): RunStore {
  const readonly = options.readonly ?? false;
  const file = databasePath(outDir);
  if (readonly) {
    if (!existsSync(file)) {
      throw new RunStoreError(
        'NO_DATABASE',
        `no run record in ${outDir} (no ${file}): train a run there first, or point --out at the directory that holds glorot.sqlite`,
      );
    }
  } else {
    ensureDir(outDir, 'the output directory (--out)');
    try {
      accessSync(outDir, constants.W_OK);
    } catch (e) {
      throw new RunStoreError('UNWRITABLE', `cannot write the output directory ${outDir}: ${(e as Error).message}`);
    }
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file, readonly ? { readonly: true, fileMustExist: true } : {});
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (!readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new RunStoreError('UNWRITABLE', `${file}: SQLite refused WAL mode here (journal_mode stays ${String(mode)}); use a local disk for --out`);
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    }
    ensureSchema(db, file, !readonly);
    return new RunStore(db, outDir, file, readonly);
  } catch (e) {
    db?.close();
    if (e instanceof RunStoreError) throw e;
    const code = sqliteCode(e) ?? '';
    if (code === 'SQLITE_NOTADB') {
      throw new RunStoreError('NOT_A_RUN_RECORD', `${file} is not a SQLite database, so not a glorot run record; move it away or choose another --out directory`);
    }
    if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'SQLITE_IOERR') {
      throw new RunStoreError('UNWRITABLE', `cannot ${readonly ? 'open' : 'open for writing'} ${file}: ${(e as Error).message} (${code})`);
    }
    throw e;
  }
}

/** An open run record. Not safe to share between threads; open one per process or worker. */
export class RunStore {
  private readonly stmts = new Map<string, Database.Statement>();

  /** @internal use {@link openRunStore}. */
  constructor(
    private readonly db: Database.Database,
    /** The output directory. */
    readonly outDir: string,
    /** The database file. */
    readonly file: string,
    /** Whether writes are refused. */
    readonly readonly: boolean,
  ) {}

  /** A cached prepared statement. */
  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  private assertWritable(what: string): void {
    if (this.readonly) throw new RunStoreError('INVALID', `cannot ${what}: ${this.file} was opened readonly`);
  }

  /** Closes the database. The store must not be used afterwards. */
  close(): void {
    this.db.close();
  }

  /**
   * Records a new run (status `created` unless given). When `id` is absent, one is generated from
   * the config (`tanh-normalized-d5-s1` style, see `runIdBase`) and suffixed `-2`, `-3`… if taken.
   * @returns the stored run.
   * @throws RunStoreError `DUPLICATE_RUN` when `id` is taken; `INVALID` for a bad id, a config that
   *   is not a plain JSON-serialisable object, a non-integer seed or threads < 1.
   */
  createRun(options: CreateRunOptions): RunInfo {
    this.assertWritable('create a run');
    const { config } = options;
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw new RunStoreError('INVALID', `run config must be a plain object, found ${Array.isArray(config) ? 'an array' : String(config)}`);
    }
    let configJson: string;
    try {
      configJson = JSON.stringify(config);
    } catch (e) {
      throw new RunStoreError('INVALID', `run config is not JSON-serialisable: ${(e as Error).message}`);
    }
    checkInteger(options.seed, 'seed', Number.MIN_SAFE_INTEGER);
    checkInteger(options.threads, 'threads', 1);
    if (options.backend === '') throw new RunStoreError('INVALID', 'backend must be a non-empty name');
    const status = parseRunStatus(options.status ?? 'created');
    const versions = JSON.stringify(collectVersions(options.versions));
    if (options.id !== undefined) validateRunId(options.id);
    return this.db
      .transaction((): RunInfo => {
        let id = options.id;
        if (id !== undefined) {
          const existing = this.findRun(id);
          if (existing !== undefined) {
            throw new RunStoreError(
              'DUPLICATE_RUN',
              `run id "${id}" already exists in ${this.file} (status ${existing.status}, created ${existing.createdAt}); choose another id, or resume that run`,
            );
          }
        } else {
          const taken = new Set((this.stmt('SELECT id FROM runs').all() as { id: string }[]).map((r) => r.id));
          id = uniqueRunId(runIdBase(JSON.parse(configJson) as Record<string, unknown>, options.seed), taken);
        }
        const now = new Date().toISOString();
        this.stmt(
          `INSERT INTO runs (id, config, seed, backend, threads, versions, status, status_detail, created_at, updated_at, last_update)
           VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)`,
        ).run(id, configJson, options.seed, options.backend, options.threads, versions, status, now, now);
        return this.getRun(id);
      })
      .immediate();
  }

  private findRun(id: string): RunInfo | undefined {
    const row = this.stmt('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row === undefined ? undefined : runFromRow(row);
  }

  /** Whether a run with this id exists. */
  hasRun(id: string): boolean {
    return this.stmt('SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined;
  }

  /**
   * The run with this id.
   * @throws RunStoreError `UNKNOWN_RUN`, listing the ids that exist, when there is none.
   */
  getRun(id: string): RunInfo {
    const run = this.findRun(id);
    if (run === undefined) this.unknownRun(id);
    return run;
  }

  private unknownRun(id: string): never {
    const ids = (this.stmt('SELECT id FROM runs ORDER BY created_at, rowid').all() as { id: string }[]).map((r) => r.id);
    const shown = ids.length > 30 ? `${ids.slice(0, 30).join(', ')} and ${ids.length - 30} more` : ids.join(', ');
    throw new RunStoreError(
      'UNKNOWN_RUN',
      ids.length === 0 ? `no run "${id}" in ${this.file}: it holds no runs yet` : `no run "${id}" in ${this.file}; runs there: ${shown}`,
    );
  }

  private requireRun(id: string): void {
    if (!this.hasRun(id)) this.unknownRun(id);
  }

  /** Every run, in creation order. */
  listRuns(): RunInfo[] {
    return (this.stmt('SELECT * FROM runs ORDER BY created_at, rowid').all() as RunRow[]).map(runFromRow);
  }

  /**
   * Sets a run's status and detail (the detail is cleared when not given), and `updated_at`.
   * @param detail e.g. `loss became NaN at update 1234`, or an error message.
   * @returns the updated run.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a status not in `RUN_STATUSES`.
   */
  setStatus(run: string, status: RunStatus, detail?: string): RunInfo {
    this.assertWritable('set a run status');
    parseRunStatus(status);
    const changed = this.stmt('UPDATE runs SET status = ?, status_detail = ?, updated_at = ? WHERE id = ?').run(
      status,
      detail ?? null,
      new Date().toISOString(),
      run,
    ).changes;
    if (changed === 0) this.unknownRun(run);
    return this.getRun(run);
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
    this.assertWritable('continue a run');
    checkInteger(from, 'resume update', 0);
    checkInteger(threads, 'threads', 1);
    if (!/^[^\s;]+$/.test(backend)) throw new RunStoreError('INVALID', `backend must be a name without spaces or ";", found "${backend}"`);
    return this.db
      .transaction(() => {
        const info = this.getRun(run);
        const old = runSegments(info);
        const previous = from === 0 ? null : (old.filter((s) => s.from < from).at(-1) ?? null);
        const segments = continueSegments(old, from, backend, threads);
        const merged: Record<string, string> = { ...info.versions, ...versions };
        delete merged[SEGMENTS_KEY];
        if (segments.length > 1) merged[SEGMENTS_KEY] = formatSegments(segments);
        this.stmt('UPDATE runs SET backend = ?, threads = ?, versions = ?, updated_at = ? WHERE id = ?').run(
          backend,
          threads,
          JSON.stringify(merged),
          new Date().toISOString(),
          run,
        );
        return { run: this.getRun(run), previous };
      })
      .immediate();
  }

  /**
   * Records everything measured at one probe point in ONE transaction: the point's row, its scalars,
   * histograms and evaluations, and the run's `last_update`. If anything fails (validation or SQL),
   * nothing of the point is stored.
   * @param update the number of SGD updates done when measured (0 = right after initialisation);
   *   must be greater than the run's latest recorded update.
   * @throws RunStoreError `UNKNOWN_RUN`; `OUT_OF_ORDER` when `update` is not after the run's latest
   *   point (a resumed run must call {@link deleteAfter} first); `INVALID` for a bad record, or a
   *   (name, layer), (tensor, layer) or split listed twice.
   */
  recordProbePoint(run: string, update: number, point: ProbePoint): void {
    this.assertWritable('record a probe point');
    checkInteger(update, 'probe point update', 0);
    const where = `run ${run}, update ${update}`;
    const wallTime = point.wallTime ?? Date.now() / 1000;
    if (!Number.isFinite(wallTime)) throw new RunStoreError('INVALID', `${where}: wallTime must be finite Unix seconds, found ${wallTime}`);
    this.db
      .transaction(() => {
        const row = this.stmt('SELECT last_update FROM runs WHERE id = ?').get(run) as { last_update: number | null } | undefined;
        if (row === undefined) this.unknownRun(run);
        if (row.last_update !== null && update <= row.last_update) {
          throw new RunStoreError(
            'OUT_OF_ORDER',
            `${where}: the run already has records up to update ${row.last_update}; a resumed run must first drop the records after its checkpoint (deleteAfter(run, checkpointUpdate))`,
          );
        }
        this.stmt('INSERT INTO probe_points (run, step, wall_time) VALUES (?, ?, ?)').run(run, update, wallTime);
        const insScalar = this.stmt('INSERT INTO scalars (run, step, layer, name, value) VALUES (?, ?, ?, ?, ?)');
        for (const s of point.scalars ?? []) {
          checkScalar(s, where);
          this.uniquely(() => insScalar.run(run, update, s.layer, s.name, Number.isNaN(s.value) ? null : s.value), `${where}: scalar ${s.name} of layer ${s.layer} is listed twice`);
        }
        const insHist = this.stmt(
          'INSERT INTO histograms (run, step, layer, tensor, edges, counts, nan, posinf, neginf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        );
        for (const h of point.histograms ?? []) {
          checkHistogram(h, where);
          this.uniquely(
            () => insHist.run(run, update, h.layer, h.tensor, encodeFloat64(h.edges), encodeFloat64(h.counts), h.nan ?? 0, h.posinf ?? 0, h.neginf ?? 0),
            `${where}: histogram ${h.tensor} of layer ${h.layer} is listed twice`,
          );
        }
        const insEval = this.stmt('INSERT INTO evaluations (run, step, split, error_rate, nll, examples) VALUES (?, ?, ?, ?, ?, ?)');
        for (const e of point.evaluations ?? []) {
          checkEvaluation(e, where);
          this.uniquely(
            () => insEval.run(run, update, e.split, e.errorRate, Number.isNaN(e.nll) ? null : e.nll, e.examples),
            `${where}: the ${e.split} evaluation is listed twice`,
          );
        }
        this.stmt('UPDATE runs SET last_update = ?, updated_at = ? WHERE id = ?').run(update, new Date().toISOString(), run);
      })
      .immediate();
  }

  /** Runs an insert, turning a primary-key violation into a RunStoreError `INVALID` with `message`. */
  private uniquely(insert: () => unknown, message: string): void {
    try {
      insert();
    } catch (e) {
      if (sqliteCode(e) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new RunStoreError('INVALID', message);
      throw e;
    }
  }

  /**
   * Deletes every record of `run` measured after `update` (probe points, scalars, histograms,
   * evaluations) and resets `last_update` to the latest remaining point, in one transaction. A
   * resumed run calls it with its checkpoint's update so it never writes duplicate rows.
   * @returns the number of probe points deleted.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` when `update` is not an integer ≥ −1
   *   (−1 deletes everything).
   */
  deleteAfter(run: string, update: number): number {
    this.assertWritable('delete records');
    checkInteger(update, 'deleteAfter update', -1);
    return this.db
      .transaction((): number => {
        this.requireRun(run);
        for (const table of ['scalars', 'histograms', 'evaluations']) {
          this.stmt(`DELETE FROM ${table} WHERE run = ? AND step > ?`).run(run, update);
        }
        const deleted = this.stmt('DELETE FROM probe_points WHERE run = ? AND step > ?').run(run, update).changes;
        this.stmt(
          'UPDATE runs SET last_update = (SELECT max(step) FROM probe_points WHERE run = ?), updated_at = ? WHERE id = ?',
        ).run(run, new Date().toISOString(), run);
        return deleted;
      })
      .immediate();
  }

  /**
   * The run's probe points, in update order.
   * @throws RunStoreError `UNKNOWN_RUN`.
   */
  probePoints(run: string): ProbePointInfo[] {
    this.requireRun(run);
    return (this.stmt('SELECT step, wall_time FROM probe_points WHERE run = ? ORDER BY step').all(run) as { step: number; wall_time: number }[]).map(
      (r) => ({ update: r.step, wallTime: r.wall_time }),
    );
  }

  /**
   * Everything recorded at one probe point (the inverse of {@link recordProbePoint}), with scalars
   * ordered by (layer, name), histograms by (tensor, layer), evaluations by split; or null when the
   * run has no point at `update`.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad update.
   */
  readProbePoint(run: string, update: number): StoredProbePoint | null {
    checkInteger(update, 'update', 0);
    // One read transaction: the four queries see the same snapshot even while a run writes.
    return this.db.transaction(() => this.readProbePointIn(run, update))();
  }

  private readProbePointIn(run: string, update: number): StoredProbePoint | null {
    this.requireRun(run);
    const p = this.stmt('SELECT wall_time FROM probe_points WHERE run = ? AND step = ?').get(run, update) as { wall_time: number } | undefined;
    if (p === undefined) return null;
    const scalars = (
      this.stmt('SELECT layer, name, value FROM scalars WHERE run = ? AND step = ? ORDER BY layer, name').all(run, update) as {
        layer: number;
        name: string;
        value: number | null;
      }[]
    ).map((r) => ({ layer: r.layer, name: r.name, value: fromSql(r.value) }));
    const histograms = (
      this.stmt('SELECT step, layer, tensor, edges, counts, nan, posinf, neginf FROM histograms WHERE run = ? AND step = ? ORDER BY tensor, layer').all(
        run,
        update,
      ) as HistogramRow[]
    ).map(histogramFromRow);
    const evaluations = (
      this.stmt('SELECT step, split, error_rate, nll, examples FROM evaluations WHERE run = ? AND step = ? ORDER BY split').all(run, update) as EvaluationRow[]
    ).map(evaluationFromRow);
    return { update, wallTime: p.wall_time, scalars, histograms, evaluations };
  }

  /**
   * One scalar statistic over training: every layer's (ordered by layer, then update), or one
   * layer's when `layer` is given. NaN values come back as NaN.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad name or layer.
   */
  scalarSeries(run: string, name: string, layer?: number): ScalarPoint[] {
    checkName(name, 'scalar name');
    this.requireRun(run);
    const rows = (
      layer === undefined
        ? this.stmt('SELECT step, layer, value FROM scalars WHERE run = ? AND name = ? ORDER BY layer, step').all(run, name)
        : this.stmt('SELECT step, layer, value FROM scalars WHERE run = ? AND name = ? AND layer = ? ORDER BY step').all(
            run,
            name,
            checkInteger(layer, 'layer', -1),
          )
    ) as { step: number; layer: number; value: number | null }[];
    return rows.map((r) => ({ update: r.step, layer: r.layer, value: fromSql(r.value) }));
  }

  /**
   * For each (name, layer) the run has, its most recent value and the update it was recorded at,
   * ordered by name then layer.
   * @throws RunStoreError `UNKNOWN_RUN`.
   */
  latestScalars(run: string): LatestScalar[] {
    this.requireRun(run);
    // SQLite documents that with max() the bare columns come from the row holding the maximum.
    const rows = this.stmt(
      'SELECT name, layer, max(step) AS step, value FROM scalars WHERE run = ? GROUP BY name, layer ORDER BY name, layer',
    ).all(run) as { name: string; layer: number; step: number; value: number | null }[];
    return rows.map((r) => ({ name: r.name, layer: r.layer, update: r.step, value: fromSql(r.value) }));
  }

  /**
   * The histograms of one tensor at one update, one per layer, ordered by layer; empty when none
   * was recorded there (see {@link histogramUpdates}).
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad tensor name or update.
   */
  histogramsAt(run: string, tensor: string, update: number): StoredHistogram[] {
    checkName(tensor, 'histogram tensor');
    checkInteger(update, 'update', 0);
    this.requireRun(run);
    const rows = this.stmt(
      'SELECT step, layer, tensor, edges, counts, nan, posinf, neginf FROM histograms WHERE run = ? AND tensor = ? AND step = ? ORDER BY layer',
    ).all(run, tensor, update) as HistogramRow[];
    return rows.map(histogramFromRow);
  }

  /**
   * The updates at which the run has histograms (of `tensor` when given), ascending.
   * @throws RunStoreError `UNKNOWN_RUN`.
   */
  histogramUpdates(run: string, tensor?: string): number[] {
    this.requireRun(run);
    const rows = (
      tensor === undefined
        ? this.stmt('SELECT DISTINCT step FROM histograms WHERE run = ? ORDER BY step').all(run)
        : this.stmt('SELECT DISTINCT step FROM histograms WHERE run = ? AND tensor = ? ORDER BY step').all(run, checkName(tensor, 'histogram tensor'))
    ) as { step: number }[];
    return rows.map((r) => r.step);
  }

  /**
   * The names of the tensors the run has histograms of, sorted.
   * @throws RunStoreError `UNKNOWN_RUN`.
   */
  histogramTensors(run: string): string[] {
    this.requireRun(run);
    return (this.stmt('SELECT DISTINCT tensor FROM histograms WHERE run = ? ORDER BY tensor').all(run) as { tensor: string }[]).map((r) => r.tensor);
  }

  /**
   * Error rate (%) and NLL on one split over training, in update order.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a split not in `SPLITS`.
   */
  evaluationSeries(run: string, split: Split): EvaluationPoint[] {
    parseSplit(split);
    this.requireRun(run);
    const rows = this.stmt(
      'SELECT step, split, error_rate, nll, examples FROM evaluations WHERE run = ? AND split = ? ORDER BY step',
    ).all(run, split) as EvaluationRow[];
    return rows.map(evaluationFromRow);
  }

  /**
   * The most recent evaluation on one split, or null when there is none.
   * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a split not in `SPLITS`.
   */
  latestEvaluation(run: string, split: Split): EvaluationPoint | null {
    parseSplit(split);
    this.requireRun(run);
    const r = this.stmt(
      'SELECT step, split, error_rate, nll, examples FROM evaluations WHERE run = ? AND split = ? ORDER BY step DESC LIMIT 1',
    ).get(run, split) as EvaluationRow | undefined;
    return r === undefined ? null : evaluationFromRow(r);
  }
}
