/**
 * Reading the per-probe-point records: whole probe points, series of one statistic, histograms,
 * evaluations. Used through {@link RunStore} (runStore.ts). Every record comes back in the metric
 * vocabulary's types (src/core/metrics.ts) with the `updates` it was measured at; NULL comes back
 * as NaN.
 */
import type { HistogramTensor, ScalarName, ScalarRecord, Split } from '../core/metrics.ts';
import { decodeFloat64 } from './float64Blob.ts';
import { requireRun } from './runs.ts';
import { fromSql, type Sql } from './sql.ts';
import type { EvaluationPoint, LatestScalar, ProbePointInfo, ScalarPoint, StoredHistogram, StoredProbePoint } from './types.ts';
import { checkHistogramTensor, checkInteger, checkScalarName, parseSplit } from './validate.ts';

interface HistogramRow {
  updates: number;
  layer: number;
  tensor: HistogramTensor;
  edges: Buffer;
  counts: Buffer;
  nan: number;
  posinf: number;
  neginf: number;
}

interface EvaluationRow {
  updates: number;
  split: Split;
  error_rate: number | null;
  nll: number | null;
  examples: number;
}

const HISTOGRAM_COLUMNS = 'updates, layer, tensor, edges, counts, nan, posinf, neginf';
const EVALUATION_COLUMNS = 'updates, split, error_rate, nll, examples';

function histogramFromRow(r: HistogramRow): StoredHistogram {
  return {
    updates: r.updates,
    layer: r.layer,
    tensor: r.tensor,
    edges: decodeFloat64(r.edges),
    counts: decodeFloat64(r.counts),
    nan: r.nan,
    posInf: r.posinf,
    negInf: r.neginf,
  };
}

function evaluationFromRow(r: EvaluationRow): EvaluationPoint {
  return { updates: r.updates, split: r.split, errorRate: fromSql(r.error_rate), nll: fromSql(r.nll), examples: r.examples };
}

/** The run's probe points, in update order. @throws RunStoreError `UNKNOWN_RUN`. */
export function probePoints(sql: Sql, run: string): ProbePointInfo[] {
  requireRun(sql, run);
  const rows = sql.stmt('SELECT updates, wall_time FROM probe_points WHERE run = ? ORDER BY updates').all(run) as { updates: number; wall_time: number }[];
  return rows.map((r) => ({ updates: r.updates, wallTime: r.wall_time }));
}

/**
 * The run's latest `count` probe points, in update order (all of them when it has fewer).
 * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a count < 1.
 */
export function recentProbePoints(sql: Sql, run: string, count: number): ProbePointInfo[] {
  checkInteger(count, 'probe point count', 1);
  requireRun(sql, run);
  const rows = sql
    .stmt('SELECT updates, wall_time FROM probe_points WHERE run = ? ORDER BY updates DESC LIMIT ?')
    .all(run, count) as { updates: number; wall_time: number }[];
  return rows.reverse().map((r) => ({ updates: r.updates, wallTime: r.wall_time }));
}

/**
 * The run's probe points measured after `updates`, in update order.
 * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for an update count < −1.
 */
export function probePointsAfter(sql: Sql, run: string, updates: number): ProbePointInfo[] {
  checkInteger(updates, 'updates', -1);
  requireRun(sql, run);
  const rows = sql
    .stmt('SELECT updates, wall_time FROM probe_points WHERE run = ? AND updates > ? ORDER BY updates')
    .all(run, updates) as { updates: number; wall_time: number }[];
  return rows.map((r) => ({ updates: r.updates, wallTime: r.wall_time }));
}

/**
 * Everything recorded at one probe point, in one read transaction (see `RunStore.readProbePoint`).
 * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad update count.
 */
export function readProbePoint(sql: Sql, run: string, updates: number): StoredProbePoint | null {
  checkInteger(updates, 'updates', 0);
  return sql.read((): StoredProbePoint | null => {
    requireRun(sql, run);
    const p = sql.stmt('SELECT wall_time FROM probe_points WHERE run = ? AND updates = ?').get(run, updates) as { wall_time: number } | undefined;
    if (p === undefined) return null;
    const scalars = (
      sql.stmt('SELECT layer, name, value FROM scalars WHERE run = ? AND updates = ? ORDER BY layer, name').all(run, updates) as {
        layer: number;
        name: ScalarName;
        value: number | null;
      }[]
    ).map((r) => ({ layer: r.layer, name: r.name, value: fromSql(r.value) }));
    const histograms = (
      sql.stmt(`SELECT ${HISTOGRAM_COLUMNS} FROM histograms WHERE run = ? AND updates = ? ORDER BY tensor, layer`).all(run, updates) as HistogramRow[]
    ).map(histogramFromRow);
    const evaluations = (
      sql.stmt(`SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE run = ? AND updates = ? ORDER BY split`).all(run, updates) as EvaluationRow[]
    ).map(evaluationFromRow);
    return { updates, wallTime: p.wall_time, scalars, histograms, evaluations };
  });
}

/**
 * One statistic over training, every layer's (by layer, then updates) or one layer's.
 * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a name outside the vocabulary or a bad layer.
 */
export function scalarSeries(sql: Sql, run: string, name: ScalarName, layer?: number): ScalarPoint[] {
  checkScalarName(name, 'scalar name');
  requireRun(sql, run);
  const rows = (
    layer === undefined
      ? sql.stmt('SELECT updates, layer, value FROM scalars WHERE run = ? AND name = ? ORDER BY layer, updates').all(run, name)
      : sql
          .stmt('SELECT updates, layer, value FROM scalars WHERE run = ? AND name = ? AND layer = ? ORDER BY updates')
          .all(run, name, checkInteger(layer, 'layer', -1))
  ) as { updates: number; layer: number; value: number | null }[];
  return rows.map((r) => ({ updates: r.updates, layer: r.layer, value: fromSql(r.value) }));
}

