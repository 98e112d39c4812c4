/**
 * The one rule for files a reader takes from an output directory (the run record, the reproduce
 * job's experiment files, the run locks): the file must be a regular file whose real path (symlinks
 * resolved) lies inside the output directory's real path. A symlink leading out (to /etc/passwd, to
 * another user's record) would otherwise let a directory someone else can write show, or embed in a
 * snapshot, a file of the reader's choosing; a FIFO would block the reader forever; a directory or a
 * device is no record. The output directory itself may be a symlink: both sides are resolved.
 */
import { realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { describePath } from '../core/files.ts';

/** Why a file of an output directory may not be read: missing, outside it, or not a regular file. */
export interface OutDirFileProblem {
  /**
   * `missing`: no such entry (or a dangling symlink); `outside`: its real path leaves the output
   * directory; `not-a-file`: a FIFO, directory, socket or device.
   */
  readonly kind: 'missing' | 'outside' | 'not-a-file';
  /** A sentence naming the file and what is wrong (never anything read from it). */
  readonly message: string;
}

/**
 * Checks that `path` (inside `outDir`) may be read: it exists, is a regular file, and its real path
 * lies inside `outDir`'s real path. Nothing is opened or read, so a FIFO cannot block.
 * @param path the file, e.g. `<outDir>/experiments/shapeset.json`.
 * @param what what the file is, for the message, e.g. `an experiment file`.
 * @returns null when it may be read, else the problem (source: docs/standards, "paths from records
 *   and users never leave the output directory").
 */
export function outDirFileProblem(outDir: string, path: string, what: string): OutDirFileProblem | null {
  let root: string;
  let real: string;
  try {
    root = realpathSync(outDir);
    real = realpathSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing', message: `${path}: no such file (${what})` };
    return { kind: 'not-a-file', message: `${path} cannot be read as ${what}: it is ${describePath(path, e)}` };
  }
  if (!real.startsWith(root + sep)) {
    return {
      kind: 'outside',
      message: `${path} is not read: ${what} must lie inside the output directory ${outDir}, and this one is a symbolic link leading out of it (to ${real})`,
    };
  }
  let regular = false;
  try {
    regular = statSync(real).isFile();
  } catch (e) {
    return { kind: 'not-a-file', message: `${path} cannot be read as ${what}: it is ${describePath(path, e)}` };
  }
  if (!regular) return { kind: 'not-a-file', message: `${path} cannot be read as ${what}: it is ${describePath(real)}` };
  return null;
}
