/**
 * `--tensorboard [dir]` on `train`, `reproduce` and `run`: each run's TensorBoard log written live
 * into `<dir>/<run>` (default `<out>/tensorboard`), for `tensorboard --logdir <dir>` while it trains.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { ensureDir } from '../store/paths.ts';
import { pathArg } from './flags.ts';
import { printError } from './terminal.ts';

/** The option as commander parses it: absent, given without a directory, or with one. */
export interface TensorboardFlag {
  tensorboard?: string | true;
  out: string;
}

/** The default log root of an output directory: `<out>/tensorboard` (where `export --tensorboard` writes too). */
export function defaultLogRoot(out: string): string {
  return join(out, 'tensorboard');
}

/** Adds `--tensorboard [dir]` to a training command. */
export function addTensorboardOption(cmd: Command): Command {
  return cmd.option(
    '--tensorboard [dir]',
    'write each run\'s TensorBoard log live into dir/<run> while it trains (default dir: <out>/tensorboard; view with tensorboard --logdir dir)',
    pathArg('--tensorboard', 'a directory'),
  );
}

/**
 * The trainer's `tensorboardDir` for the option given: the log root, created now (so a bad path is
 * refused before any training, naming the option), with a line saying how to view it.
 * @throws Error naming `--tensorboard` and the path when the directory cannot be created.
 */
export function liveTensorboard(o: TensorboardFlag): { tensorboardDir?: string } {
  if (o.tensorboard === undefined) return {};
  const dir = o.tensorboard === true ? defaultLogRoot(o.out) : o.tensorboard;
  try {
    ensureDir(dir, 'the TensorBoard log directory');
  } catch (e) {
    throw new Error(`--tensorboard ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // information, on stderr with progress: stdout holds results only (train --json)
  printError(`TensorBoard: logs written live into ${dir}/<run>; view with: tensorboard --logdir ${dir}`);
  return { tensorboardDir: dir };
}
