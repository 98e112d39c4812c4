/**
 * Where the run record lives inside an output directory. The trainer, the CLI and the dashboard all
 * resolve paths through these helpers so they agree on one layout:
 *
 * ```
 * <outDir>/glorot.sqlite                 the run record (SQLite, WAL; see docs/STORE.md)
 * <outDir>/checkpoints/<run>/            the latest checkpoint of each run (see checkpoint.ts)
 * <outDir>/csv/<run>/                    default target of `glorot export <run> --csv`
 * <outDir>/tensorboard/<run>/            default target of `glorot export <run> --tensorboard`
 * <outDir>/locks/                        who trains each run, and which job writes here (locks.ts)
 * ```
 */
import { mkdirSync, readdirSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RunStoreError } from './errors.ts';
import { validateRunId } from './runId.ts';

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

/**
 * Default directory for a run's CSV export.
 * @throws RunStoreError `INVALID` when `run` is not a valid run id (it could lead out of `outDir`).
 */
export function defaultCsvDir(outDir: string, run: string): string {
  return join(outDir, 'csv', validateRunId(run));
}

/**
 * Default log directory for a run's TensorBoard export (`tensorboard --logdir <outDir>/tensorboard`).
 * @throws RunStoreError `INVALID` when `run` is not a valid run id (it could lead out of `outDir`).
 */
export function defaultTensorboardDir(outDir: string, run: string): string {
  return join(outDir, 'tensorboard', validateRunId(run));
}

/**
 * The directories of `outDir` that glorot writes files into with `writeFileAtomic` (models, the
 * reproduce job's experiment files, the report, the default TensorBoard exports): where a killed
 * write's temporary file can be left.
 */
export function atomicWriteDirs(outDir: string): string[] {
  const dirs = [outDir, join(outDir, 'models'), join(outDir, 'experiments'), join(outDir, 'report'), join(outDir, 'report', 'figures')];
  const tensorboard = join(outDir, 'tensorboard');
  try {
    for (const e of readdirSync(tensorboard, { withFileTypes: true })) if (e.isDirectory()) dirs.push(join(tensorboard, e.name));
  } catch {
    // no exports yet
  }
  return dirs;
}

/** `stat` of `path`, or the error code when it cannot be read (ENOENT, ENOTDIR, EACCES…). */
function statOrCode(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

/**
 * Creates the directory `path` and its missing parents, one component at a time with a
 * non-recursive `mkdir`, and returns `path`. Use it for every directory made under a path a user
 * gives: Node 20's `mkdirSync(p, { recursive: true })` loops forever at 100% CPU, deaf to SIGINT and
 * SIGTERM, where `mkdir` fails with ENOENT although the parent exists (e.g. `/proc/glorot`).
 * An existing directory is fine; a directory another process creates meanwhile too.
 * @param what the directory's role, for the message, e.g. `the output directory` or `the models
 *   directory (in the output directory)`; never a flag (src/cli names the option from `field`).
 * @param field the caller's option that chose `path` or its parent, e.g. `outDir`; it becomes the
 *   error's {@link RunStoreError.field}.
 * @throws RunStoreError `UNWRITABLE` naming `what`, `path` and why: which ancestor is a file, or
 *   which `mkdir` failed and its error (ENOENT, EACCES, EROFS…).
 */
export function ensureDir(path: string, what: string, field?: string): string {
  const fail = (why: string): never => {
    throw new RunStoreError('UNWRITABLE', `cannot create ${what} ${path}: ${why}`, field);
  };
  const missing: string[] = [];
  for (let p = resolve(path); ; ) {
    const st = statOrCode(p);
    if (typeof st !== 'string') {
      if (!st.isDirectory()) fail(`${p} is a file, not a directory`);
      break;
    }
    // ENOTDIR: an ancestor is a file (found further up); anything but a missing entry is final
    if (st !== 'ENOENT' && st !== 'ENOTDIR') fail(`cannot look up ${p} (${st})`);
    missing.push(p);
    const parent = dirname(p);
    if (parent === p) fail(`the root ${p} does not exist`);
    p = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const now = statOrCode(dir);
      if (err.code === 'EEXIST' && typeof now !== 'string' && now.isDirectory()) continue; // made meanwhile
      fail(`mkdir ${dir} failed (${err.message})`);
    }
  }
  return path;
}
