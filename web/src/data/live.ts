/**
 * The live source: reads `glorot serve`'s JSON API with fetch and listens to its server-sent events
 * over ONE EventSource per page (browsers allow 6 connections per host across all tabs).
 *
 * No gap between the first reads and the stream: every API answer carries `X-Glorot-Event-Id` (the
 * latest event when it was made), and the stream is opened after the first answer with
 * `?lastEventId=` that id, so the server replays whatever changed since (api.ts). The browser
 * reconnects a dropped stream by itself and sends `Last-Event-ID`; the server replays what was missed
 * or sends `reset`. If the stream is closed for good (the server refused it), a new EventSource is
 * opened after a pause from the last id seen, and the server again replays or resets.
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
  type RecordMode,
  type RunDetail,
  type RunSummary,
  type ScalarSeries,
  SourceError,
} from './source.ts';

/** The event types of the stream: every {@link LiveEvent} `type` (a switch below checks it is all of them). */
const EVENT_TYPES = ['run', 'point', 'removed', 'reset', 'unavailable'] as const satisfies readonly LiveEvent['type'][];
/** Pause before reopening a stream the server closed, in ms. */
const REOPEN_MS = 2000;
/** Longest wait for a first API answer (and its event id) before the stream opens without one, in ms. */
const FIRST_ANSWER_MS = 3000;
/** The header every API answer carries: the id of the latest event when it was made (api.ts). */
const EVENT_ID_HEADER = 'x-glorot-event-id';
/** The header every API answer carries: how the server reads the record (api.ts). */
const RECORD_MODE_HEADER = 'x-glorot-record-mode';

/** A {@link DataSource} over a `glorot serve` at `base` (the page's own origin by default). */
export class LiveSource implements DataSource {
  readonly kind = 'live';
  private readonly listeners = new Set<(event: LiveEvent) => void>();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private readonly modeListeners = new Set<(mode: RecordMode) => void>();
  private mode: RecordMode | null = null;
  private events: EventSource | null = null;
  private state: ConnectionState = 'connecting';
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  /** The id to resume from: the last event received, else the first API answer's `X-Glorot-Event-Id`. */
  private resumeId: string | null = null;
  /** Set while the first listener waits for the first answer's event id (then the stream opens). */
  private firstAnswerTimer: ReturnType<typeof setTimeout> | null = null;
  private subscribed = false;

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
    const id = res.headers.get(EVENT_ID_HEADER);
    if (id !== null && /^\d+$/.test(id)) this.resumeId ??= id;
    const mode = res.headers.get(RECORD_MODE_HEADER);
    if ((mode === 'shared' || mode === 'immutable') && mode !== this.mode) {
      this.mode = mode;
      for (const l of this.modeListeners) l(mode);
    }
    if (this.firstAnswerTimer !== null) this.open();
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

  /**
   * {@inheritDoc DataSource.subscribe} The page's one EventSource opens once the first API answer has
   * told which event it was made at (or after {@link FIRST_ANSWER_MS} without one).
   */
  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.subscribed) {
      this.subscribed = true;
      if (this.resumeId !== null) this.open();
      else this.firstAnswerTimer = setTimeout(() => this.open(), FIRST_ANSWER_MS);
    }
    return () => this.listeners.delete(listener);
  }

  /** {@inheritDoc DataSource.onConnection} */
  onConnection(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    listener(this.state);
    return () => this.connectionListeners.delete(listener);
  }

  /** {@inheritDoc DataSource.onRecordMode} */
  onRecordMode(listener: (mode: RecordMode) => void): () => void {
    this.modeListeners.add(listener);
    if (this.mode !== null) listener(this.mode);
    return () => this.modeListeners.delete(listener);
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const l of this.connectionListeners) l(state);
  }

  private emit(event: LiveEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  /** Opens the stream, resuming from {@link resumeId} when one is known. */
  private open(): void {
    for (const timer of [this.reopenTimer, this.firstAnswerTimer]) if (timer !== null) clearTimeout(timer);
    this.reopenTimer = this.firstAnswerTimer = null;
    const query = this.resumeId === null ? undefined : `lastEventId=${this.resumeId}`;
    const es = new EventSource(`${this.base}${apiPath(['events'], query)}`);
    this.events = es;
    this.setState('connecting');
    es.addEventListener('open', () => this.setState('live'));
    es.addEventListener('error', () => {
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        this.events = null;
        this.setState('offline');
        this.reopenTimer = setTimeout(() => this.open(), REOPEN_MS);
      } else {
        this.setState('connecting');
      }
    });
    for (const type of EVENT_TYPES) {
      es.addEventListener(type, (e) => {
        const message = e as Event & { readonly data: string; readonly lastEventId: string };
        if (message.lastEventId !== '') this.resumeId = message.lastEventId;
        let data: unknown = {};
        try {
          data = JSON.parse(message.data || '{}');
        } catch {
          return; // a malformed event is dropped; the next one or a reset brings the page up to date
        }
        const event = { ...(data as object), type } as LiveEvent;
        this.setState(stateAfter(event, this.state));
        this.emit(event);
      });
    }
  }
}

/** The stream's state after `event`: `unavailable` from an `unavailable` event until a `reset`. */
function stateAfter(event: LiveEvent, state: ConnectionState): ConnectionState {
  switch (event.type) {
    case 'unavailable':
      return 'unavailable';
    case 'reset':
      return 'live';
    case 'run':
    case 'point':
    case 'removed':
      return state;
    default: {
      const never: never = event;
      return never;
    }
  }
}
