/**
 * Where the views get their data: the {@link DataSource} interface. Three implementations share it —
 * the live server (live.ts: fetch + one EventSource per page), an embedded snapshot (snapshot.ts:
 * `globalThis.GLOROT_SNAPSHOT`, written by `glorot serve --export`), and later the in-browser lab,
 * which trains in a Web Worker and reports probe points as the same {@link LiveEvent}s. The views
 * never know which one they read.
 */
import type { HistogramTensor, ScalarName } from '../../../src/core/metrics.ts';
import type {
  Alarm,
  ApiError,
  EvaluationSeries,
  HistogramFrame,
  JobCell,
  JobView,
  LiveEvent,
  RunDetail,
  RunSummary,
  ScalarSeries,
} from '../../../src/serve/api.ts';

export type { Alarm, ApiError, EvaluationSeries, HistogramFrame, JobCell, JobView, LiveEvent, RunDetail, RunSummary, ScalarSeries };

/**
 * The state of a source's event stream, shown in the page header; `unavailable`: the server is up but
 * cannot read the record (an `unavailable` event; its error is shown until the `reset` that follows).
 */
export type ConnectionState = 'live' | 'connecting' | 'offline' | 'unavailable' | 'snapshot';

/** The data every view reads; all methods reject with a {@link SourceError}. */
export interface DataSource {
  /** `live`: a `glorot serve`; `snapshot`: embedded data that never changes; `worker`: the in-browser lab. */
  readonly kind: 'live' | 'snapshot' | 'worker';
  /** A snapshot's: when it was taken (ISO 8601, written by `glorot serve --export`), or null when it does not say. */
  readonly takenAt?: string | null;
  /** Every run, newest first (`/api/runs`). */
  runs(): Promise<RunSummary[]>;
  /** The reproduce job's Table 1 and checks (`/api/job`), or null when the record holds no job. */
  job(): Promise<JobView | null>;
  /** One run in full (`/api/runs/ID`). */
  run(id: string): Promise<RunDetail>;
  /**
   * The scalar series of a run, all layers (`/api/runs/ID/scalars`): every statistic, or at least
   * those in `names` (a hint to send less: the live source asks `?names=…`, a snapshot answers with all).
   */
  scalars(id: string, names?: readonly ScalarName[]): Promise<ScalarSeries[]>;
  /**
   * The stored histograms of one tensor, every layer (`/api/runs/ID/histograms?tensor=T`): every
   * probe point's, or only the point at `updates` when given. Bins exactly as stored.
   */
  histograms(id: string, tensor: HistogramTensor, updates?: number): Promise<HistogramFrame[]>;
  /** Error and cost per split over updates (`/api/runs/ID/evaluations`). */
  evaluations(id: string): Promise<EvaluationSeries[]>;
  /**
   * Calls `listener` with every live event until the returned function is called. A source that
   * never changes (a snapshot) never calls it.
   */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  /** Calls `listener` with the stream's state now and on every change, until the returned function is called. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /**
   * Calls `listener` when the server says how it reads the record (api.ts's `X-Glorot-Record-Mode`):
   * `immutable` when its directory cannot be written, so it is read as an unchanging file. A source
   * without a server has no such mode and never calls it.
   */
  onRecordMode?(listener: (mode: RecordMode) => void): () => void;
}

/** How the server reads the record: beside any writer (`shared`), or as an unchanging file (`immutable`). */
export type RecordMode = 'shared' | 'immutable';

/** A failed read: the HTTP status (0 when there was no response), the message and the subject it names. */
export class SourceError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0. */
    readonly status: number,
    /** What the request named (a run id, a tensor, a path), as data. */
    readonly subject?: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/**
 * The request path of an API read (the key of the same response in a snapshot). Run ids and tensor
 * names are URI-encoded, which leaves the record's slugs (`[a-z0-9._-]`) unchanged.
 * @param query a query string without `?`, or none.
 */
export function apiPath(parts: readonly string[], query?: string): string {
  const path = `/api/${parts.map(encodeURIComponent).join('/')}`;
  return query ? `${path}?${query}` : path;
}
