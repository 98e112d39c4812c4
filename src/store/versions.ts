/** The software versions recorded with every run (`runs.versions`), so results can be traced to code. */
import Database from 'better-sqlite3';
import { glorotVersion } from '../core/version.ts';

/** The SQLite library version better-sqlite3 was built with. */
function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

/**
 * Versions known to the store: `node`, `glorot`, `sqlite`, `platform` (`linux-x64`), merged with
 * `extra` (which wins), e.g. `{openblas: '0.3.21 Zen'}` from the backend.
 */
export function collectVersions(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    node: process.versions.node,
    glorot: glorotVersion(),
    sqlite: sqliteVersion(),
    platform: `${process.platform}-${process.arch}`,
    ...extra,
  };
}
