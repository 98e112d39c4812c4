/**
 * What makes the dashboard live: a poller that notices new records and turns them into numbered
 * events ({@link LiveEvent}), kept in a bounded buffer so a client that reconnects gets what it
 * missed.
 *
 * Noticing: every `pollMs` (200 ms) the monitor reads `PRAGMA data_version` on its read-only
 * connection — no table is read, so an idle record costs nothing and a writer is never waited for.
 * When it changed, the monitor lists the runs (one small table) and diffs each against what it saw:
 * a run whose `last_update` grew gives one `point` event per new probe point, then a `run` event with
 * its new summary; a new run or any change of its summary (status, errors, alarms) gives `run`; a run
 * gone from the record gives `removed`. Every query is its own short read transaction, so the
 * writer's checkpoints are never held back for long and the WAL does not grow (docs/DECISIONS.md
 * "Dashboard"). Every `lockCheckMs` it also reads the lock files of the `running` runs, to flag a
 * run whose process is gone (stale) without any write to the record; every `fileCheckMs` it checks
 * that the file on disk is still the one open (record.ts).
 *
 * Numbering: event ids are consecutive integers starting at the server's start time in
 * microseconds, so an id from an earlier server (a page open across a restart) is always older than
 * this server's buffer and gets a `reset`, never a wrong resume.
 */
import type { RunStore } from '../store/index.ts';
import type { RunLock } from './alarms.ts';
import type { LiveEvent, RunSummary } from './api.ts';
import { HttpError } from './errors.ts';
import { isBrokenRecord, type RecordSource } from './record.ts';
import { buildRunSummary, readRunLock } from './summary.ts';

/** Settings of a {@link LiveMonitor}. */
export interface LiveOptions {
  /** How often `PRAGMA data_version` is read, in ms (default 200). */
  readonly pollMs?: number;
  /** How many events are kept for clients that reconnect (default 1000). */
  readonly bufferSize?: number;
  /** How often the running runs' lock files are read, in ms (default 1000). */
  readonly lockCheckMs?: number;
  /** How often the database file's identity is checked, in ms (default 1000). */
  readonly fileCheckMs?: number;
}

/** An event with its sequence number and its server-sent-events frame. */
export interface SequencedEvent {
  readonly id: number;
  readonly event: LiveEvent;
  /** `id: …\nevent: …\ndata: …\n\n`. */
  readonly frame: string;
}

/** The SSE frame of an event. JSON.stringify escapes line breaks, so `data:` is one line. */
export function sseFrame(id: number, event: LiveEvent): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** What of a lock decides a run's summary: none, or its owner and whether it runs (the stale alarm quotes both). */
function lockKey(lock: RunLock | null): string {
  if (lock === null || lock === 'none') return String(lock);
  return `${lock.alive}|${lock.owner.pid}|${lock.reason}`;
}

/** What the monitor remembers of a run. */
interface Seen {
  readonly key: string;
  readonly lastUpdate: number | null;
  readonly lock: RunLock | null;
  readonly summary: RunSummary;
  readonly json: string;
}

/** Watches a record and numbers its changes as {@link LiveEvent}s. */
export class LiveMonitor {
  private seq: number;
  private readonly buffer: SequencedEvent[] = [];
  private readonly listeners = new Set<(e: SequencedEvent) => void>();
  private runs = new Map<string, Seen>();
  private version: number | null = null;
  private lastLockCheck = 0;
  private lastFileCheck = 0;
  private unavailable = false;
  /** The reason last announced while {@link unavailable}. */
  private unavailableError: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly pollMs: number;
  private readonly bufferSize: number;
  private readonly lockCheckMs: number;
  private readonly fileCheckMs: number;

  /**
   * Reads every run once (no events for what is already there).
   * @throws whatever reading the record throws at start (the caller exits with it).
   */
  constructor(
    private readonly source: RecordSource,
    options: LiveOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 200;
    this.bufferSize = Math.max(1, options.bufferSize ?? 1000);
    this.lockCheckMs = options.lockCheckMs ?? 1000;
    this.fileCheckMs = options.fileCheckMs ?? 1000;
    this.seq = Date.now() * 1000;
    const store = source.get();
    this.version = store.dataVersion();
    store.readTransaction(() => this.diff(store, false));
  }

  /** The id of the latest event (or the starting number when none yet). */
  get lastId(): number {
    return this.seq;
  }

  /** Starts polling. */
  start(): void {
    if (this.timer !== null) return;
    const loop = (): void => {
      this.tick();
      this.timer = setTimeout(loop, this.pollMs);
    };
    this.timer = setTimeout(loop, this.pollMs);
  }

