/**
 * The progress display of `glorot train`, on stderr as tqdm and Lightning draw theirs (stdout holds
 * the result, e.g. `--json`): a bar when stderr is a terminal, plain lines every 10 s otherwise (CI
 * logs, `… 2> log`). It shows the current rate (the trainer's moving window, src/run/rate.ts) and the
 * time left at that rate.
 */
import cliProgress from 'cli-progress';
import type { TrainProgress } from '../run/train.ts';
import { formatDuration, rateText } from './jobProgress.ts';
import { barPayload, printError } from './terminal.ts';

/** Seconds between plain progress lines when stderr is not a terminal. */
const LINE_SECONDS = 10;

/** Callbacks for `train`'s progress and notices, and `stop` to end the bar before printing. */
export interface TrainDisplay {
  readonly onProgress: (p: TrainProgress) => void;
  /** Prints a trainer warning on stderr (ending the bar first: never garble it). */
  readonly onNotice: (message: string) => void;
  readonly stop: () => void;
}

/**
 * The time left at the current rate: `12 min 30 s`, or `…` before the rate is known (no update
 * trained yet in the window).
 * @param p a progress report: its update, the run's updates and the current updates per second.
 */
export function trainEta(p: Pick<TrainProgress, 'update' | 'updates' | 'updatesPerSecond'>): string {
  if (p.update >= p.updates) return formatDuration(0);
  return p.updatesPerSecond > 0 && Number.isFinite(p.updatesPerSecond) ? formatDuration((p.updates - p.update) / p.updatesPerSecond) : '…';
}

/** The plain progress line of a report (no terminal): `run: update u/U · r upd/s · ETA t · loss l · test err e`. */
export function trainLine(p: TrainProgress): string {
  const loss = Number.isFinite(p.loss) ? p.loss.toFixed(4) : '—';
  const err = p.testError === null ? '—' : `${p.testError.toFixed(2)}%`;
  return `${p.run}: update ${p.update}/${p.updates} · ${rateText(p.updatesPerSecond)} upd/s · ETA ${trainEta(p)} · loss ${loss} · test err ${err}`;
}

/** A progress display for one run, on stderr. */
export function trainDisplay(): TrainDisplay {
  const stream = process.stderr;
  const bar = stream.isTTY === true
    ? new cliProgress.SingleBar(
        { format: '{run} |{bar}| {value}/{total} updates · {ups} upd/s · ETA {eta} · loss {loss} · test err {err}', hideCursor: true, stream },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  let lastLine = -Infinity;
  const stop = (): void => {
    if (started) bar?.stop();
    started = false;
  };
  const onProgress = (p: TrainProgress): void => {
    if (!bar) {
      const now = performance.now();
      if (now - lastLine >= LINE_SECONDS * 1000 || p.update === p.updates) {
        lastLine = now;
        printError(trainLine(p));
      }
      return;
    }
    const payload = barPayload({
      run: p.run,
      ups: rateText(p.updatesPerSecond),
      eta: trainEta(p),
      loss: Number.isFinite(p.loss) ? p.loss.toFixed(4) : '—',
      err: p.testError === null ? '—' : `${p.testError.toFixed(2)}%`,
    });
    if (!started) {
      bar.start(p.updates, p.update, payload);
      started = true;
    } else bar.update(p.update, payload);
  };
  const onNotice = (message: string): void => {
    stop();
    printError(`warning: ${message}`);
  };
  return { onProgress, onNotice, stop };
}
