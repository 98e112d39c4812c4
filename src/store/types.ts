/** The shapes stored in and read from the run record (see docs/STORE.md for the tables behind them). */

/** Every status a run can have. */
export const RUN_STATUSES = ['created', 'running', 'finished', 'diverged', 'interrupted', 'failed'] as const;
/**
 * Lifecycle of a run: `created` (recorded, not started), `running`, then one of `finished`,
 * `diverged` (a NaN or infinite loss stopped it; the detail says at which update), `interrupted`
 * (SIGINT/SIGTERM; resumable from its checkpoint) or `failed` (an error; the detail holds the message).
 */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The data splits an evaluation can be made on. */
export const SPLITS = ['train', 'validation', 'test'] as const;
/** A data split: `train` (running estimate during training), `validation` or `test`. */
export type Split = (typeof SPLITS)[number];

/** Layer index used for network-level quantities (loss, learning rate, …) rather than one layer's. */
export const NETWORK_LAYER = -1;

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

/** One scalar statistic of one layer (or of the network, layer {@link NETWORK_LAYER}) at a probe point. */
export interface ScalarRecord {
  /** Hidden-layer index (1 = closest to the input) or {@link NETWORK_LAYER}. Integer. */
  readonly layer: number;
  /** Statistic name, e.g. `activation.mean` (letters, digits and `_ . / -`, at most 128 characters). */
  readonly name: string;
  /** The value; NaN and ±Infinity are kept (NaN is stored as SQL NULL). */
  readonly value: number;
}

/**
 * A histogram of one tensor of one layer: `counts[i]` values fell in `[edges[i], edges[i+1])`
 * (the last bin closed). Non-finite values are counted apart and never fall in a bin.
 */
export interface HistogramRecord {
  /** Hidden-layer index (1 = closest to the input) or {@link NETWORK_LAYER}. Integer. */
  readonly layer: number;
  /** Which tensor, e.g. `activation`, `backprop_grad`, `weight_grad` (same character set as scalar names). */
  readonly tensor: string;
  /** Bin edges, strictly increasing and finite; `counts.length + 1` of them. */
  readonly edges: ArrayLike<number>;
  /** Count (or weight, e.g. a normalized frequency) per bin; finite and ≥ 0. */
  readonly counts: ArrayLike<number>;
  /** Number of NaN values seen (default 0). */
  readonly nan?: number;
  /** Number of +Infinity values seen (default 0). */
  readonly posinf?: number;
  /** Number of −Infinity values seen (default 0). */
  readonly neginf?: number;
}

/** Classification error and cost on one split at a probe point. */
export interface EvaluationRecord {
  readonly split: Split;
  /** Classification error in percent (0–100). */
  readonly errorRate: number;
  /** Mean negative log-likelihood per example, in nats. */
  readonly nll: number;
  /** Number of examples the figures were computed on. */
  readonly examples: number;
}

/** Everything measured at one probe point; written in one transaction by `recordProbePoint`. */
export interface ProbePoint {
  readonly scalars?: readonly ScalarRecord[];
  readonly histograms?: readonly HistogramRecord[];
  readonly evaluations?: readonly EvaluationRecord[];
  /** Wall-clock time of the measurement in Unix seconds (default: now). */
  readonly wallTime?: number;
}

/** A histogram as read back: the record plus the update it was measured at. */
export interface StoredHistogram {
  readonly update: number;
  readonly layer: number;
  readonly tensor: string;
  readonly edges: Float64Array;
  readonly counts: Float64Array;
  readonly nan: number;
  readonly posinf: number;
  readonly neginf: number;
}

/** One point of a scalar series. */
export interface ScalarPoint {
  readonly update: number;
  readonly layer: number;
  readonly value: number;
}

/** A scalar with the update it was last recorded at (see `latestScalars`). */
export interface LatestScalar {
  readonly name: string;
  readonly layer: number;
  readonly update: number;
  readonly value: number;
}

/** One point of an evaluation series. */
export interface EvaluationPoint {
  readonly update: number;
  readonly split: Split;
  readonly errorRate: number;
  readonly nll: number;
  readonly examples: number;
}

/** A probe point's row: when it was recorded. */
export interface ProbePointInfo {
  readonly update: number;
  /** Unix seconds. */
  readonly wallTime: number;
}

/** Everything recorded at one probe point, as read back by `readProbePoint`. */
export interface StoredProbePoint {
  readonly update: number;
  /** Unix seconds. */
  readonly wallTime: number;
  readonly scalars: readonly ScalarRecord[];
  readonly histograms: readonly StoredHistogram[];
  readonly evaluations: readonly EvaluationPoint[];
}
