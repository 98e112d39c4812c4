/** Ctrl-C and SIGTERM for the commands that train: the first stops with checkpoints, a second quits at once. */
import { EXIT_INTERRUPTED } from './exit.ts';
import { printError } from './terminal.ts';

/**
 * SIGINT/SIGTERM → an AbortSignal: the first one prints `message` and aborts (the runs checkpoint
 * and stop); a second one calls `onQuit` and exits at once with {@link EXIT_INTERRUPTED}.
 * @returns the signal, and `dispose` to remove the handlers.
 */
export function interruptSignal(message: string, onQuit: () => void = () => {}): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = (): void => {
    if (controller.signal.aborted) {
      onQuit();
      process.exit(EXIT_INTERRUPTED);
    }
    printError(`\n${message}`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}
