/**
 * Where the run record lives inside an output directory. The trainer, the CLI and the dashboard all
 * resolve paths through these helpers so they agree on one layout:
 *
 * ```
 * <outDir>/glorot.sqlite                 the run record (SQLite, WAL; see docs/STORE.md)
 * <outDir>/checkpoints/<run>/            the latest checkpoint of each run (see checkpoint.ts)
 * <outDir>/csv/<run>/                    default target of `glorot export <run> --csv`
 * <outDir>/tensorboard/<run>/            default target of `glorot export <run> --tensorboard`
 * ```
 */
import { join } from 'node:path';

/** The default output directory, relative to the current directory: `glorot-out`. */
export const DEFAULT_OUT_DIR = 'glorot-out';

/** File name of the run-record database inside an output directory. */
export const DATABASE_FILE = 'glorot.sqlite';

/** Path of the run-record database of `outDir`. */
export function databasePath(outDir: string): string {
  return join(outDir, DATABASE_FILE);
}

/** Directory holding the checkpoints of all runs of `outDir`. */
export function checkpointsRoot(outDir: string): string {
  return join(outDir, 'checkpoints');
}

/** Default directory for a run's CSV export. */
export function defaultCsvDir(outDir: string, run: string): string {
  return join(outDir, 'csv', run);
}

/** Default log directory for a run's TensorBoard export (`tensorboard --logdir <outDir>/tensorboard`). */
export function defaultTensorboardDir(outDir: string, run: string): string {
  return join(outDir, 'tensorboard', run);
}
