/** The progress display of `glorot train`: a bar on a terminal, plain lines every 10 s otherwise (CI logs, `… > log`). */
import cliProgress from 'cli-progress';
import type { TrainProgress } from '../run/train.ts';
import { barPayload, print, printError } from './terminal.ts';

/** Seconds between plain progress lines when stdout is not a terminal. */
const LINE_SECONDS = 10;

/** Callbacks for `train`'s progress and notices, and `stop` to end the bar before printing. */
export interface TrainDisplay {
  readonly onProgress: (p: TrainProgress) => void;
  /** Prints a trainer warning on stderr (ending the bar first: never garble it). */
  readonly onNotice: (message: string) => void;
  readonly stop: () => void;
}

/** A progress display for one run. */
export function trainDisplay(): TrainDisplay {
  const bar = process.stdout.isTTY === true
    ? new cliProgress.SingleBar(
        { format: '{run} |{bar}| {value}/{total} updates · {ups} upd/s · loss {loss} · test err {err}', hideCursor: true },
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
    const payload = {
      run: p.run,
      ups: p.updatesPerSecond.toFixed(0),
      loss: Number.isFinite(p.loss) ? p.loss.toFixed(4) : '—',
      err: p.testError === null ? '—' : `${p.testError.toFixed(2)}%`,
    };
    if (!bar) {
      const now = performance.now();
      if (now - lastLine >= LINE_SECONDS * 1000 || p.update === p.updates) {
        lastLine = now;
        print(`${payload.run}: update ${p.update}/${p.updates} · ${payload.ups} upd/s · loss ${payload.loss} · test err ${payload.err}`);
      }
      return;
    }
    if (!started) {
      bar.start(p.updates, p.update, barPayload(payload));
      started = true;
    } else bar.update(p.update, barPayload(payload));
  };
  const onNotice = (message: string): void => {
    stop();
    printError(`warning: ${message}`);
  };
  return { onProgress, onNotice, stop };
}
