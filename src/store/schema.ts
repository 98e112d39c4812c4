/**
 * The run-record schema (SQLite) and its versioning. docs/STORE.md documents every table and column;
 * keep the two in step.
 *
 * Versioning: the database header's `application_id` marks the file as a glorot run record
 * ({@link APPLICATION_ID}) and `user_version` holds the schema version ({@link SCHEMA_VERSION}).
 * `MIGRATIONS[v]` upgrades a database from version v to v + 1 (v = 0 is an empty file), all inside
 * one `BEGIN IMMEDIATE` transaction so two processes opening a new directory at once cannot both
 * create the schema. A database with a higher version than this code knows is refused.
 *
 * A readonly open never migrates: it reads a version-1 file through temporary views of the
 * version-2 shape ({@link readV1AsV2}), so `glorot show` or the report can read a record an older
 * glorot is still writing.
 */
import type Database from 'better-sqlite3';
import { RunStoreError } from './errors.ts';

/** The schema version this code writes and reads. Bump it and append to `MIGRATIONS` on any change. */
export const SCHEMA_VERSION = 2;

/** `PRAGMA application_id` of a glorot run record: the ASCII bytes "GLRT". */
const APPLICATION_ID = 0x474c5254;

/**
 * Version 1: runs, probe_points, scalars, histograms, evaluations.
 * Every per-point table's primary key starts with (run, step), so the foreign-key check SQLite makes
 * for each deleted probe point is a primary-key prefix seek (test/unit/store/runStore.test.ts checks the
 * plan: with another key order the planner was seen to scan all of a run's rows per point, making
 * `deleteAfter` quadratic). Secondary indexes serve the readers: scalars by (run, name, layer, step),
 * covering `value`; histograms by (run, tensor, step); evaluations by (run, split, step), covering.
 */
const SCHEMA_V1 = `
CREATE TABLE runs (
  id            TEXT PRIMARY KEY,
  config        TEXT NOT NULL CHECK (json_valid(config)),
  seed          INTEGER NOT NULL,
  backend       TEXT NOT NULL,
  threads       INTEGER NOT NULL CHECK (threads >= 1),
  versions      TEXT NOT NULL CHECK (json_valid(versions)),
  status        TEXT NOT NULL CHECK (status IN ('created','running','finished','diverged','interrupted','failed')),
  status_detail TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  last_update   INTEGER
) STRICT;

CREATE TABLE probe_points (
  run       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step      INTEGER NOT NULL CHECK (step >= 0),
  wall_time REAL NOT NULL,
  PRIMARY KEY (run, step)
) STRICT, WITHOUT ROWID;

CREATE TABLE scalars (
  run   TEXT NOT NULL,
  step  INTEGER NOT NULL,
  layer INTEGER NOT NULL,
  name  TEXT NOT NULL,
  value REAL,
  PRIMARY KEY (run, step, layer, name),
  FOREIGN KEY (run, step) REFERENCES probe_points(run, step) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX scalars_by_name ON scalars(run, name, layer, step, value);

CREATE TABLE histograms (
  run    TEXT NOT NULL,
  step   INTEGER NOT NULL,
  layer  INTEGER NOT NULL,
  tensor TEXT NOT NULL,
  edges  BLOB NOT NULL CHECK (length(edges) % 8 = 0 AND length(edges) >= 16),
  counts BLOB NOT NULL CHECK (length(counts) + 8 = length(edges)),
  nan    INTEGER NOT NULL DEFAULT 0 CHECK (nan >= 0),
  posinf INTEGER NOT NULL DEFAULT 0 CHECK (posinf >= 0),
  neginf INTEGER NOT NULL DEFAULT 0 CHECK (neginf >= 0),
  PRIMARY KEY (run, step, tensor, layer),
  FOREIGN KEY (run, step) REFERENCES probe_points(run, step) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX histograms_by_tensor ON histograms(run, tensor, step);

CREATE TABLE evaluations (
  run        TEXT NOT NULL,
  step       INTEGER NOT NULL,
  split      TEXT NOT NULL CHECK (split IN ('train','validation','test')),
  error_rate REAL,
  nll        REAL,
  examples   INTEGER NOT NULL CHECK (examples >= 0),
  PRIMARY KEY (run, step, split),
  FOREIGN KEY (run, step) REFERENCES probe_points(run, step) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX evaluations_by_split ON evaluations(run, split, step, error_rate, nll, examples);
`;

/** The tables whose column `step` version 2 renames to `updates`. */
const PER_POINT_TABLES = ['probe_points', 'scalars', 'histograms', 'evaluations'] as const;

