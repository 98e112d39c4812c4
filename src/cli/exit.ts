/**
 * Exit statuses: the one place that decides them (issue 15, item 10). As argparse-based tools do,
 * 2 means the command line itself cannot be run — an unknown command or option, a missing
 * argument, text that is no value of its flag, flags that cannot go together, or a training
 * configuration (from flags and `--config`) that its schema refuses — and nothing was started;
 * 1 means the command ran and failed (a file, a dataset, the run record, a run). `train` says how a
 * run ended through {@link EXIT_DIVERGED} and {@link EXIT_INTERRUPTED}.
 */
import { CommanderError } from 'commander';

/** The command ran and failed. */
export const EXIT_ERROR = 1;
/** The command line cannot be run as typed (argparse's status). */
export const EXIT_USAGE = 2;
/** `glorot train`: the run diverged (its loss became NaN or infinite). */
export const EXIT_DIVERGED = 3;
/** SIGINT (Ctrl-C) or SIGTERM stopped a command that trains, after its checkpoints (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/**
 * A command line that cannot be run: flags that conflict, or values the configuration's schema
 * refuses. `cause`, when given, is the error that says what is wrong (its message is the message,
 * and the CLI names its fields by their flags as for any error).
 */
export class UsageError extends Error {
  /**
   * @param message what is wrong, naming the flags.
   * @param cause the underlying error (e.g. an InvalidInputError from the schema), if any.
   */
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'UsageError';
  }
}

/**
 * Runs `check` (a validation of what the command line says) and turns whatever it throws into a
 * {@link UsageError} that keeps the original as its cause.
 * @returns what `check` returns.
 * @throws UsageError when `check` throws.
 */
export function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(e instanceof Error ? e.message : String(e), e);
  }
}

/**
 * The exit status of an error that ended a command: {@link EXIT_USAGE} for commander's errors (but
 * 0 for `--help` and `--version`, which commander also ends by throwing) and {@link UsageError}s;
 * {@link EXIT_ERROR} for everything else.
 */
export function exitStatus(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
  if (e instanceof UsageError) return EXIT_USAGE;
  return EXIT_ERROR;
}
