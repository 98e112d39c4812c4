/**
 * One process per run: a lock file `<outDir>/locks/<run>.lock` holding the owner's pid, created
 * exclusively. A lock whose process no longer exists (killed with SIGKILL, machine restarted) is
 * stale and taken over. This stops a second `glorot train --resume` or `glorot reproduce` from
 * writing the same run's records while another process still trains it.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from '../store/paths.ts';

/** Whether a process with this pid exists (signal 0 probes without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the run's lock.
 * @returns a function that releases it (idempotent).
 * @throws Error naming the run, the process that holds it and the lock file, when a live process does.
 */
export function acquireRunLock(outDir: string, run: string): () => void {
  const dir = join(outDir, 'locks');
  ensureDir(dir, 'the lock directory (in the output directory)', 'outDir');
  const path = join(dir, `${run}.lock`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let pid = NaN;
    try {
      pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    } catch {
      continue; // removed meanwhile: try again
    }
    if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
      throw new Error(`run ${run} is being trained by process ${pid} (lock ${path}); wait for it to finish or stop it first`);
    }
    try {
      unlinkSync(path); // stale: its process is gone
    } catch {
      // another process took it over first; the next attempt decides
    }
  }
  throw new Error(`run ${run}: could not take the lock ${path}`);
}
