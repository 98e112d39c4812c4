/**
 * The live source: reads `glorot serve`'s JSON API with fetch and listens to its server-sent events
 * over ONE EventSource per page (browsers allow 6 connections per host across all tabs). The browser
 * reconnects a dropped stream by itself and sends `Last-Event-ID`, so the server replays what was
 * missed (or sends `reset`). If the stream is closed for good (the server restarted and refused it),
 * a new EventSource is opened after a pause and the views get a `reset`: they reload everything.
 */
import type { HistogramTensor, ScalarName } from '../../../src/core/metrics.ts';
import {
  type ApiError,
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

/** The event types of the stream (api.ts's {@link LiveEvent} `type`s). */
const EVENT_TYPES = ['run', 'point', 'removed', 'reset'] as const;
/** Pause before reopening a stream the server closed, in ms. */
const REOPEN_MS = 2000;

/** A {@link DataSource} over a `glorot serve` at `base` (the page's own origin by default). */
export class LiveSource implements DataSource {
  readonly kind = 'live';
  private readonly listeners = new Set<(event: LiveEvent) => void>();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private events: EventSource | null = null;
  private state: ConnectionState = 'connecting';
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;

  /** @param base the URL the API paths are relative to, e.g. `./` (the page's directory). */
  constructor(private readonly base = '.') {}

  private async get<T>(path: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, { headers: { accept: 'application/json' } });
    } catch (e) {
      throw new SourceError(`cannot reach the server for ${path}: ${(e as Error).message}`, 0, path);
    }
    if (!res.ok) {
      let body: Partial<ApiError> = {};
      try {
        body = (await res.json()) as ApiError;
      } catch {
        // not JSON: the status line says enough
      }
      throw new SourceError(body.error ?? `${path}: HTTP ${res.status} ${res.statusText}`, res.status, body.subject ?? path);
    }
    return (await res.json()) as T;
  }

  /** {@inheritDoc DataSource.runs} */
  runs(): Promise<RunSummary[]> {
    return this.get(apiPath(['runs']));
  }

  /** {@inheritDoc DataSource.job}; null when the server answers 404 (no job in the record). */
  async job(): Promise<JobView | null> {
    try {
      return await this.get<JobView>(apiPath(['job']));
    } catch (e) {
      if (e instanceof SourceError && e.status === 404) return null;
      throw e;
    }
  }

  /** {@inheritDoc DataSource.run} */
  run(id: string): Promise<RunDetail> {
    return this.get(apiPath(['runs', id]));
  }

  /** {@inheritDoc DataSource.scalars} */
  scalars(id: string, names?: readonly ScalarName[]): Promise<ScalarSeries[]> {
    const q = names && names.length > 0 ? `names=${names.map(encodeURIComponent).join(',')}` : undefined;
    return this.get(apiPath(['runs', id, 'scalars'], q));
  }

  /** {@inheritDoc DataSource.histograms} */
  histograms(id: string, tensor: HistogramTensor, updates?: number): Promise<HistogramFrame[]> {
    const q = `tensor=${encodeURIComponent(tensor)}${updates === undefined ? '' : `&updates=${updates}`}`;
    return this.get(apiPath(['runs', id, 'histograms'], q));
  }

  /** {@inheritDoc DataSource.evaluations} */
  evaluations(id: string): Promise<EvaluationSeries[]> {
    return this.get(apiPath(['runs', id, 'evaluations']));
  }

  /** {@inheritDoc DataSource.subscribe} Opens the page's one EventSource on the first subscription. */
  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.events === null && this.reopenTimer === null) this.open(false);
    return () => this.listeners.delete(listener);
  }

  /** {@inheritDoc DataSource.onConnection} */
  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    listener(this.state);
    return () => this.connectionListeners.delete(listener);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const l of this.connectionListeners) l(state);
  }

  private emit(event: LiveEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  /** Opens the stream; `reopened`: after a closed stream, so the views reload (a reset) once it opens. */
  private open(reopened: boolean): void {
    this.reopenTimer = null;
    const es = new EventSource(`${this.base}${apiPath(['events'])}`);
    this.events = es;
    this.setState('connecting');
    es.addEventListener('open', () => {
      this.setState('live');
      if (reopened) {
        reopened = false;
        this.emit({ type: 'reset' });
      }
    });
    es.addEventListener('error', () => {
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        this.events = null;
        this.setState('offline');
        this.reopenTimer = setTimeout(() => this.open(true), REOPEN_MS);
      } else {
        this.setState('connecting');
      }
    });
    for (const type of EVENT_TYPES) {
      es.addEventListener(type, (e) => {
        let data: unknown = {};
        try {
          data = JSON.parse((e as MessageEvent<string>).data || '{}');
        } catch {
          return; // a malformed event is dropped; the next one or a reset brings the page up to date
        }
        this.emit({ ...(data as object), type } as LiveEvent);
      });
    }
  }
}
