/**
 * One run's data as the views hold it, kept up to date: the detail, every scalar series, the
 * evaluations and the histograms of the tensors a view asked for. On a `point` event it re-reads the
 * detail, scalars and evaluations and fetches only the new histogram frames; on `reset` it reloads
 * everything. Refreshes are coalesced: one in flight, and one more if points arrived meanwhile.
 */
import type { HistogramTensor, ScalarName } from '../../../src/core/metrics.ts';
import type { DataSource, EvaluationSeries, HistogramFrame, LiveEvent, RunDetail, ScalarSeries } from './source.ts';

/** What changed, for {@link RunData.onChange} listeners. */
export type RunChange = 'detail' | 'scalars' | 'evaluations' | 'histograms' | 'error';

/** A run's histograms of one tensor: frames by probe point, ascending. */
export interface HistogramSet {
  readonly updates: number[];
  /** frames[i] = the layers' frames at updates[i], ordered by layer. */
  readonly frames: HistogramFrame[][];
}

/** One run's data with live refresh; get one from a {@link RunCache}. */
export class RunData {
  detail: RunDetail | null = null;
  scalars: ScalarSeries[] = [];
  evaluations: EvaluationSeries[] = [];
  /** The last read error, as text (rendered as text), or null. */
  error: string | null = null;
  private readonly byName = new Map<string, Map<number, ScalarSeries>>();
  private readonly hist = new Map<HistogramTensor, Promise<HistogramSet>>();
  private readonly at = new Map<string, Promise<HistogramFrame[]>>();
  private readonly listeners = new Set<(change: RunChange) => void>();
  private loading: Promise<void> | null = null;
  private refreshing: Promise<void> | null = null;
  private pending = false;

  constructor(
    private readonly source: DataSource,
    /** The run id. */
    readonly id: string,
  ) {}

  /**
   * Loads the detail, scalars and evaluations once (again after a reset); resolves when they are in.
   * With `first`, the detail and those statistics are read and shown before the rest: the first
   * chart of a paper-length run needs 4 of its ≈ 60 statistics.
   */
  load(first?: readonly ScalarName[]): Promise<void> {
    this.loading ??= (first && first.length > 0 ? this.readFirst(first).then(afterPaint) : Promise.resolve())
      .then(() => this.readAll())
      .catch((e: unknown) => this.fail(e));
    return this.loading;
  }

  private async readFirst(names: readonly ScalarName[]): Promise<void> {
    const [detail, scalars] = await Promise.all([this.source.run(this.id), this.source.scalars(this.id, names)]);
    if (this.detail) return; // a full read got there first
    this.detail = detail;
    this.setScalars(scalars);
    this.notify('detail');
    this.notify('scalars');
  }

  private async readAll(): Promise<void> {
    const [detail, scalars, evaluations] = await Promise.all([
      this.source.run(this.id),
      this.source.scalars(this.id),
      this.source.evaluations(this.id),
    ]);
    this.error = null;
    this.detail = detail;
    this.setScalars(scalars);
    this.evaluations = evaluations;
    this.notify('detail');
    this.notify('scalars');
    this.notify('evaluations');
  }

  private fail(e: unknown): void {
    this.error = e instanceof Error ? e.message : String(e);
    this.notify('error');
  }

  private setScalars(series: ScalarSeries[]): void {
    this.scalars = series;
    this.byName.clear();
    for (const s of series) {
      let m = this.byName.get(s.name);
      if (!m) this.byName.set(s.name, (m = new Map()));
      m.set(s.layer, s);
    }
  }

  /** The series of `name` by layer (empty map when the run has none). */
  series(name: ScalarName): ReadonlyMap<number, ScalarSeries> {
    return this.byName.get(name) ?? new Map();
  }

  /** The value of `name` at layer and probe point `updates`, or null. */
  valueAt(name: ScalarName, layer: number, updates: number): number | null {
    const s = this.byName.get(name)?.get(layer);
    if (!s) return null;
    const i = s.updates.indexOf(updates);
    return i < 0 ? null : s.values[i];
  }

  /** The histograms of `tensor`, read once and then kept up to date. */
  histograms(tensor: HistogramTensor): Promise<HistogramSet> {
    let p = this.hist.get(tensor);
    if (!p) {
      p = this.source.histograms(this.id, tensor).then(groupFrames);
      this.hist.set(tensor, p);
      p.catch((e: unknown) => {
        this.hist.delete(tensor);
        this.fail(e);
      });
    }
    return p;
  }

  /**
   * The frames of `tensor` at one probe point, every layer: from the whole tensor when it is loaded,
   * else one small read (cached). The compare view reads 20 runs this way without loading 20 tensors.
   */
  framesAt(tensor: HistogramTensor, updates: number): Promise<HistogramFrame[]> {
    const full = this.hist.get(tensor);
    // a loaded tensor that does not hold the point yet (the detail names a point whose frames are
    // still being fetched) reads it alone, rather than answer "no frames" and drop the run
    if (full) return full.then((set) => (set.updates.includes(updates) ? set.frames[set.updates.indexOf(updates)] : this.readFramesAt(tensor, updates)));
    return this.readFramesAt(tensor, updates);
  }

