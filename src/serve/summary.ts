/**
 * One run as the dashboard lists it ({@link RunSummary}) and shows it ({@link RunDetail}), read from
 * the record: the stored config's shape (the report's `runShape`), progress, rate and time left from
 * the probe points' wall times, the latest errors, and the alarms (alarms.ts).
 */
import { foundText } from '../core/errors.ts';
import { runShape } from '../report/select.ts';
import { type EvaluationPoint, outDirFileProblem, readLock, RUN_STATUSES, type RunInfo, runLockPath, type RunStatus, type RunStore } from '../store/index.ts';
import { type RunLock, runAlarms } from './alarms.ts';
import type { RunDetail, RunSummary } from './api.ts';

/** How many of the latest probe-point intervals the rate looks at. */
export const RATE_INTERVALS = 6;

/**
 * Updates per second from probe points' wall times: the median over the latest
 * {@link RATE_INTERVALS} intervals of Δupdates / Δseconds. The median, not the total: an interval
 * that spans a pause (a run interrupted and resumed hours later) or the dense early probe points
 * (where probing dominates) does not drag the rate.
 * @param points probe points in update order (`updates`, `wallTime` in Unix seconds).
 * @returns null with fewer than two points or no interval with time passing.
 */
export function rateOf(points: readonly { readonly updates: number; readonly wallTime: number }[]): number | null {
  const rates: number[] = [];
  for (let i = Math.max(1, points.length - RATE_INTERVALS); i < points.length; i++) {
    const du = points[i]!.updates - points[i - 1]!.updates;
    const dt = points[i]!.wallTime - points[i - 1]!.wallTime;
    if (du > 0 && dt > 0) rates.push(du / dt);
  }
  if (rates.length === 0) return null;
  rates.sort((a, b) => a - b);
  const m = rates.length >> 1;
  return rates.length % 2 === 1 ? rates[m]! : (rates[m - 1]! + rates[m]!) / 2;
}

/**
 * Reads run `id`'s lock (the store's readLock: owner, and whether it still runs). Never throws: a lock
 * file that cannot be read counts as none (no process can be shown to hold the run), and so does one
 * that is not a regular file inside the output directory (a symlink leading out: its owner's command
 * would be shown; a FIFO: reading it would block).
 */
export function readRunLock(outDir: string, id: string): RunLock {
  try {
    const path = runLockPath(outDir, id);
    if (outDirFileProblem(outDir, path, 'a run lock') !== null) return 'none';
    return readLock(path) ?? 'none';
  } catch {
    return 'none';
  }
}

/**
 * The run's status and detail as the dashboard shows them. A status this glorot does not know (a
 * record written by another version, or changed outside glorot) is shown as `unknown`, its detail
 * saying what the record holds, rather than passed on as if it were one; a detail that is not text
 * (or missing) is null.
 */
export function shownStatus(run: Pick<RunInfo, 'status' | 'statusDetail'>): { status: RunStatus | 'unknown'; statusDetail: string | null } {
  const detail = typeof run.statusDetail === 'string' ? run.statusDetail : null;
  if ((RUN_STATUSES as readonly unknown[]).includes(run.status)) return { status: run.status, statusDetail: detail };
  return {
    status: 'unknown',
    statusDetail: `the record holds the status ${foundText(run.status)}, which this glorot does not know (expected one of ` +
      `${RUN_STATUSES.join(', ')}): a record written by another version, or changed outside glorot`,
  };
}

/** A finite number, or null (NaN, ±Infinity and undefined have no JSON number). */
function finite(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

/**
 * The run-list row of one run, in one read transaction.
 * @param lock the run's lock as read now (only used while the run is `running`; null to skip).
 * @throws RunStoreError `UNKNOWN_RUN` when the run is gone.
 */
export function buildRunSummary(store: RunStore, run: RunInfo, lock: RunLock | null): RunSummary {
  return store.readTransaction(() => {
    const shape = runShape(run.config);
    const recent = store.recentProbePoints(run.id, RATE_INTERVALS + 1);
    const validation = store.latestEvaluation(run.id, 'validation');
    const test = store.latestEvaluation(run.id, 'test');
    const train = store.latestEvaluation(run.id, 'train');
    const evaluations = [train, validation, test].filter((e): e is EvaluationPoint => e !== null);
    const updates = recent.at(-1)?.updates ?? null;
    const totalUpdates = Number.isFinite(shape.updates) ? shape.updates : (updates ?? 0);
    const rate = rateOf(recent);
    const secondsLeft = run.status === 'running' && rate !== null ? Math.max(0, totalUpdates - (updates ?? 0)) / rate : null;
    const { status, statusDetail } = shownStatus(run);
    const alarms = runAlarms({
      status,
      statusDetail,
      lastUpdate: updates,
      activation: shape.activation,
      scalars: updates === null ? [] : store.scalarsAt(run.id, updates),
      evaluations,
      lock: run.status === 'running' ? lock : null,
      lockFile: runLockPath(store.outDir, run.id),
    });
    return {
      id: run.id,
      status,
      statusDetail,
      dataset: shape.dataset,
      activation: shape.activation,
      init: shape.init,
      learningRate: shape.learningRate,
      hidden: shape.hidden,
      seed: run.seed,
      totalUpdates,
      updates,
      rate,
      secondsLeft,
      testError: finite(test?.errorRate),
      validationError: finite(validation?.errorRate),
      alarms,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
    };
  });
}

/**
 * One run in full: its summary, stored config, backend, versions and every probe point.
 * @throws RunStoreError `UNKNOWN_RUN`.
 */
export function buildRunDetail(store: RunStore, id: string, lock: RunLock | null): RunDetail {
  return store.readTransaction(() => {
    const run = store.getRun(id);
    const summary = buildRunSummary(store, run, lock);
    return {
      ...summary,
      config: run.config,
      backend: run.backend,
      threads: run.threads,
      versions: run.versions,
      probePoints: store.probePoints(id).map((p) => p.updates),
      layers: summary.hidden.length + 1,
    };
  });
}
