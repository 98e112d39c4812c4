/**
 * The dashboard's HTTP API (`glorot serve`, issue 11): the JSON payloads the server sends and the web
 * app (web/) reads. Types only — the web app imports them with `import type`, the server builds them
 * from the run record (src/store) and never recomputes a statistic. Every field that carries the
 * update counter is called `updates` (SGD updates made before the measurement), as in the record.
 *
 * Endpoints (all GET, JSON, UTF-8; errors are {@link ApiError} with a 4xx/5xx status):
 * - `/api/runs` → {@link RunSummary}[] (every run of the record, newest first)
 * - `/api/runs/:id` → {@link RunDetail}
 * - `/api/runs/:id/scalars?names=a,b` → {@link ScalarSeries}[] (every layer of each name; all names
 *   when `names` is absent)
 * - `/api/runs/:id/histograms?tensor=T[&updates=U]` → {@link HistogramFrame}[] (every probe point, or
 *   the one at `updates`); bins exactly as stored, never rebinned
 * - `/api/runs/:id/evaluations` → {@link EvaluationSeries}[]
 * - `/api/job` → {@link JobView} (Table 1 and the paper's checks over the record's runs)
 * - `/api/events` → server-sent events, see {@link LiveEvent}; `Last-Event-ID` resumes
 */
import type { HistogramTensor, ScalarName, Split } from '../core/metrics.ts';

/** The body of every error response. */
export interface ApiError {
  readonly error: string;
  /** The run id, tensor, path … the request named, echoed as data (the page renders it as text). */
  readonly subject?: string;
}

/** Something in a run that deserves a flag in the run list. */
export interface Alarm {
  readonly kind: 'diverged' | 'saturated' | 'dead' | 'stale';
  /** Hidden layer (1 = closest to the input), or null for the whole run. */
  readonly layer: number | null;
  /** The probe point it was seen at. */
  readonly updates: number;
  /** One sentence, e.g. "92% of layer 1's units saturated (f′ < 0.1·max)". */
  readonly message: string;
}

/** One row of the run list. */
export interface RunSummary {
  readonly id: string;
  readonly status: string;
  readonly statusDetail: string | null;
  readonly dataset: string;
  readonly activation: string;
  readonly init: string;
  readonly learningRate: number;
  readonly hidden: readonly number[];
  readonly seed: number;
  /** The run's configured total. */
  readonly totalUpdates: number;
  /** Updates of the latest probe point, or null before the first. */
  readonly updates: number | null;
  /** Updates per second over the latest probe points (wall-clock), or null when unknown. */
  readonly rate: number | null;
  /** Seconds left at that rate, or null. */
  readonly secondsLeft: number | null;
  /** Latest test / validation error (%), or null. */
  readonly testError: number | null;
  readonly validationError: number | null;
  readonly alarms: readonly Alarm[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One run in full. */
export interface RunDetail extends RunSummary {
  /** The stored training configuration, as recorded. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly backend: string;
  readonly threads: number;
  readonly versions: Readonly<Record<string, unknown>>;
  /** Every probe point's `updates`, ascending. */
  readonly probePoints: readonly number[];
  /** Hidden layers (1 … L−1) and the output layer L. */
  readonly layers: number;
}

/** A scalar statistic of one layer over updates. */
export interface ScalarSeries {
  readonly name: ScalarName;
  readonly layer: number;
  /** Ascending. */
  readonly updates: readonly number[];
  /** Same length; null where the stored value is NaN. */
  readonly values: readonly (number | null)[];
}

/** One stored histogram. */
export interface HistogramFrame {
  readonly updates: number;
  readonly layer: number;
  readonly tensor: HistogramTensor;
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
}

/** Error and cost on one split over updates. */
export interface EvaluationSeries {
  readonly split: Split;
  readonly updates: readonly number[];
  /** Percent. */
  readonly errorRate: readonly (number | null)[];
  /** Nats per example. */
  readonly nll: readonly (number | null)[];
}

/** The reproduce job as the report shows it: Table 1 and the checks, filling in as runs finish. */
export interface JobView {
  /** Table 1 rows × dataset columns; a cell is null until its runs have finished. */
  readonly table1: readonly {
    readonly label: string;
    readonly cells: Readonly<Record<string, { readonly ours: number | null; readonly paper: number | null; readonly runId: string | null }>>;
  }[];
  readonly checks: readonly {
    readonly id: string;
    readonly claim: string;
    readonly verdict: string;
    readonly detail: string;
  }[];
}

/**
 * One server-sent event. `id:` carries the server's sequence number; a client reconnecting with
 * `Last-Event-ID` receives every later event, or one `reset` when the server no longer holds them
 * (then it reloads everything). `event:` is the `type` below, `data:` the JSON of the object.
 */
export type LiveEvent =
  | { readonly type: 'run'; readonly run: RunSummary }
  | { readonly type: 'point'; readonly runId: string; readonly updates: number }
  | { readonly type: 'removed'; readonly runId: string }
  | { readonly type: 'reset' };
