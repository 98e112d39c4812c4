/**
 * What the views share: the {@link View} contract, the app context they get, and the small pieces
 * several views render the same way (status badges, alarms, progress, errors).
 */
import { h } from '../dom.ts';
import type { RunCache } from '../data/runData.ts';
import type { Alarm, DataSource, RunSummary } from '../data/source.ts';
import { duration, int } from '../format.ts';

/** What a view gets from the app. */
export interface AppContext {
  readonly source: DataSource;
  readonly cache: RunCache;
  /** Runs ticked in the run list, shared with the compare view. */
  readonly selection: Set<string>;
}

/** A page of the app (one route). */
export interface View {
  readonly el: HTMLElement;
  /** Stops listening and removes charts. */
  destroy(): void;
}

/**
 * A run's status as a badge (`running`, `finished`, `diverged` …), its detail as the tooltip. In a
 * frozen snapshot a run that was training says so: `running at export`, never `running` as if live.
 */
export function statusBadge(run: Pick<RunSummary, 'status' | 'statusDetail'>, frozen = false): HTMLElement {
  const asOf = frozen && run.status === 'running';
  const title = asOf ? `training when the snapshot was taken; this page does not update${run.statusDetail ? ` · ${run.statusDetail}` : ''}` : run.statusDetail;
  return h('span', { class: `badge status-${run.status.replace(/[^a-z]/g, '')}`, title: title ?? undefined, 'data-testid': 'status' },
    asOf ? 'running at export' : run.status);
}

/** Time left, or in a frozen snapshot "– (snapshot)": a countdown taken at export is not one any more. */
export function timeLeft(seconds: number | null | undefined, frozen: boolean): string {
  return frozen ? '– (snapshot)' : duration(seconds);
}

/** When a snapshot was taken, in the reader's time zone with its offset, e.g. `2026-12-05 16:48 (UTC+01:00)`. */
export function takenText(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = `UTC${off >= 0 ? '+' : '−'}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())} (${zone})`;
}

/** One badge per alarm (`diverged`, `saturated L1` …), the alarm's sentence as the tooltip (it names the update where that matters). */
export function alarmBadges(alarms: readonly Alarm[]): HTMLElement {
  return h('span', { class: 'alarms' }, ...alarms.map((a) =>
    h('span', { class: `badge alarm alarm-${a.kind}`, title: a.message, 'data-testid': 'alarm' },
      a.layer === null ? a.kind : `${a.kind} L${a.layer}`)));
}

/** A progress bar with "updates / total". */
export function progress(run: Pick<RunSummary, 'updates' | 'totalUpdates'>): HTMLElement {
  const done = run.updates ?? 0;
  const frac = run.totalUpdates > 0 ? Math.min(1, done / run.totalUpdates) : 0;
  return h('span', { class: 'progress', title: `${int(done)} of ${int(run.totalUpdates)} updates` },
    h('progress', { max: 1, value: frac }), ` ${Math.floor(frac * 100)} %`);
}

/** An error message box (the message rendered as text). */
export function errorBox(message: string): HTMLElement {
  return h('div', { class: 'error', role: 'alert' }, message);
}

/**
 * Calls `fn` at most once per `ms`: the first call runs at once, later calls within the window
 * run once at its end.
 */
export function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = (): void => {
    timer = null;
    last = performance.now();
    fn();
  };
  const t = (): void => {
    if (timer !== null) return;
    const wait = last + ms - performance.now();
    if (wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
  t.cancel = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return t;
}
