/**
 * The snapshot source: reads `globalThis.GLOROT_SNAPSHOT`, a map from request path to the JSON the
 * server answered (written by `glorot serve --export`), so the dashboard opens from disk without a
 * server. It asks for exactly the paths the export writes: `/api/runs`, `/api/job`, `/api/runs/ID`,
 * `/api/runs/ID/scalars`, `/api/runs/ID/histograms?tensor=T`, `/api/runs/ID/evaluations`; a histogram
 * read of one probe point filters the whole tensor's frames.
 */
import type { HistogramTensor, ScalarName } from '../../../src/core/metrics.ts';
import {
  apiPath,
  type ConnectionState,
  type DataSource,
  type EvaluationSeries,
  type HistogramFrame,
  type JobView,
  type LiveEvent,
  type RunDetail,
  type RunSummary,
  type ScalarSeries,
  SourceError,
} from './source.ts';

/** The shape of `globalThis.GLOROT_SNAPSHOT`. */
export type Snapshot = Readonly<Record<string, unknown>>;

/** The embedded snapshot, or undefined on a page served live. */
export function embeddedSnapshot(): Snapshot | undefined {
  const s = (globalThis as { GLOROT_SNAPSHOT?: unknown }).GLOROT_SNAPSHOT;
  return s !== null && typeof s === 'object' ? (s as Snapshot) : undefined;
}

/** A {@link DataSource} over a snapshot map. */
export class SnapshotSource implements DataSource {
  readonly kind = 'snapshot';
  /** {@inheritDoc DataSource.takenAt} */
  readonly takenAt: string | null;

  /**
   * @param snapshot the map from request path to response JSON.
   * @param takenAt when it was taken (default `globalThis.GLOROT_SNAPSHOT_TAKEN`, when a string).
   */
  constructor(private readonly snapshot: Snapshot, takenAt?: string | null) {
    const t = takenAt === undefined ? (globalThis as { GLOROT_SNAPSHOT_TAKEN?: unknown }).GLOROT_SNAPSHOT_TAKEN : takenAt;
    this.takenAt = typeof t === 'string' && !Number.isNaN(Date.parse(t)) ? t : null;
  }

  private get<T>(path: string): Promise<T> {
    if (!Object.hasOwn(this.snapshot, path)) {
      return Promise.reject(new SourceError(`not in this snapshot: ${path}`, 404, path));
    }
    return Promise.resolve(this.snapshot[path] as T);
  }

  /** {@inheritDoc DataSource.runs} */
  runs(): Promise<RunSummary[]> {
    return this.get('/api/runs');
  }

  /** {@inheritDoc DataSource.job}; null when the snapshot holds none. */
  job(): Promise<JobView | null> {
    const path = apiPath(['job']);
    return Object.hasOwn(this.snapshot, path) ? this.get(path) : Promise.resolve(null);
  }

  /** {@inheritDoc DataSource.run} */
  run(id: string): Promise<RunDetail> {
    return this.get(apiPath(['runs', id]));
  }

  /** {@inheritDoc DataSource.scalars} Always every series (the snapshot holds them parsed already). */
  scalars(id: string, _names?: readonly ScalarName[]): Promise<ScalarSeries[]> {
    return this.get(apiPath(['runs', id, 'scalars']));
  }

  /** {@inheritDoc DataSource.histograms} */
  async histograms(id: string, tensor: HistogramTensor, updates?: number): Promise<HistogramFrame[]> {
    const frames = await this.get<HistogramFrame[]>(apiPath(['runs', id, 'histograms'], `tensor=${encodeURIComponent(tensor)}`));
    return updates === undefined ? frames : frames.filter((f) => f.updates === updates);
  }

  /** {@inheritDoc DataSource.evaluations} */
  evaluations(id: string): Promise<EvaluationSeries[]> {
    return this.get(apiPath(['runs', id, 'evaluations']));
  }

  /** A snapshot never changes: the listener is never called. */
  subscribe(_listener: (event: LiveEvent) => void): () => void {
    return () => {};
  }

  /** Always `snapshot`. */
  onConnection(listener: (state: ConnectionState) => void): () => void {
    listener('snapshot');
    return () => {};
  }
}
