/**
 * The progress display of a job of many runs (`glorot reproduce`, `glorot run`): runs done, updates/s
 * of the runs in flight, an ETA, and one line per run that ends.
 */
import cliProgress from 'cli-progress';
import type { JobEvent, RunOutcome } from '../run/jobs.ts';
import { barPayload, print, printError } from './terminal.ts';

/** Seconds as `1 h 05 min`, `12 min 30 s` or `45 s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/** Updates per second for a progress line: `1234`, `56`, `7.8`, `0.42`, `0` (two significant digits below 10). */
export function rateText(ups: number): string {
  if (!Number.isFinite(ups) || ups <= 0) return '0';
  return ups >= 10 ? ups.toFixed(0) : ups.toPrecision(2);
}

/** Measured ETAs need at least this much training time (start-up makes the first seconds' rate meaningless). */
export const ETA_MIN_SECONDS = 30;
/** …and at least this fraction of the updates still to train when the job started. */
export const ETA_MIN_FRACTION = 0.01;

/** What {@link etaText} needs: the job's progress so far. */
export interface EtaInput {
  /** Seconds since the job started (start-up included). */
  readonly elapsed: number;
  /** Seconds since the first progress report of any run (training time, not start-up). */
  readonly trainingSeconds: number;
  /** Updates trained in this job since that first report. */
  readonly trained: number;
  /** Updates the job had to train when it started (finished runs skipped). */
  readonly toTrain: number;
  /** Updates still to train. */
  readonly remaining: number;
  /** The estimate printed before the job ("expected ≈ …"), in seconds. */
  readonly estimate: number;
}

/**
 * The ETA shown while a job runs: from the measured rate once there is enough of it
 * ({@link ETA_MIN_SECONDS} of training and {@link ETA_MIN_FRACTION} of the updates), otherwise what is
 * left of the pre-run estimate, marked as such (the first seconds' rate, start-up included, gave ETAs
 * of 300,000 h for a 180 h job), or `…` when that estimate is used up.
 */
export function etaText(e: EtaInput): string {
  const enough = e.trainingSeconds >= ETA_MIN_SECONDS && e.trained >= ETA_MIN_FRACTION * e.toTrain && e.trained > 0;
  if (enough) return formatDuration((Math.max(0, e.remaining) * e.trainingSeconds) / e.trained);
  const left = e.estimate - e.elapsed;
  return Number.isFinite(left) && left > 0 ? `≈ ${formatDuration(left)} (pre-run estimate)` : '…';
}

/** The line printed when a run of a job ends (its status detail holds no command line: see src/run/loop.ts). */
export function outcomeLine(o: RunOutcome): string {
  if (o.skipped) return `  run ${o.runId}: already ${o.status}, skipped`;
  return `  run ${o.runId}: ${o.status}${o.detail ? ` — ${o.detail}` : ''}`;
}

/** Per run in flight: its last update, its rate, and the update it started (or resumed) from (null until known). */
interface InFlight {
  readonly update: number;
  readonly ups: number;
  readonly base: number | null;
}

/** What the display shows: updates done (of the total), the summed rate, the ETA, the runs in flight. */
interface JobState {
  readonly value: number;
  readonly ups: number;
  readonly eta: string;
  readonly current: string;
}

/** The bookkeeping of a job's progress, from its events: what {@link JobState} shows. */
class JobTally {
  readonly inFlight = new Map<string, InFlight>();
  private readonly started = performance.now();
  private firstProgress: number | null = null;
  private doneUpdates = 0;
  private skippedUpdates = 0;
  /** Updates trained in this job by runs that have ended. */
  private trainedEnded = 0;
  /** Updates of resumed runs already trained before this job. */
  private resumedFrom = 0;
  /** Runs ended (or skipped). */
  done = 0;

  /**
   * @param totalUpdates the job's updates (every planned run's).
   * @param updatesOf a run's updates.
   * @param estimate the pre-run estimate, seconds.
   */
  constructor(
    private readonly totalUpdates: number,
    private readonly updatesOf: (runId: string) => number,
    private readonly estimate: number,
  ) {}

  /** A run started (a resumed one's base is its first report). */
  start(runId: string, resumed: boolean): void {
    this.inFlight.set(runId, { update: 0, ups: 0, base: resumed ? null : 0 });
  }

