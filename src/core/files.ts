/**
 * Reading a file a user named — a `--config` file, an experiment, a data file, a checkpoint
 * manifest, a model — and saying, in words, what is at a path when it is not a readable file.
 * The one place that turns a file-system error (EISDIR, ELOOP, ENOENT, EACCES, …) into a message
 * naming the file, what was expected and what was found (issue 15, item 8): no caller shows a bare
 * `EISDIR: illegal operation on a directory, read`, a symbolic-link loop is never "missing", and a
 * name Node cannot represent (bytes that are not UTF-8) is said to be one.
 */
import { lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { InvalidInputError } from './errors.ts';

/**
 * The replacement character U+FFFD: Node decodes a file name (or a command-line argument) whose
 * bytes are not UTF-8 with it, so such a name can never be opened again by the string Node gives.
 */
const REPLACEMENT = '\uFFFD';

/** The error code of a node:fs error, or undefined. */
function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

/**
 * What is at `path`, in words, for the "found" part of a message, when reading it as a file failed
 * with `e` (or when `e` is undefined: what is there now). E.g. `a directory`, `a symbolic link loop
 * (ELOOP)`, `nothing (no such file)`, `a symbolic link to a missing target ("x")`, `nothing: the
 * name holds bytes that are not UTF-8 (shown as �), which Node cannot open; rename it`.
 * @returns the words; never throws.
 */
export function describePath(path: string, e?: unknown): string {
  let code = errnoCode(e);
  if (code === undefined) {
    try {
      const st = statSync(path);
      if (st.isDirectory()) return 'a directory';
      if (st.isFile()) return `a file of ${st.size} bytes`;
      return st.isFIFO() ? 'a named pipe (FIFO), not a regular file' : st.isSocket() ? 'a socket, not a regular file' : 'a device, not a regular file';
    } catch (err) {
      code = errnoCode(err) ?? 'an unknown error';
    }
  }
  switch (code) {
    case 'EISDIR':
      return 'a directory';
    case 'ELOOP':
      return 'a symbolic link loop (ELOOP): the link points, through other links, back at itself';
    case 'ENOTDIR':
      return 'nothing: a directory on its path is a file (ENOTDIR)';
    case 'EACCES':
    case 'EPERM':
      return `a file this user may not read (${code}: permission denied)`;
    case 'ENAMETOOLONG':
      return 'a name too long for the file system (ENAMETOOLONG)';
    case 'ENOENT': {
      if (path.includes(REPLACEMENT)) {
        return `nothing: the name holds bytes that are not UTF-8 (shown as ${REPLACEMENT}), which Node cannot open; rename it with UTF-8 characters`;
      }
      try {
        if (lstatSync(path).isSymbolicLink()) return `a symbolic link to a missing target (${JSON.stringify(readlinkSync(path))})`;
      } catch {
        // no entry at all
      }
      return 'nothing (no such file)';
    }
    default:
      return `an entry that cannot be read (${code ?? String(e)})`;
  }
}

/**
 * Whether there is an entry at `path`: a file, a directory, but also a broken symbolic link or a
 * link loop (which `existsSync` calls missing). A caller looking for a file it will read uses this,
 * so that reading it says what is wrong instead of "missing".
 */
export function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a whole regular file a user named.
 * @param what what the file should be, for the message, e.g. `an experiment (JSON)`, `IDX images`.
 * @returns its bytes.
 * @throws InvalidInputError naming the file: `<path>: expected a readable file (<what>), found a
 *   directory` (or a link loop, nothing, a device, a name that is not UTF-8, …, see
 *   {@link describePath}). A FIFO or a device is refused before reading: it may never end.
 */
export function readInputFile(path: string, what: string): Buffer {
  const fail = (found: string): never => {
    throw new InvalidInputError({ field: '', expected: `a readable file (${what})`, found }, { file: path });
  };
  if (path === '') fail('an empty path');
  try {
    const st = statSync(path);
    if (!st.isFile()) fail(describePath(path));
    return readFileSync(path);
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    return fail(describePath(path, e));
  }
}
