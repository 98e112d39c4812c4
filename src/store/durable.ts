/**
 * Durable file writing: the one implementation of "write every byte, fsync, and (for a replace)
 * rename over the target" that the checkpoints, the TensorBoard event files, the saved models and
 * the reproduce job's experiment files use. POSIX rename is atomic within a file system, so a crash
 * at any moment leaves the previous file or the new one, never a torn file.
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writerMayBeAlive } from './owner.ts';

/** The temporary file of {@link writeFileAtomic}: `.<name>.<pid>.tmp`. */
const TEMPORARY = /^\..+\.(\d+)\.tmp$/;

/** Writes all of `bytes` to the open file `fd` (a single `writeSync` may write fewer). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/** Flushes the open file `fd` to disk and closes it (closes it even when the flush fails). */
export function syncAndClose(fd: number): void {
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * fsyncs a file or directory by path (a directory: so that the entries created or renamed in it
 * survive a crash).
 * @throws Error from the file system (ENOENT…).
 */
export function fsyncPath(path: string): void {
  syncAndClose(openSync(path, 'r'));
}

/** Opens `path` with `flag` (`wx`: a new file), writes all of `bytes`, fsyncs and closes. */
function writeDurably(path: string, bytes: Uint8Array, flag: 'wx'): void {
  const fd = openSync(path, flag);
  try {
    writeAll(fd, bytes);
  } finally {
    syncAndClose(fd);
  }
}

/**
 * Writes `bytes` to a NEW file at `path` (refused when it exists) and fsyncs it before closing.
 * @throws Error from the file system: EEXIST when `path` exists, ENOENT, EACCES, ENOSPC…
 */
export function writeNewFileDurably(path: string, bytes: Uint8Array): void {
  writeDurably(path, bytes, 'wx');
}

/**
 * Replaces the file at `path` with `data` atomically: writes a temporary file beside it
 * (`.<name>.<pid>.tmp`), fsyncs it, renames it over `path`. On failure the temporary file is
 * removed and the target is left as it was.
 * @param data bytes, or text written as UTF-8.
 * @throws Error from the file system (ENOENT for a missing directory, EACCES, ENOSPC…).
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  writeFileAtomicChunks(path, [data]);
}

/**
 * {@link writeFileAtomic} for content produced in pieces (e.g. a data file of hundreds of MB that
 * must never be one string): every chunk is appended to the temporary file as it comes, then the
 * file is fsynced and renamed over `path`. When the iteration throws, the temporary file is removed
 * and the target is left as it was.
 * @param chunks bytes, or text written as UTF-8, in order.
 * @throws Error from the file system, or whatever the iteration throws.
 */
export function writeFileAtomicChunks(path: string, chunks: Iterable<Uint8Array | string>): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    // 'w': a temporary left by a killed process of the same pid is overwritten
    const fd = openSync(tmp, 'w');
    try {
      for (const c of chunks) writeAll(fd, typeof c === 'string' ? Buffer.from(c) : c);
    } finally {
      syncAndClose(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    // a failed write or rename (ENOSPC, a directory in the way…) must not leave the temporary behind
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Removes the temporary files {@link writeFileAtomic} left in `dir` when its process was killed
 * mid-write (a full-size `.<model>.safetensors.<pid>.tmp`): those whose process is gone, or whose
 * pid now belongs to a process that started after the file was written. A live writer's are kept.
 * @returns the paths removed; none when `dir` does not exist.
 */
export function removeStaleTemporaries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (m === null) continue;
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (!st.isFile() || writerMayBeAlive(Number(m[1]), st.mtimeMs)) continue;
      rmSync(path, { force: true });
      removed.push(path);
    } catch {
      // removed meanwhile, or not ours to remove: leave it
    }
  }
  return removed;
}
