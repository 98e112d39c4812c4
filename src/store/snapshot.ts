/**
 * A snapshot of an output directory: a consistent, self-contained copy that can be moved to another
 * machine (committed to git, copied with scp) and resumed there. Copying the directory as it is does
 * not do that: a record in WAL mode keeps recent transactions in `glorot.sqlite-wal` (a copy of the
 * database file alone misses them, a copy taken while a run writes can tear), lock files name
 * processes of this machine, and every run's checkpoint (≈ 20 MB for the paper's network) may be
 * more than the copy can carry.
 *
 * The copy holds:
 * - `glorot.sqlite`: the record as one file (SQLite's `VACUUM INTO`, a transaction-consistent copy
 *   taken while runs may be writing), checked with `PRAGMA quick_check`;
 * - `checkpoints/<run>/`: the latest checkpoint of each chosen run, verified blob by blob; a run
 *   resumed without one restarts from update 0 and recomputes the same records (bit-identical on the
 *   same backend and thread count), so leaving a checkpoint out costs time, never correctness;
 * - `experiments/`, `report/` and, when asked, `models/`, copied as they are;
 * - `SNAPSHOT.json`: when and from where it was taken and what it holds (see {@link SnapshotSummary}).
 * A later snapshot into the same directory replaces these entries and keeps anything else there (a
 * README written beside the record). Never copied: `locks/` (they describe processes of the source machine) and temporary files.
 *
 * Checkpoints are copied before the record, so the record copy is at least as recent as every copied
 * checkpoint (the trainer commits a probe point before it checkpoints), which is what resuming needs.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';
import { InvalidInputError } from '../core/errors.ts';
import { checkpointDir, readCheckpoint } from './checkpoint.ts';
import { writeFileAtomic } from './durable.ts';
import { checkpointsRoot, databasePath, ensureDir } from './paths.ts';
import { openRunStore } from './runStore.ts';
import type { RunStatus } from './types.ts';

/** Which runs' latest checkpoints a snapshot carries. */
export type SnapshotCheckpoints = 'unfinished' | 'none' | readonly string[];

/** Options of {@link snapshotOutDir}. */
export interface SnapshotOptions {
  /** `unfinished` (every run not finished, diverged or failed), `none`, or these run ids. */
  readonly checkpoints: SnapshotCheckpoints;
  /** Also copy `models/` (the final weights of finished runs). */
  readonly models: boolean;
  /** Refuse, before writing anything, a snapshot larger than this many megabytes (10⁶ bytes). */
  readonly maxMegabytes?: number;
}

/** One run as the snapshot holds it. */
export interface SnapshotRun {
  readonly run: string;
  readonly status: RunStatus;
  /** The run's last recorded update (null: none yet). */
  readonly lastUpdate: number | null;
  /** The update of the copied checkpoint, or null when the snapshot holds none for this run. */
  readonly checkpointUpdate: number | null;
  /** Bytes of the copied checkpoint (0 without one). */
  readonly checkpointBytes: number;
}

/** What a snapshot holds: written to `SNAPSHOT.json` and returned. Sizes in bytes. */
export interface SnapshotSummary {
  readonly format: 'glorot-snapshot';
  readonly createdAt: string;
  readonly source: string;
  readonly host: string;
  readonly recordBytes: number;
  readonly checkpointBytes: number;
  readonly otherBytes: number;
  readonly totalBytes: number;
  readonly runs: readonly SnapshotRun[];
}

const SUMMARY = 'SNAPSHOT.json';
/** What a snapshot writes into its directory, `SNAPSHOT.json` last; nothing else there is touched. */
const SNAPSHOT_ENTRIES = ['glorot.sqlite', 'checkpoints', 'experiments', 'report', 'models', SUMMARY] as const;
const FINAL_STATUSES: readonly RunStatus[] = ['finished', 'diverged', 'failed'];

/** Total size of the regular files under `path` (0 when absent). */
function treeBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of readdirSync(path)) n += treeBytes(join(path, e));
  return n;
}