/**
 * The scalars recorded at one probe point, by layer then name (empty when there is no such point):
 * a primary-key range, so it costs the same on a paper-length run as on a short one.
 * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad update count.
 */
export function scalarsAt(sql: Sql, run: string, updates: number): ScalarRecord[] {
  checkInteger(updates, 'updates', 0);
  requireRun(sql, run);
  const rows = sql.stmt('SELECT layer, name, value FROM scalars WHERE run = ? AND updates = ? ORDER BY layer, name').all(run, updates) as {
    layer: number;
    name: ScalarName;
    value: number | null;
  }[];
  return rows.map((r) => ({ layer: r.layer, name: r.name, value: fromSql(r.value) }));
}

/** The scalar names the run has, sorted. @throws RunStoreError `UNKNOWN_RUN`. */
export function scalarNames(sql: Sql, run: string): ScalarName[] {
  requireRun(sql, run);
  return (sql.stmt('SELECT DISTINCT name FROM scalars WHERE run = ? ORDER BY name').all(run) as { name: ScalarName }[]).map((r) => r.name);
}

/** For each (name, layer), its most recent value, ordered by name then layer. @throws RunStoreError `UNKNOWN_RUN`. */
export function latestScalars(sql: Sql, run: string): LatestScalar[] {
  requireRun(sql, run);
  // SQLite documents that with max() the bare columns come from the row holding the maximum.
  const rows = sql
    .stmt('SELECT name, layer, max(updates) AS updates, value FROM scalars WHERE run = ? GROUP BY name, layer ORDER BY name, layer')
    .all(run) as { name: ScalarName; layer: number; updates: number; value: number | null }[];
  return rows.map((r) => ({ name: r.name, layer: r.layer, updates: r.updates, value: fromSql(r.value) }));
}

/**
 * The histograms of one tensor at one update count, one per layer, by layer (empty when none).
 * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a tensor outside the vocabulary or a bad count.
 */
export function histogramsAt(sql: Sql, run: string, tensor: HistogramTensor, updates: number): StoredHistogram[] {
  checkHistogramTensor(tensor, 'histogram tensor');
  checkInteger(updates, 'updates', 0);
  requireRun(sql, run);
  const rows = sql
    .stmt(`SELECT ${HISTOGRAM_COLUMNS} FROM histograms WHERE run = ? AND tensor = ? AND updates = ? ORDER BY layer`)
    .all(run, tensor, updates) as HistogramRow[];
  return rows.map(histogramFromRow);
}

/**
 * Every histogram of one tensor over training, ordered by updates, then layer.
 * @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a tensor outside the vocabulary.
 */
export function histogramSeries(sql: Sql, run: string, tensor: HistogramTensor): StoredHistogram[] {
  checkHistogramTensor(tensor, 'histogram tensor');
  requireRun(sql, run);
  const rows = sql
    .stmt(`SELECT ${HISTOGRAM_COLUMNS} FROM histograms WHERE run = ? AND tensor = ? ORDER BY updates, layer`)
    .all(run, tensor) as HistogramRow[];
  return rows.map(histogramFromRow);
}

/** The update counts at which the run has histograms (of `tensor` when given), ascending. @throws RunStoreError `UNKNOWN_RUN`. */
export function histogramUpdates(sql: Sql, run: string, tensor?: HistogramTensor): number[] {
  requireRun(sql, run);
  const rows = (
    tensor === undefined
      ? sql.stmt('SELECT DISTINCT updates FROM histograms WHERE run = ? ORDER BY updates').all(run)
      : sql
          .stmt('SELECT DISTINCT updates FROM histograms WHERE run = ? AND tensor = ? ORDER BY updates')
          .all(run, checkHistogramTensor(tensor, 'histogram tensor'))
  ) as { updates: number }[];
  return rows.map((r) => r.updates);
}

/** The tensors the run has histograms of, sorted. @throws RunStoreError `UNKNOWN_RUN`. */
export function histogramTensors(sql: Sql, run: string): HistogramTensor[] {
  requireRun(sql, run);
  return (sql.stmt('SELECT DISTINCT tensor FROM histograms WHERE run = ? ORDER BY tensor').all(run) as { tensor: HistogramTensor }[]).map((r) => r.tensor);
}

/** Error rate (%) and NLL on one split over training. @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad split. */
export function evaluationSeries(sql: Sql, run: string, split: Split): EvaluationPoint[] {
  parseSplit(split);
  requireRun(sql, run);
  const rows = sql.stmt(`SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE run = ? AND split = ? ORDER BY updates`).all(run, split) as EvaluationRow[];
  return rows.map(evaluationFromRow);
}

/** The most recent evaluation on one split, or null. @throws RunStoreError `UNKNOWN_RUN`; `INVALID` for a bad split. */
export function latestEvaluation(sql: Sql, run: string, split: Split): EvaluationPoint | null {
  parseSplit(split);
  requireRun(sql, run);
  const r = sql
    .stmt(`SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE run = ? AND split = ? ORDER BY updates DESC LIMIT 1`)
    .get(run, split) as EvaluationRow | undefined;
  return r === undefined ? null : evaluationFromRow(r);
}
