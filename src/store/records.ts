/**
 * Writing the per-probe-point records: one probe point in one transaction, and dropping the records
 * after a checkpoint when a run resumes. Used through {@link RunStore} (runStore.ts).
 */
import { RunStoreError } from './errors.ts';
import { encodeFloat64 } from './float64Blob.ts';
import { requireRun, unknownRun } from './runs.ts';
import { type Sql, sqliteCode, toSql } from './sql.ts';
import type { ProbePoint } from './types.ts';
import { checkEvaluation, checkHistogram, checkInteger, checkScalar } from './validate.ts';

/** Runs an insert, turning a primary-key violation into a RunStoreError `INVALID` with `message`. */
function uniquely(insert: () => unknown, message: string): void {
  try {
    insert();
  } catch (e) {
    if (sqliteCode(e) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new RunStoreError('INVALID', message);
    throw e;
  }
}

/**
 * Records everything measured at one probe point in ONE transaction (see `RunStore.recordProbePoint`).
 * @param updates SGD updates made before the measurement; greater than the run's latest point's.
 * @throws RunStoreError `UNKNOWN_RUN`; `OUT_OF_ORDER`; `INVALID` for a bad or repeated record.
 */
export function recordProbePoint(sql: Sql, run: string, updates: number, point: ProbePoint): void {
  sql.assertWritable('record a probe point');
  checkInteger(updates, 'probe point update', 0);
  const where = `run ${run}, update ${updates}`;
  const wallTime = point.wallTime ?? Date.now() / 1000;
  if (!Number.isFinite(wallTime)) throw new RunStoreError('INVALID', `${where}: wallTime must be finite Unix seconds, found ${wallTime}`);
  sql.write(() => {
    const row = sql.stmt('SELECT last_update FROM runs WHERE id = ?').get(run) as { last_update: number | null } | undefined;
    if (row === undefined) unknownRun(sql, run);
    if (row.last_update !== null && updates <= row.last_update) {
      throw new RunStoreError(
        'OUT_OF_ORDER',
        `${where}: the run already has records up to update ${row.last_update}; a resumed run ` +
          `must first drop the records after its checkpoint (deleteAfter(run, checkpointUpdate))`,
      );
    }
    sql.stmt('INSERT INTO probe_points (run, updates, wall_time) VALUES (?, ?, ?)').run(run, updates, wallTime);
    const insScalar = sql.stmt('INSERT INTO scalars (run, updates, layer, name, value) VALUES (?, ?, ?, ?, ?)');
    for (const s of point.scalars ?? []) {
      checkScalar(s, where);
      uniquely(() => insScalar.run(run, updates, s.layer, s.name, toSql(s.value)), `${where}: scalar ${s.name} of layer ${s.layer} is listed twice`);
    }
    const insHist = sql.stmt('INSERT INTO histograms (run, updates, layer, tensor, edges, counts, nan, posinf, neginf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const h of point.histograms ?? []) {
      checkHistogram(h, where);
      uniquely(
        () => insHist.run(run, updates, h.layer, h.tensor, encodeFloat64(h.edges), encodeFloat64(h.counts), h.nan, h.posInf, h.negInf),
        `${where}: histogram ${h.tensor} of layer ${h.layer} is listed twice`,
      );
    }
    const insEval = sql.stmt('INSERT INTO evaluations (run, updates, split, error_rate, nll, examples) VALUES (?, ?, ?, ?, ?, ?)');
    for (const e of point.evaluations ?? []) {
      checkEvaluation(e, where);
      uniquely(() => insEval.run(run, updates, e.split, e.errorRate, toSql(e.nll), e.examples), `${where}: the ${e.split} evaluation is listed twice`);
    }
    sql.stmt('UPDATE runs SET last_update = ?, updated_at = ? WHERE id = ?').run(updates, new Date().toISOString(), run);
  });
}

/**
 * Deletes every record of `run` measured after `updates` and resets `last_update`, in one
 * transaction (see `RunStore.deleteAfter`).
 * @returns the number of probe points deleted.
 * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` when `updates` is not an integer ≥ −1.
 */
export function deleteAfter(sql: Sql, run: string, updates: number): number {
  sql.assertWritable('delete records');
  checkInteger(updates, 'deleteAfter update', -1);
  return sql.write((): number => {
    requireRun(sql, run);
    for (const table of ['scalars', 'histograms', 'evaluations']) {
      sql.stmt(`DELETE FROM ${table} WHERE run = ? AND updates > ?`).run(run, updates);
    }
    const deleted = sql.stmt('DELETE FROM probe_points WHERE run = ? AND updates > ?').run(run, updates).changes;
    sql
      .stmt('UPDATE runs SET last_update = (SELECT max(updates) FROM probe_points WHERE run = ?), updated_at = ? WHERE id = ?')
      .run(run, new Date().toISOString(), run);
    return deleted;
  });
}
