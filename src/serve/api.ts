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
 *
 * Every JSON number that is NaN or ±Infinity in the record is `null` (JSON has neither).
 * Every JSON answer carries the header `X-Glorot-Event-Id`: the id of the latest event when it was
 * made. A page that opens `/api/events?lastEventId=<that id>` after its first loads receives every
 * change since them (no gap between loading and listening). It also carries `X-Glorot-Record-Mode`:
 * `shared` (read beside any writer, live) or `immutable` (a record in a directory the server cannot
 * write, read as an unchanging file: src/store/open.ts), which the page says. Run ids are `a-z 0-9 - _ .`; request
 * them URL-encoded all the same (`encodeURIComponent`), as the snapshot's keys are.
 *
 * Static snapshot (`glorot serve --export DIR`): `globalThis.GLOROT_SNAPSHOT` maps each of the
 * request paths `/api/runs`, `/api/job`, `/api/runs/ID`, `/api/runs/ID/scalars`,
 * `/api/runs/ID/histograms?tensor=T` (every stored tensor) and `/api/runs/ID/evaluations` to the
 * answer; a page that finds it reads from it and opens no event stream.
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

/** One cell of Table 1 in {@link JobView}. */
export interface JobCell {
  /** Mean final test error (%) over the seeds of the selected learning rate; null until every run of the configuration has ended. */
  readonly ours: number | null;
  /** The paper's value for this row and column, or null. */
  readonly paper: number | null;
  /** The run the report draws for this configuration (lowest seed at the selected rate), or null. */
  readonly runId: string | null;
  /** Added (server ≥ issue 11): the report's text of the cell, e.g. `16.27 ± 0.41 (n=3)` or `not run`. */
  readonly text?: string;
  /** Added: the learning rate selected on validation, or null. */
  readonly learningRate?: number | null;
  /** Added: every run at the selected rate (one per seed). */
  readonly runIds?: readonly string[];
  /** Added: planned runs of this configuration that have not ended yet (the cell fills in at 0). */
  readonly pending?: number;
}

/** The reproduce job as the report shows it: Table 1 and the checks, filling in as runs finish. */
export interface JobView {
  /** Table 1 rows × dataset columns; a cell is null until its runs have finished. */
  readonly table1: readonly {
    readonly label: string;
    readonly cells: Readonly<Record<string, JobCell>>;
  }[];
  readonly checks: readonly {
    readonly id: string;
    readonly claim: string;
    /**
     * `pass`, `weak`, `fail` or `not-run` (the report's verdicts); `pending` while planned runs of the
     * job have not ended (added), the verdict over the ended runs so far then in `provisional`.
     */
    readonly verdict: string;
    /** Added: with verdict `pending`, what the check says over the runs that have ended so far. */
    readonly provisional?: string;
    readonly detail: string;
    /** Added: our measurement and the paper's, as the report words them. */
    readonly oursText?: string;
    readonly paperText?: string;
    /** Added: the rule that turned the measurement into the verdict. */
    readonly rule?: string;
    /** Added: where the paper says it, e.g. `§3.1, Fig. 2`. */
    readonly source?: string;
  }[];
  /** Added: Table 1's columns in order (`cells` keys), with the header of the paper's value. */
  readonly columns?: readonly {
    readonly dataset: string;
    readonly title: string;
    readonly paperHeader: string;
    /** Added: the scale of our runs, e.g. `quick: 5 × 250, 60 k updates` (`custom: …` when no scale of reproduce matches), or null. */
    readonly scale?: string | null;
    /** Added: the paper's, `paper: 5 × 1000, 2.5 M updates`. */
    readonly paperScale?: string;
  }[];
  /** Added: runs in the job's plan, and how many of them have not ended. */
  readonly planned?: number;
  readonly pending?: number;
  /** Added: why the view is empty or partial (no plan in the output directory, runs still training), or null. */
  readonly note?: string | null;
  /** Added: the report's warnings (a planned run missing from the record, a config contradicting its label…). */
  readonly warnings?: readonly string[];
}

/**
 * One server-sent event. `id:` carries the server's sequence number; a client reconnecting with
 * `Last-Event-ID` receives every later event, or one `reset` when the server no longer holds them
 * (then it reloads everything). `event:` is the `type` below, `data:` the JSON of the object.
 * A `point` comes before the `run` whose summary includes it. A `run` whose `updates` went down
 * (a resumed run dropped the records after its checkpoint) means: reload that run's series.
 */
export type LiveEvent =
  | { readonly type: 'run'; readonly run: RunSummary }
  | { readonly type: 'point'; readonly runId: string; readonly updates: number }
  | { readonly type: 'removed'; readonly runId: string }
  | { readonly type: 'reset' }
  /**
   * Added: the record cannot be read any more (file deleted, replaced by something that is not a run
   * record, corrupt); `error` names the file and why. The API answers 503 until it can be read
   * again, which the server announces with a `reset`.
   */
  | { readonly type: 'unavailable'; readonly error: string };
