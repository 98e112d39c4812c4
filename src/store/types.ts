/**
 * The shapes stored in and read from the run record (see docs/STORE.md for the tables behind them).
 * The per-point records themselves (scalars, histograms, evaluations) and their names are the metric
 * vocabulary's, src/core/metrics.ts; read back, each carries the `updates` it was measured at.
 */
import type { EvaluationRecord, HistogramRecord, ScalarRecord } from '../core/metrics.ts';

/** Every status a run can have. */
export const RUN_STATUSES = ['created', 'running', 'finished', 'diverged', 'interrupted', 'failed'] as const;
/**
 * Lifecycle of a run: `created` (recorded, not started), `running`, then one of `finished`,
 * `diverged` (a NaN or infinite loss stopped it; the detail says at which update), `interrupted`
 * (SIGINT/SIGTERM; resumable from its checkpoint) or `failed` (an error; the detail holds the message).
 */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One run as stored in the `runs` table. */
export interface RunInfo {
  /** Short, human-typable identifier, e.g. `tanh-normalized-d5-s1`. */
  readonly id: string;
  /** The training configuration as given at creation (parsed JSON). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The seed of the run's random generator. */
  readonly seed: number;
  /** Compute backend used (`native`, `wasm`, `reference`, …). */
  readonly backend: string;
  /** Kernel threads. */
  readonly threads: number;
  /** Versions of the software involved (`node`, `glorot`, `sqlite`, `openblas`, …). */
  readonly versions: Readonly<Record<string, string>>;
  readonly status: RunStatus;
  /** Why the status is what it is (divergence update, error message), or null. */
  readonly statusDetail: string | null;
  /** ISO 8601 UTC timestamp with milliseconds, e.g. `2026-01-31T12:00:00.000Z`. */
  readonly createdAt: string;
  /** ISO 8601 UTC timestamp of the last change to the run's row or records. */
  readonly updatedAt: string;
  /** Update number of the latest probe point recorded, or null if none yet. */
  readonly lastUpdate: number | null;
}

/** Everything measured at one probe point; written in one transaction by `recordProbePoint`. */
export interface ProbePoint {
  readonly scalars?: readonly ScalarRecord[];
  readonly histograms?: readonly HistogramRecord[];
  readonly evaluations?: readonly EvaluationRecord[];
  /** Wall-clock time of the measurement in Unix seconds (default: now). */
  readonly wallTime?: number;
}

/** A histogram as read back: the record plus the number of updates made when it was measured. */
export interface StoredHistogram extends HistogramRecord {
  readonly updates: number;
}

/** One point of a scalar series. */
export interface ScalarPoint {
  /** SGD updates made before the measurement (0 = right after initialisation). */
  readonly updates: number;
  readonly layer: number;
  readonly value: number;
}

/** A scalar with the update count it was last recorded at (see `latestScalars`). */
export interface LatestScalar extends ScalarRecord {
  readonly updates: number;
}

/** One point of an evaluation series. */
export interface EvaluationPoint extends EvaluationRecord {
  readonly updates: number;
}

/** A probe point's row: when it was recorded. */
export interface ProbePointInfo {
  readonly updates: number;
  /** Unix seconds. */
  readonly wallTime: number;
}

/** Everything recorded at one probe point, as read back by `readProbePoint`. */
export interface StoredProbePoint {
  readonly updates: number;
  /** Unix seconds. */
  readonly wallTime: number;
  readonly scalars: readonly ScalarRecord[];
  readonly histograms: readonly StoredHistogram[];
  readonly evaluations: readonly EvaluationPoint[];
}
