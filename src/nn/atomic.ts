/** Atomic file writes: write a temporary file beside the target, fsync it, rename over the target. */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` so that a crash at any moment leaves either the previous file or the new
 * one, never a torn file (POSIX rename is atomic within a file system).
 * On failure the temporary file is removed and the target is left as it was.
 * @throws Error from the file system (ENOENT for a missing directory, EACCES, ENOSPC…).
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    // a failed write or rename (ENOSPC, a directory in the way…) must not leave the temporary behind
    rmSync(tmp, { force: true });
    throw e;
  }
}
