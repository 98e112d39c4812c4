/**
 * Lock files of an output directory, one process at a time for each thing it writes:
 *
 * ```
 * <outDir>/locks/<run>.lock     the process training the run (one trainer per run)
 * <outDir>/locks/_job.lock      the job (`glorot reproduce`, `glorot run`) writing into the directory
 * ```
 * (`_job` cannot be a run id: ids start with a letter or digit.) A lock file is created exclusively
 * and holds its owner as one line of JSON: `{pid, host, bootId, startTicks, command, since}`
 * (src/store/owner.ts). A lock whose owner is gone — killed with SIGKILL, the machine restarted, the
 * directory copied from another machine, the pid recycled — is stale: it is taken over, and
 * `glorot runs`/`show` say that the run's process is gone.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RunStoreError } from './errors.ts';
import { currentProcess, describeOwner, type OwnerState, ownerState, parseOwner, type ProcessIdentity } from './owner.ts';
import { ensureDir } from './paths.ts';
import { validateRunId } from './runId.ts';

/** The owner of a lock, as its file holds it. */
export interface LockOwner extends ProcessIdentity {
  /** What the owner is doing, e.g. `glorot reproduce --scale paper`; null when not recorded. */
  readonly command: string | null;
  /** When it took the lock (ISO 8601); null when not recorded. */
  readonly since: string | null;
}

/** A lock file that exists: who holds it and whether they still run. */
export interface LockState extends OwnerState {
  readonly path: string;
  readonly owner: LockOwner;
}

/** Name of the job lock in `<outDir>/locks/`. */
const JOB_LOCK = '_job.lock';

/** The directory of an output directory's locks. */
function locksDir(outDir: string): string {
  return join(outDir, 'locks');
}

/** The lock file of run `run`. @throws RunStoreError `INVALID` for a bad run id. */
export function runLockPath(outDir: string, run: string): string {
  return join(locksDir(outDir), `${validateRunId(run)}.lock`);
}

/** The job lock file of an output directory. */
export function jobLockPath(outDir: string): string {
  return join(locksDir(outDir), JOB_LOCK);
}

/**
 * Reads a lock file.
 * @returns null when there is none; an owner with pid NaN when its content is not an owner (a
 *   damaged file: treated as stale).
 */
export function readLock(path: string): LockState | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const parsed = parseOwner(text);
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const owner: LockOwner = parsed
    ? { ...parsed, command: str(parsed['command']), since: str(parsed['since']) }
    : { pid: Number.NaN, host: null, bootId: null, startTicks: null, command: null, since: null };
  return { path, owner, ...ownerState(owner) };
}

/** `glorot reproduce (process 1234 on host lab2, since 2026-…)`: who holds a lock, for messages. */
export function describeLockOwner(owner: LockOwner): string {
  const since = owner.since === null ? '' : `, since ${owner.since}`;
  return owner.command === null ? `${describeOwner(owner)}${since}` : `${owner.command} (${describeOwner(owner)}${since})`;
}

/**
 * Takes the lock at `path`, taking over a stale one (its owner gone, or this very process).
 * @param command what the taker is doing, recorded for messages.
 * @param refuse the error to throw when a live process holds the lock.
 * @returns a function that releases it (idempotent).
 */
function acquire(path: string, command: string, refuse: (held: LockState) => Error): () => void {
  const me = currentProcess();
  const line = `${JSON.stringify({ ...me, command, since: new Date().toISOString() })}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, line);
      } finally {
        closeSync(fd);
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        // only our own lock: one taken over meanwhile (ours was judged stale) is its new owner's
        let now: LockState | null;
        try {
          now = readLock(path);
        } catch {
          return; // unreadable: not ours to remove
        }
        if (now === null || now.owner.pid !== me.pid || now.owner.startTicks !== me.startTicks) return;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = readLock(path);
    if (held === null) continue; // removed meanwhile: try again
    const mine = held.owner.pid === me.pid && (held.owner.host === null || held.owner.host === me.host);
    if (held.alive && !mine) throw refuse(held);
    try {
      unlinkSync(path); // stale: its owner is gone
    } catch {
      // another process took it over first; the next attempt decides
    }
  }
  throw new Error(`could not take the lock ${path}: other processes keep taking it`);
}

/**
 * Takes run `run`'s lock: one trainer per run.
 * @returns a function that releases it (idempotent).
 * @throws Error naming the run, the process that holds it and the lock file, when a live process does.
 */
export function acquireRunLock(outDir: string, run: string): () => void {
  ensureDir(locksDir(outDir), 'the lock directory (in the output directory)', 'outDir');
  const path = runLockPath(outDir, run);
  return acquire(path, `training run ${run}`, (held) => {
    const since = held.owner.since === null ? '' : ` since ${held.owner.since}`;
    return new Error(`run ${run} is being trained by ${describeOwner(held.owner)}${since} (lock ${path}); wait for it to finish or stop it first`);
  });
}

/**
 * Takes the output directory's job lock: one job (`reproduce`, `run`) writing runs and a report
 * into it at a time.
 * @param command the job, e.g. `glorot reproduce`, recorded for the message another job gets.
 * @returns a function that releases it (idempotent).
 * @throws RunStoreError `IN_USE` (field `outDir`) naming the directory, the job that holds it (its
 *   command, pid, host and start) and the lock file, when a live process does.
 */
export function acquireJobLock(outDir: string, command: string): () => void {
  ensureDir(locksDir(outDir), 'the lock directory (in the output directory)', 'outDir');
  const path = jobLockPath(outDir);
  return acquire(path, command, (held) => {
    const message =
      `the output directory ${outDir} is in use by another job: ${describeLockOwner(held.owner)} (lock ${path}); ` +
      'wait for it to finish or stop it, or use another output directory';
    return new RunStoreError('IN_USE', message, 'outDir');
  });
}