  /** A run reported update `update` at `ups` updates per second. */
  progress(runId: string, update: number, ups: number): void {
    this.firstProgress ??= performance.now();
    // a resumed run's first report gives the update it resumed from (the updates of less than a
    // report interval since then count as already done: the rate errs low, never high)
    let base = this.inFlight.get(runId)?.base ?? null;
    if (base === null) {
      base = update;
      this.resumedFrom += base;
    }
    this.inFlight.set(runId, { update, ups, base });
  }

  /** A run ended (or was skipped). */
  end(o: RunOutcome): void {
    const f = this.inFlight.get(o.runId);
    if (f !== undefined && f.base !== null) this.trainedEnded += f.update - f.base;
    this.inFlight.delete(o.runId);
    this.doneUpdates += this.updatesOf(o.runId);
    if (o.skipped) this.skippedUpdates += this.updatesOf(o.runId);
    this.done++;
  }

  /** What the display shows now. */
  state(): JobState {
    let value = this.doneUpdates;
    let ups = 0;
    let trained = this.trainedEnded;
    for (const f of this.inFlight.values()) {
      value += f.update;
      ups += f.ups;
      if (f.base !== null) trained += f.update - f.base;
    }
    const now = performance.now();
    const eta = etaText({
      elapsed: (now - this.started) / 1000,
      trainingSeconds: this.firstProgress === null ? 0 : (now - this.firstProgress) / 1000,
      trained,
      toTrain: this.totalUpdates - this.skippedUpdates - this.resumedFrom,
      remaining: this.totalUpdates - value,
      estimate: this.estimate,
    });
    return { value: Math.min(value, this.totalUpdates), ups, eta, current: [...this.inFlight.keys()].join(', ') };
  }
}

/** Seconds between plain progress lines when stderr is not a terminal. */
const LINE_SECONDS = 15;

/**
 * One progress display for a whole job: runs done, updates/s of the runs in flight, ETA (see
 * {@link etaText}), on stderr as tqdm and Lightning draw theirs: a cli-progress bar when stderr is a
 * terminal; plain lines every 15 s otherwise, so CI logs stay readable. The line of each run that
 * ends goes to stdout (it is a result).
 */
export function jobProgress(
  totalRuns: number,
  totalUpdates: number,
  updatesOf: (runId: string) => number,
  estimateSeconds: number,
): { onEvent: (e: JobEvent) => void; stop: () => void } {
  const bar = process.stderr.isTTY === true
    ? new cliProgress.SingleBar(
        { format: 'reproduce |{bar}| {percentage}% · runs {done}/{runs} · {ups} upd/s · ETA {eta} · {current}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const tally = new JobTally(totalUpdates, updatesOf, estimateSeconds);
  let lastLine = -Infinity;
  let running = true;
  const startBar = (value: number): void => {
    bar?.start(Math.max(1, totalUpdates), value, barPayload({ done: tally.done, runs: totalRuns, ups: '0', eta: '…', current: '' }));
  };
  startBar(0);
  const refresh = (): void => {
    if (!running) return;
    const s = tally.state();
    if (bar) bar.update(s.value, barPayload({ done: tally.done, runs: totalRuns, ups: rateText(s.ups), eta: s.eta, current: s.current }));
    else if (performance.now() - lastLine > LINE_SECONDS * 1000) {
      lastLine = performance.now();
      const pct = totalUpdates > 0 ? ((100 * s.value) / totalUpdates).toFixed(0) : '100';
      const current = s.current ? ` · running ${s.current}` : '';
      printError(`[reproduce] ${pct}% · runs ${tally.done}/${totalRuns} · ${rateText(s.ups)} upd/s · ETA ${s.eta}${current}`);
    }
  };
  const say = (line: string): void => {
    bar?.stop();
    print(line);
    if (bar) startBar(tally.state().value);
  };
  const onEvent = (e: JobEvent): void => {
    if (e.type === 'start') tally.start(e.runId, e.resumed);
    else if (e.type === 'notice') say(`warning: ${e.message.startsWith(`run ${e.runId}`) ? '' : `run ${e.runId}: `}${e.message}`);
    else if (e.type === 'progress') tally.progress(e.runId, e.progress.update, e.progress.updatesPerSecond);
    else {
      tally.end(e.outcome);
      say(outcomeLine(e.outcome));
    }
    refresh();
  };
  const stop = (): void => {
    if (running) bar?.stop();
    running = false;
  };
  return { onEvent, stop };
}
