/** glorot's own version: the one home of the `version` field of package.json (`--version`, the run record, the library). */
import { readFileSync } from 'node:fs';

/**
 * The `version` field of glorot's package.json, e.g. `0.1.0`, or `unknown` when the file cannot be
 * read (never throws: the version is recorded beside results, it must not stop them).
 */
export function glorotVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