  /** Stops polling and forgets the listeners. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  /**
   * Calls `listener` with every event from now on.
   * @returns the function that unsubscribes it.
   */
  subscribe(listener: (e: SequencedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The events after `lastId`, for a client resuming with `Last-Event-ID`.
   * @returns null when the buffer no longer holds them all (or the id is not this server's): the
   *   client must be sent a `reset`.
   */
  since(lastId: number): SequencedEvent[] | null {
    if (!Number.isSafeInteger(lastId) || lastId > this.seq) return null;
    if (lastId === this.seq) return [];
    const oldest = this.buffer[0]?.id;
    if (oldest === undefined || lastId < oldest - 1) return null;
    return this.buffer.filter((e) => e.id > lastId);
  }

  /**
   * Every run's summary, newest first, as of the latest poll (polls first).
   * @throws HttpError 503 naming the file while the record cannot be read.
   */
  summaries(): RunSummary[] {
    this.tick();
    if (this.unavailable) throw new HttpError(503, this.source.error ?? `${this.source.file} cannot be read`, this.source.file);
    return [...this.runs.values()].map((r) => r.summary).reverse();
  }

  /** The lock state the monitor last read for a run (null unless it is `running`). */
  lock(runId: string): RunLock | null {
    return this.runs.get(runId)?.lock ?? null;
  }

  /** One poll: checks the file, the data version and (when due) the locks, and emits what changed. Never throws. */
  tick(): void {
    const now = Date.now();
    try {
      let fileChanged = false;
      if (now - this.lastFileCheck >= this.fileCheckMs) {
        this.lastFileCheck = now;
        fileChanged = this.source.checkFile();
      }
      let store: RunStore;
      try {
        store = this.source.get(); // reopens a record that was found broken, when it can
      } catch {
        this.announceUnavailable(this.source.error ?? `${this.source.file} cannot be read`);
        return;
      }
      if (this.unavailable || fileChanged) {
        // a record back after a failure, or another file at the same path: clients reload everything
        this.unavailable = false;
        this.runs = new Map();
        this.version = store.dataVersion();
        store.readTransaction(() => this.diff(store, false));
        this.emit({ type: 'reset' });
        return;
      }
      const version = store.dataVersion();
      if (version !== this.version) {
        this.version = version;
        this.lastLockCheck = now;
        // one read transaction: the run list, the new points and the summaries from the same commit,
        // so a point is announced once and before the summary that includes it (milliseconds long)
        store.readTransaction(() => this.diff(store, true)); // reads the running runs' locks too
      } else if (now - this.lastLockCheck >= this.lockCheckMs) {
        this.lastLockCheck = now;
        this.recheckLocks(store);
      }
    } catch (e) {
      if (isBrokenRecord(e)) this.announceUnavailable(this.source.fail(e));
      else if (this.source.error !== null) this.announceUnavailable(this.source.error);
      // anything else (SQLITE_BUSY during a writer's recovery, a run deleted mid-read): the next poll retries
    }
  }

  /** Tells clients the record cannot be read, and again whenever the reason changes (deleted, then a FIFO put there). */
  private announceUnavailable(error: string): void {
    if (this.unavailable && error === this.unavailableError) return;
    this.unavailable = true;
    this.unavailableError = error;
    this.emit({ type: 'unavailable', error });
  }

  /** Reads the locks of the runs last seen `running`; a run whose process appeared or vanished gets a new summary. */
  private recheckLocks(store: RunStore): void {
    for (const [id, seen] of this.runs) {
      if (seen.lock === null) continue;
      const lock = readRunLock(this.source.outDir, id);
      if (lockKey(lock) === lockKey(seen.lock)) continue;
      const summary = buildRunSummary(store, store.getRun(id), lock);
      const json = JSON.stringify(summary);
      if (json !== seen.json) this.emit({ type: 'run', run: summary });
      this.runs.set(id, { ...seen, lock, summary, json });
    }
  }

  /** Compares the record's runs with what was seen; emits events when `emit`. */
  private diff(store: RunStore, emit: boolean): void {
    const present = new Set<string>();
    for (const run of store.listRuns()) {
      present.add(run.id);
      const prev = this.runs.get(run.id);
      const key = `${run.status}|${run.updatedAt}|${run.lastUpdate}`;
      const lock = run.status === 'running' ? readRunLock(this.source.outDir, run.id) : null;
      if (prev !== undefined && prev.key === key && lockKey(prev.lock) === lockKey(lock)) continue;
      if (emit && prev !== undefined && run.lastUpdate !== null && (prev.lastUpdate === null || run.lastUpdate > prev.lastUpdate)) {
        for (const p of store.probePointsAfter(run.id, prev.lastUpdate ?? -1)) this.emit({ type: 'point', runId: run.id, updates: p.updates });
      }
      const summary = buildRunSummary(store, run, lock);
      const json = JSON.stringify(summary);
      if (emit && prev?.json !== json) this.emit({ type: 'run', run: summary });
      this.runs.set(run.id, { key, lastUpdate: run.lastUpdate, lock, summary, json });
    }
    for (const id of [...this.runs.keys()]) {
      if (present.has(id)) continue;
      this.runs.delete(id);
      if (emit) this.emit({ type: 'removed', runId: id });
    }
  }

  private emit(event: LiveEvent): void {
    const id = ++this.seq;
    const e: SequencedEvent = { id, event, frame: sseFrame(id, event) };
    this.buffer.push(e);
    if (this.buffer.length > this.bufferSize) this.buffer.splice(0, this.buffer.length - this.bufferSize);
    for (const listener of this.listeners) listener(e);
  }
}