/**
 * The `artifacts` table of version 2: named results of a job that belong to no run (e.g. Fig. 5's
 * cost surfaces, src/core/artifacts.ts), stored so that the report only reads.
 */
const ARTIFACTS_TABLE = `
CREATE TABLE artifacts (
  name       TEXT PRIMARY KEY,
  meta       TEXT NOT NULL CHECK (json_valid(meta)),
  data       BLOB NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
`;

/**
 * Version 1 → 2: the update counter's column `step` becomes `updates` in every per-point table (SQLite
 * rewrites the keys, foreign keys, CHECKs and indexes that name it, keeping every row), and the
 * `artifacts` table is added.
 */
function migrateV1ToV2(db: Database.Database): void {
  for (const table of PER_POINT_TABLES) db.exec(`ALTER TABLE ${table} RENAME COLUMN step TO updates`);
  db.exec(ARTIFACTS_TABLE);
}

/** `MIGRATIONS[v]` brings a database from schema version v to v + 1. */
const MIGRATIONS: ReadonlyArray<(db: Database.Database) => void> = [(db) => db.exec(SCHEMA_V1), migrateV1ToV2];

/**
 * Makes a readonly connection to a version-1 file read like version 2, without writing to it:
 * temporary views named like the per-point tables (a temporary object shadows the main schema's of
 * the same name) that rename `step` to `updates`, and an empty temporary `artifacts` table. The
 * views read the main tables, so the indexes still serve every query.
 */
function readV1AsV2(db: Database.Database): void {
  for (const table of PER_POINT_TABLES) {
    const columns = (db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((c) =>
      c.name === 'step' ? 'step AS updates' : c.name,
    );
    db.exec(`CREATE TEMP VIEW ${table} AS SELECT ${columns.join(', ')} FROM main.${table}`);
  }
  db.exec(ARTIFACTS_TABLE.replace('CREATE TABLE', 'CREATE TEMP TABLE'));
}

/** Reads `PRAGMA user_version` and `PRAGMA application_id`. */
function header(db: Database.Database): { version: number; appId: number } {
  return {
    version: db.pragma('user_version', { simple: true }) as number,
    appId: db.pragma('application_id', { simple: true }) as number,
  };
}

/**
 * Checks that `db` is a glorot run record this code can read and, when `writable`, creates or
 * upgrades its schema to {@link SCHEMA_VERSION}.
 * @param file the database path, for messages.
 * @throws RunStoreError `SCHEMA_TOO_NEW` when the file's version is above {@link SCHEMA_VERSION};
 *   `NOT_A_RUN_RECORD` when it belongs to another application, or is a non-empty SQLite file with
 *   no version; `NO_DATABASE` when a readonly open finds an empty file. A readonly open of a
 *   version-1 file reads it through views (see the module comment).
 */
export function ensureSchema(db: Database.Database, file: string, writable: boolean): void {
  const check = (): number => {
    const { version, appId } = header(db);
    if (appId !== 0 && appId !== APPLICATION_ID) {
      throw new RunStoreError(
        'NOT_A_RUN_RECORD',
        `${file} is a SQLite database of another application (application_id ` +
          `0x${(appId >>> 0).toString(16)}), not a glorot run record; choose another output directory`,
        'outDir',
      );
    }
    if (version > SCHEMA_VERSION) {
      throw new RunStoreError(
        'SCHEMA_TOO_NEW',
        `${file} has run-record schema version ${version}, but this glorot only knows versions ` +
          `up to ${SCHEMA_VERSION}: it was written by a newer glorot; upgrade glorot to read it`,
      );
    }
    if (version === 0) {
      const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_schema`).get() as { n: number };
      if (tables.n > 0) {
        throw new RunStoreError(
          'NOT_A_RUN_RECORD',
          `${file} is a SQLite database without a glorot schema version, not a glorot run record; choose another output directory`,
          'outDir',
        );
      }
    }
    return version;
  };

  const version = check();
  if (version === SCHEMA_VERSION) return;
  if (!writable) {
    if (version === 0) throw new RunStoreError('NO_DATABASE', `${file} holds no run record yet (empty database)`);
    if (version === 1) {
      readV1AsV2(db);
      return;
    }
    throw new RunStoreError(
      'INVALID',
      `${file} has the older run-record schema version ${version}; open it once for writing ` +
        `(any glorot train or resume in that directory) to upgrade it to version ${SCHEMA_VERSION}`,
    );
  }
  db.transaction(() => {
    // Re-check inside the write lock: another process may have migrated meanwhile.
    for (let v = check(); v < SCHEMA_VERSION; v++) {
      MIGRATIONS[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  }).immediate();
}