/** The checkpoint's manifest as JSON text, or null when the run has none. */
function manifestText(outDir: string, run: string): string | null {
  const file = join(checkpointDir(outDir, run), 'manifest.json');
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** The generation directory and total blob bytes a manifest names. */
function manifestParts(text: string): { dir: string; bytes: number; update: number } {
  const m = JSON.parse(text) as { dir: string; update: number; blobs: Record<string, { bytes: number }> };
  return { dir: m.dir, update: m.update, bytes: Object.values(m.blobs).reduce((s, b) => s + b.bytes, 0) };
}

/**
 * Copies a run's latest checkpoint byte for byte and verifies the copy (every blob's SHA-256). A
 * trainer that replaces its checkpoint meanwhile removes the generation being copied: the copy is
 * then retried from the new manifest (up to 5 times).
 * @returns the copied checkpoint's update and bytes.
 * @throws Error when the source keeps changing or the copy does not verify.
 */
function copyCheckpoint(srcOut: string, destOut: string, run: string): { update: number; bytes: number } {
  for (let attempt = 0; attempt < 5; attempt++) {
    const text = manifestText(srcOut, run);
    if (text === null) throw new Error(`run ${run}: its checkpoint disappeared while the snapshot was taken`);
    const { dir, bytes } = manifestParts(text);
    const src = checkpointDir(srcOut, run);
    const dest = checkpointDir(destOut, run);
    rmSync(dest, { recursive: true, force: true });
    ensureDir(dest, 'the snapshot\'s checkpoint directory', 'snapshotDir');
    try {
      cpSync(join(src, dir), join(dest, dir), { recursive: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // replaced meanwhile
      throw e;
    }
    if (manifestText(srcOut, run) !== text) continue;
    writeFileAtomic(join(dest, 'manifest.json'), text);
    const copied = readCheckpoint(destOut, run); // verifies lengths and SHA-256
    if (copied === null) throw new Error(`run ${run}: the copied checkpoint in ${dest} does not read back`);
    return { update: copied.update, bytes };
  }
  throw new Error(`run ${run}: its checkpoint kept changing while the snapshot was taken (5 attempts); try again`);
}

/** Checks that `dest` may receive a snapshot of `src`. @throws InvalidInputError naming the field. */
function checkDestination(src: string, dest: string): void {
  const inside = (a: string, b: string): boolean => a === b || a.startsWith(b.endsWith(sep) ? b : b + sep);
  if (inside(dest, src) || inside(src, dest)) {
    throw new InvalidInputError({ field: 'snapshotDir', expected: `a directory outside ${src} (and not containing it)`, found: dest });
  }
  if (!existsSync(dest)) return;
  if (!statSync(dest).isDirectory()) throw new InvalidInputError({ field: 'snapshotDir', expected: 'a directory', found: `the file ${dest}` });
  const entries = readdirSync(dest);
  if (entries.length > 0 && !entries.includes(SUMMARY)) {
    throw new InvalidInputError({
      field: 'snapshotDir',
      expected: `an empty directory or an earlier snapshot (one with ${SUMMARY}), whose entries are replaced`,
      found: `${dest} holding ${entries.length} other entr${entries.length === 1 ? 'y' : 'ies'} (${entries.slice(0, 3).join(', ')}…)`,
    });
  }
}

/**
 * Takes a snapshot of the output directory `srcOut` into `dest` (see the module comment). Safe while
 * runs write to `srcOut`; reads it only. An earlier snapshot in `dest` is replaced whole, at the end.
 * @param srcOut an output directory holding `glorot.sqlite`.
 * @param dest a directory outside `srcOut`: absent, empty, or an earlier snapshot.
 * @returns what the snapshot holds, also written to `dest/SNAPSHOT.json`.
 * @throws RunStoreError when `srcOut` has no readable record; InvalidInputError (fields
 *   `snapshotDir`, `checkpoints`, `maxMegabytes`) for a bad destination, an unknown run id or a snapshot
 *   over `maxBytes` (before anything is written); Error when a copy does not verify.
 */
export function snapshotOutDir(srcOut: string, dest: string, options: SnapshotOptions): SnapshotSummary {
  const src = resolve(srcOut);
  const to = resolve(dest);
  checkDestination(src, to);
  const store = openRunStore(src, { readonly: true });
  const runs = (() => {
    try {
      return store.listRuns();
    } finally {
      store.close();
    }
  })();
  const known = new Set(runs.map((r) => r.id));
  const chosen = new Set<string>();
  if (Array.isArray(options.checkpoints)) {
    for (const id of options.checkpoints as readonly string[]) {
      if (!known.has(id)) throw new InvalidInputError({ field: 'checkpoints', expected: `run ids of ${src} (${[...known].join(', ')})`, found: id });
      chosen.add(id);
    }
  } else if (options.checkpoints === 'unfinished') {
    for (const r of runs) if (!FINAL_STATUSES.includes(r.status)) chosen.add(r.id);
  }
  for (const id of [...chosen]) if (manifestText(src, id) === null) chosen.delete(id); // nothing to carry

  const planned =
    treeBytes(databasePath(src)) +
    treeBytes(`${databasePath(src)}-wal`) +
    [...chosen].reduce((s, id) => s + manifestParts(manifestText(src, id)!).bytes, 0) +
    treeBytes(join(src, 'experiments')) +
    treeBytes(join(src, 'report')) +
    (options.models ? treeBytes(join(src, 'models')) : 0);
  if (options.maxMegabytes !== undefined && planned > options.maxMegabytes * 1e6) {
    throw new InvalidInputError({
      field: 'maxMegabytes',
      expected:
        `at least the snapshot's size, ${(planned / 1e6).toFixed(1)} MB ` +
        `(record, ${chosen.size} checkpoint${chosen.size === 1 ? '' : 's'}${options.models ? ', models' : ''})`,
      found: `${options.maxMegabytes} MB`,
    });
  }

  const temp = join(dirname(to), `.${basename(to)}.${process.pid}.snapshot`);
  rmSync(temp, { recursive: true, force: true });
  ensureDir(temp, 'the snapshot\'s temporary directory', 'snapshotDir');
  try {
    const copied = new Map<string, { update: number; bytes: number }>();
    ensureDir(checkpointsRoot(temp), 'the snapshot\'s checkpoints directory', 'snapshotDir');
    for (const id of chosen) copied.set(id, copyCheckpoint(src, temp, id));
    copyRecord(databasePath(src), databasePath(temp));
    for (const dir of ['experiments', 'report', ...(options.models ? ['models'] : [])]) {
      if (existsSync(join(src, dir))) cpSync(join(src, dir), join(temp, dir), { recursive: true, filter: (p) => !basename(p).endsWith('.tmp') });
    }
    const recordBytes = treeBytes(databasePath(temp));
    const checkpointBytes = treeBytes(checkpointsRoot(temp));
    const otherBytes = treeBytes(temp) - recordBytes - checkpointBytes;
    const summary: SnapshotSummary = {
      format: 'glorot-snapshot',
      createdAt: new Date().toISOString(),
      source: src,
      host: hostname(),
      recordBytes,
      checkpointBytes,
      otherBytes,
      totalBytes: recordBytes + checkpointBytes + otherBytes,
      runs: runs.map((r) => ({
        run: r.id,
        status: r.status,
        lastUpdate: r.lastUpdate,
        checkpointUpdate: copied.get(r.id)?.update ?? null,
        checkpointBytes: copied.get(r.id)?.bytes ?? 0,
      })),
    };
    writeFileAtomic(join(temp, SUMMARY), `${JSON.stringify(summary, null, 2)}\n`);
    replaceDir(temp, to);
    return summary;
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Copies a run record into one self-contained file (`VACUUM INTO`: a transaction-consistent copy
 * that includes what the WAL holds) and checks it (`PRAGMA quick_check`).
 * @throws Error naming the copy when the check fails.
 */
function copyRecord(from: string, to: string): void {
  // absolute paths: SQLite takes a name starting with `file:` as a URI (store/open.ts enables URIs)
  const db = new Database(resolve(from), { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    db.prepare('VACUUM INTO ?').run(resolve(to));
  } finally {
    db.close();
  }
  const copy = new Database(resolve(to), { readonly: true, fileMustExist: true });
  try {
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copied record ${to} fails SQLite's quick_check: ${String(check)}`);
  } finally {
    copy.close();
  }
}

/**
 * Moves the snapshot's entries from `temp` into `to`, each replacing the earlier snapshot's (renamed
 * aside, then removed); an entry of the earlier snapshot that the new one lacks is removed; anything
 * else in `to` (a README beside the record) is kept. `SNAPSHOT.json` moves last: it marks a whole
 * snapshot.
 */
function replaceDir(temp: string, to: string): void {
  ensureDir(to, 'the snapshot directory', 'snapshotDir');
  const old = join(dirname(to), `.${basename(to)}.${process.pid}.old`);
  rmSync(old, { recursive: true, force: true });
  mkdirSync(old);
  rmSync(join(to, SUMMARY), { force: true });
  for (const entry of SNAPSHOT_ENTRIES) {
    if (existsSync(join(to, entry))) renameSync(join(to, entry), join(old, entry));
    if (existsSync(join(temp, entry))) renameSync(join(temp, entry), join(to, entry));
  }
  rmSync(old, { recursive: true, force: true });
  rmSync(temp, { recursive: true, force: true });
}
