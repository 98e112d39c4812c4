/**
 * The `runs` table: creating a run, reading it, and changing its status and training segments.
 * Used through {@link RunStore} (runStore.ts), which documents each operation for callers.
 */
import { foundText } from '../core/errors.ts';
import { isRunId, RUN_ID_WORDS } from '../core/run-ids.ts';
import { RunStoreError } from './errors.ts';
import { runIdBase, uniqueRunId, validateRunId } from './runId.ts';
import { continueSegments, formatSegments, runSegments, SEGMENTS_KEY, type RunSegment } from './segments.ts';
import type { Sql } from './sql.ts';
import type { RunInfo, RunStatus } from './types.ts';
import { checkInteger, parseRunStatus } from './validate.ts';
import { collectVersions } from './versions.ts';

/** What {@link createRun} needs. */
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

/**
 * A run as read from its row. Its id is checked against the one rule (src/core/run-ids.ts) before
 * anything uses it: ids name directories and files, and a tampered record must not lead a path out
 * of the output directory (issue 15, item 6).
 * @throws RunStoreError `CORRUPT` naming the file and the id when the id is not a valid run id.
 */
function runFromRow(sql: Sql, r: RunRow): RunInfo {
  if (!isRunId(r.id)) {
    throw new RunStoreError(
      'CORRUPT',
      `${sql.file} holds the run id ${foundText(r.id)}, which glorot never writes (expected ${RUN_ID_WORDS}): ` +
        'the record was changed outside glorot or is damaged; glorot will not use it',
    );
  }
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

/** The run `id`, or undefined when there is none. */
function findRun(sql: Sql, id: string): RunInfo | undefined {
  const row = sql.stmt('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  return row === undefined ? undefined : runFromRow(sql, row);
}

/** Whether a run with this id exists. */
export function hasRun(sql: Sql, id: string): boolean {
  return sql.stmt('SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined;
}

/** @throws RunStoreError `UNKNOWN_RUN` for `id`, listing (up to 30 of) the runs that exist. */
export function unknownRun(sql: Sql, id: string): never {
  const ids = (sql.stmt('SELECT id FROM runs ORDER BY created_at, rowid').all() as { id: string }[]).map((r) => r.id);
  const shown = ids.length > 30 ? `${ids.slice(0, 30).join(', ')} and ${ids.length - 30} more` : ids.join(', ');
  throw new RunStoreError(
    'UNKNOWN_RUN',
    ids.length === 0 ? `no run "${id}" in ${sql.file}: it holds no runs yet` : `no run "${id}" in ${sql.file}; runs there: ${shown}`,
  );
}

/** The run `id`. @throws RunStoreError `UNKNOWN_RUN`. */
export function getRun(sql: Sql, id: string): RunInfo {
  return findRun(sql, id) ?? unknownRun(sql, id);
}

/** @throws RunStoreError `UNKNOWN_RUN` unless the run exists. */
export function requireRun(sql: Sql, id: string): void {
  if (!hasRun(sql, id)) unknownRun(sql, id);
}

/** Every run, in creation order. */
export function listRuns(sql: Sql): RunInfo[] {
  return (sql.stmt('SELECT * FROM runs ORDER BY created_at, rowid').all() as RunRow[]).map((r) => runFromRow(sql, r));
}

/**
 * Records a new run (see `RunStore.createRun`).
 * @throws RunStoreError `DUPLICATE_RUN`; `INVALID` for a bad id, config, seed, backend or threads.
 */
export function createRun(sql: Sql, options: CreateRunOptions): RunInfo {
  sql.assertWritable('create a run');
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
  return sql.write((): RunInfo => {
    let id = options.id;
    if (id !== undefined) {
      const existing = findRun(sql, id);
      if (existing !== undefined) {
        throw new RunStoreError(
          'DUPLICATE_RUN',
          `run id "${id}" already exists in ${sql.file} (status ${existing.status}, created ${existing.createdAt}); choose another id, or resume that run`,
        );
      }
    } else {
      const taken = new Set((sql.stmt('SELECT id FROM runs').all() as { id: string }[]).map((r) => r.id));
      id = uniqueRunId(runIdBase(JSON.parse(configJson) as Record<string, unknown>, options.seed), taken);
    }
    const now = new Date().toISOString();
    sql
      .stmt(
        `INSERT INTO runs (id, config, seed, backend, threads, versions, status, status_detail, created_at, updated_at, last_update)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)`,
      )
      .run(id, configJson, options.seed, options.backend, options.threads, versions, status, now, now);
    return getRun(sql, id);
  });
}

/**
 * Sets a run's status and detail (cleared when not given) and `updated_at` (see `RunStore.setStatus`).
 * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a status not in `RUN_STATUSES`.
 */
export function setStatus(sql: Sql, run: string, status: RunStatus, detail?: string): RunInfo {
  sql.assertWritable('set a run status');
  parseRunStatus(status);
  const changed = sql
    .stmt('UPDATE runs SET status = ?, status_detail = ?, updated_at = ? WHERE id = ?')
    .run(status, detail ?? null, new Date().toISOString(), run).changes;
  if (changed === 0) unknownRun(sql, run);
  return getRun(sql, run);
}

/**
 * Records that training continues from update `from` on `backend` with `threads` (see
 * `RunStore.continueRun`). One transaction.
 * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad update, backend or thread count, or a
 *   malformed stored segment list.
 */
export function continueRun(
  sql: Sql,
  run: string,
  from: number,
  backend: string,
  threads: number,
  versions: Readonly<Record<string, string>>,
): { run: RunInfo; previous: RunSegment | null } {
  sql.assertWritable('continue a run');
  checkInteger(from, 'resume update', 0);
  checkInteger(threads, 'threads', 1);
  if (!/^[^\s;]+$/.test(backend)) throw new RunStoreError('INVALID', `backend must be a name without spaces or ";", found "${backend}"`);
  return sql.write(() => {
    const info = getRun(sql, run);
    const old = runSegments(info);
    const previous = from === 0 ? null : (old.filter((s) => s.from < from).at(-1) ?? null);
    const segments = continueSegments(old, from, backend, threads);
    const merged: Record<string, string> = { ...info.versions, ...versions };
    delete merged[SEGMENTS_KEY];
    if (segments.length > 1) merged[SEGMENTS_KEY] = formatSegments(segments);
    sql
      .stmt('UPDATE runs SET backend = ?, threads = ?, versions = ?, updated_at = ? WHERE id = ?')
      .run(backend, threads, JSON.stringify(merged), new Date().toISOString(), run);
    return { run: getRun(sql, run), previous };
  });
}