  /** One probe point's frames of `tensor`, read alone and cached. */
  private readFramesAt(tensor: HistogramTensor, updates: number): Promise<HistogramFrame[]> {
    const key = `${tensor}@${updates}`;
    let p = this.at.get(key);
    if (!p) {
      p = this.source.histograms(this.id, tensor, updates);
      this.at.set(key, p);
      p.catch(() => this.at.delete(key));
    }
    return p;
  }

  /** Calls `listener` on every change until the returned function is called. */
  onChange(listener: (change: RunChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(change: RunChange): void {
    for (const l of [...this.listeners]) l(change);
  }

  /** Applies a live event (the cache routes this run's events here). */
  handle(event: LiveEvent): void {
    if (event.type === 'run' && this.detail) {
      // fewer updates than held: a resumed run dropped its records after the checkpoint (api.ts)
      if (event.run.updates !== null && this.detail.updates !== null && event.run.updates < this.detail.updates) this.reload();
      else {
        this.detail = { ...this.detail, ...event.run };
        this.notify('detail');
      }
    } else if (event.type === 'point') {
      void this.refresh();
    } else if (event.type === 'reset') {
      this.reload();
    }
  }

  /** Drops everything held (series, histograms) and reads the run again. */
  private reload(): void {
    this.loading = null;
    this.hist.clear();
    this.at.clear();
    void this.load().then(() => this.notify('histograms'));
  }

  /** Re-reads what a new probe point changed; coalesces calls made while one is in flight. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.pending = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.pending = false;
        try {
          await this.readAll();
          await this.readNewFrames();
        } catch (e) {
          this.fail(e);
        }
      } while (this.pending);
      this.refreshing = null;
    })();
    return this.refreshing;
  }

  /** Fetches the frames of every loaded tensor at probe points it does not hold yet. */
  private async readNewFrames(): Promise<void> {
    const points = this.detail?.probePoints ?? [];
    let changed = false;
    for (const [tensor, p] of [...this.hist]) {
      const set = await p;
      const have = new Set(set.updates);
      const missing = points.filter((u) => !have.has(u));
      if (missing.length === 0) continue;
      const fresh = missing.length > 4
        ? groupFrames(await this.source.histograms(this.id, tensor))
        : mergeFrames(set, (await Promise.all(missing.map((u) => this.source.histograms(this.id, tensor, u)))).flat());
      this.hist.set(tensor, Promise.resolve(fresh));
      changed = true;
    }
    if (changed) this.notify('histograms');
  }
}

/** Resolves after the next frame has been painted (or at once where there are no frames, e.g. a Worker). */
function afterPaint(): Promise<void> {
  const raf = (globalThis as { requestAnimationFrame?: (callback: () => void) => number }).requestAnimationFrame;
  if (typeof raf !== 'function') return Promise.resolve();
  return new Promise((resolve) => raf.call(globalThis, () => setTimeout(resolve, 0)));
}

/** Groups frames by probe point (ascending), each point's ordered by layer. */
export function groupFrames(frames: readonly HistogramFrame[]): HistogramSet {
  const by = new Map<number, HistogramFrame[]>();
  for (const f of frames) {
    let g = by.get(f.updates);
    if (!g) by.set(f.updates, (g = []));
    g.push(f);
  }
  const updates = [...by.keys()].sort((a, b) => a - b);
  return { updates, frames: updates.map((u) => by.get(u)!.sort((a, b) => a.layer - b.layer)) };
}

function mergeFrames(set: HistogramSet, extra: readonly HistogramFrame[]): HistogramSet {
  return groupFrames([...set.frames.flat(), ...extra]);
}

/** The page's runs: one {@link RunData} per id, fed by the source's one event stream. */
export class RunCache {
  private readonly runs = new Map<string, RunData>();

  constructor(private readonly source: DataSource) {
    source.subscribe((event) => {
      if (event.type === 'reset') for (const r of this.runs.values()) r.handle(event);
      else if (event.type === 'removed') this.runs.delete(event.runId);
      else if (event.type === 'run') this.runs.get(event.run.id)?.handle(event);
      else if (event.type === 'point') this.runs.get(event.runId)?.handle(event);
      // `unavailable`: reads fail until the `reset` that follows, which reloads every run
    });
  }

  /**
   * The run's data (loading starts on first use).
   * @param first statistics to read and show before the others (see {@link RunData.load}).
   */
  get(id: string, first?: readonly ScalarName[]): RunData {
    let r = this.runs.get(id);
    if (!r) this.runs.set(id, (r = new RunData(this.source, id)));
    void r.load(first);
    return r;
  }
}
