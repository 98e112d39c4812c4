/**
 * Checkpoints: the latest resumable state of each run, as opaque named byte blobs (model weights,
 * RNG and data-stream state — the trainer decides what goes in) plus a JSON `meta` object.
 *
 * Layout, one directory per run:
 * ```
 * <outDir>/checkpoints/<run>/manifest.json              the commit point (see below)
 * <outDir>/checkpoints/<run>/u000000012000-<nonce>/     one immutable "generation" directory
 *     <blob name>.bin                                   each blob's bytes
 * ```
 * `manifest.json` = `{format, version, run, update, createdAt, dir, blobs: {name: {file, bytes,
 * sha256}}, meta, metaSha256}` names the live generation directory, each blob's SHA-256, and the
 * SHA-256 of `meta`'s JSON text (version 2; a version-1 manifest has no `metaSha256` and is still read).
 *
 * Writing is crash-safe (the scheme of LevelDB's CURRENT file / `rename(2)` atomicity): the blobs go
 * into a fresh temporary directory and are fsynced; the directory is fsynced and renamed to its
 * generation name; a new manifest is written to a temporary file, fsynced and renamed over
 * `manifest.json` (the atomic commit); the parent directory is fsynced; only then are older
 * generations removed. A process killed at any instant leaves `manifest.json` naming either the
 * old complete generation or the new one, never a torn mix; leftovers are removed by the next write.
 * Reading verifies every blob's length and SHA-256 and the meta's SHA-256 against the manifest, and
 * that the generation directory's name carries the manifest's update. What the meta says (the
 * trainer's update counter, stream state, running sums) is the trainer's to check against the run's
 * record (src/run/checkpoint-meta.ts).
 *
 * One writer per run at a time (the run's trainer); readers may run concurrently.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../core/errors.ts';
import { entryExists, readInputFile } from '../core/files.ts';
import { parseJsonText } from '../core/json.ts';
import { fsyncPath, writeNewFileDurably } from './durable.ts';
import { checkpointsRoot, ensureDir } from './paths.ts';
import { validateRunId } from './runId.ts';

/** Value of the manifest's `format` field. */
const CHECKPOINT_FORMAT = 'glorot-checkpoint';
/** Manifest layout version this code writes (2: with `metaSha256`). */
const CHECKPOINT_VERSION = 2;
/** Manifest layout versions this code reads (1: before `metaSha256`). */
const READABLE_VERSIONS: readonly number[] = [1, 2];
/** Blob names: letters, digits, `_ . -`, starting with a letter, digit or `_`; 1–128 characters. */
const BLOB_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

const MANIFEST = 'manifest.json';

/** A checkpoint as read back. */
export interface Checkpoint {
  readonly run: string;
  /** The number of updates done when the checkpoint was taken. */
  readonly update: number;
  /** ISO 8601 UTC time of writing. */
  readonly createdAt: string;
  /** The blobs, by name, verified against their SHA-256. */
  readonly blobs: Readonly<Record<string, Uint8Array>>;
  /** The `meta` object given to {@link writeCheckpoint} (its SHA-256 verified when the manifest has one). */
  readonly meta: Readonly<Record<string, unknown>>;
  /** The path of `manifest.json`, for errors about what it says. */
  readonly manifest: string;
  /** The path of each blob's file, by name. */
  readonly files: Readonly<Record<string, string>>;
}

/** The stages of {@link writeCheckpoint}, in order; reported to `onStep` after each completes. */
export type CheckpointStep = 'temp-dir-created' | 'blob-written' | 'generation-renamed' | 'manifest-temp-written' | 'manifest-renamed' | 'cleaned';

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions {
  /**
   * Called after each step; tests throw from it to simulate a crash at that point (the write stops
   * there, leaving whatever is on disk, as a killed process would).
   */
  readonly onStep?: (step: CheckpointStep) => void;
}

/**
 * A checkpoint is unreadable or contradicts the run's record: missing blob, wrong checksum or
 * length, malformed manifest, a meta that does not fit the run.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  /**
   * @param file the file at fault.
   * @param field the manifest field at fault (`meta.update`, `blobs.model.sha256`), when one is.
   */
  constructor(
    readonly file: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

interface ManifestBlob {
  file: string;
  bytes: number;
  sha256: string;
}

interface Manifest {
  format: string;
  version: number;
  run: string;
  update: number;
  createdAt: string;
  dir: string;
  blobs: Record<string, ManifestBlob>;
  meta: Record<string, unknown>;
  /** SHA-256 of `JSON.stringify(meta)` (version 2). */
  metaSha256?: string;
}

/** The directory holding a run's checkpoint. @throws RunStoreError `INVALID` for a bad run id. */
export function checkpointDir(outDir: string, run: string): string {
  return join(checkpointsRoot(outDir), validateRunId(run));
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Writes the run's checkpoint, atomically replacing the previous one (see the module comment).
 * @param outDir the output directory (`<outDir>/checkpoints/<run>/` is created as needed).
 * @param update number of updates done; a non-negative integer.
 * @param blobs named byte blobs (names match {@link BLOB_NAME_PATTERN}); at least one.
 * @param meta a plain JSON-serialisable object stored in the manifest (e.g. config hash, loss).
 * @returns the path of the new manifest.
 * @throws Error for a bad run id, update, blob name or meta; RunStoreError `UNWRITABLE` when the
 *   run's checkpoint directory cannot be created; other file-system errors as thrown by node:fs.
 */
export function writeCheckpoint(
  outDir: string,
  run: string,
  update: number,
  blobs: Readonly<Record<string, Uint8Array>>,
  meta: object,
  options: WriteCheckpointOptions = {},
): string {
  const runDir = checkpointDir(outDir, run);
  if (!Number.isSafeInteger(update) || update < 0) throw new Error(`checkpoint update must be an integer ≥ 0, found ${update}`);
  const names = Object.keys(blobs);
  if (names.length === 0) throw new Error('a checkpoint needs at least one blob');
  for (const name of names) {
    if (!BLOB_NAME_PATTERN.test(name)) throw new Error(`invalid checkpoint blob name "${name}": use letters, digits, "_", "." or "-" (at most 128)`);
    if (!(blobs[name] instanceof Uint8Array)) throw new Error(`checkpoint blob "${name}" must be a Uint8Array`);
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw new Error('checkpoint meta must be a plain object');
  const step = options.onStep ?? (() => {});

  ensureDir(runDir, `the checkpoint directory of run ${run} (in the output directory)`, 'outDir');
  const nonce = randomBytes(4).toString('hex');
  const tmpDir = join(runDir, `.tmp-${nonce}`);
  mkdirSync(tmpDir);
  step('temp-dir-created');
  const entries: Record<string, ManifestBlob> = {};
  for (const name of names) {
    const bytes = blobs[name]!;
    const file = `${name}.bin`;
    writeNewFileDurably(join(tmpDir, file), bytes);
    entries[name] = { file, bytes: bytes.length, sha256: sha256(bytes) };
    step('blob-written');
  }
  fsyncPath(tmpDir);
  const genName = `u${String(update).padStart(12, '0')}-${nonce}`;
  renameSync(tmpDir, join(runDir, genName));
  fsyncPath(runDir);
  step('generation-renamed');

  const manifest: Manifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    run,
    update,
    createdAt: new Date().toISOString(),
    dir: genName,
    blobs: entries,
    meta: meta as Record<string, unknown>,
    // the meta as read back (JSON.parse) serialises to the same text, so its hash is checkable
    metaSha256: sha256(JSON.stringify(meta)),
  };
  const manifestPath = join(runDir, MANIFEST);
  const tmpManifest = join(runDir, `.${MANIFEST}.tmp-${nonce}`);
  writeNewFileDurably(tmpManifest, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  step('manifest-temp-written');
  renameSync(tmpManifest, manifestPath); // the commit point
  fsyncPath(runDir);
  step('manifest-renamed');

  for (const entry of readdirSync(runDir)) {
    if (entry !== MANIFEST && entry !== genName) rmSync(join(runDir, entry), { recursive: true, force: true });
  }
  step('cleaned');
  return manifestPath;
}

/**
 * Reads one file of a checkpoint.
 * @throws CheckpointError naming the file when it is not a readable file (a directory, a link loop…).
 */
function readCheckpointFile(file: string, what: string): Buffer {
  try {
    return readInputFile(file, what);
  } catch (e) {
    if (e instanceof InvalidInputError) return corrupt(file, `expected ${e.expected}, found ${e.found}`);
    throw e;
  }
}

function corrupt(file: string, why: string, field?: string): never {
  throw new CheckpointError(file, `checkpoint ${file} is corrupt: ${field === undefined ? '' : `${field}: `}${why}`, field);
}

/** A SHA-256 in hex. */
const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** Parses and shape-checks a manifest. @throws CheckpointError naming the file. */
function parseManifest(path: string, text: string, run: string): Manifest {
  let m: unknown;
  try {
    m = parseJsonText(text, path, 'a checkpoint manifest');
  } catch (e) {
    return corrupt(path, `not valid JSON (${e instanceof InvalidInputError ? e.found : String(e)})`);
  }
  const o = m as Partial<Manifest> | null;
  if (typeof o !== 'object' || o === null || o.format !== CHECKPOINT_FORMAT) return corrupt(path, `not a ${CHECKPOINT_FORMAT} manifest`);
  if (typeof o.version !== 'number' || !READABLE_VERSIONS.includes(o.version)) {
    throw new CheckpointError(
      path,
      `checkpoint ${path} has manifest version ${String(o.version)}; this glorot reads versions ${READABLE_VERSIONS.join(' and ')}`,
      'version',
    );
  }
  if (o.run !== run) return corrupt(path, `it belongs to run "${String(o.run)}", not "${run}"`, 'run');
  if (typeof o.update !== 'number' || !Number.isSafeInteger(o.update) || o.update < 0) {
    return corrupt(path, `expected an integer ≥ 0, found ${String(o.update)}`, 'update');
  }
  const dir = typeof o.dir === 'string' ? /^u(\d{12})-[0-9a-f]{8}$/.exec(o.dir) : null;
  if (dir === null) return corrupt(path, `expected u<12 digits>-<8 hex>, found ${JSON.stringify(o.dir)}`, 'dir');
  if (Number(dir[1]) !== o.update) {
    return corrupt(path, `generation ${o.dir as string} was written at update ${Number(dir[1])}, the manifest says ${o.update}`, 'update');
  }
  if (typeof o.blobs !== 'object' || o.blobs === null) return corrupt(path, 'no blob list', 'blobs');
  for (const [name, b] of Object.entries(o.blobs)) {
    const wellFormed =
      typeof b === 'object' && b !== null && b.file === `${name}.bin` && SHA256_PATTERN.test(String(b.sha256)) && Number.isSafeInteger(b.bytes) && b.bytes >= 0;
    if (!BLOB_NAME_PATTERN.test(name) || !wellFormed) {
      return corrupt(path, `expected {file: "${name}.bin", bytes, sha256}, found ${JSON.stringify(b)}`, `blobs.${name}`);
    }
  }
  if (typeof o.meta !== 'object' || o.meta === null || Array.isArray(o.meta)) return corrupt(path, 'expected an object', 'meta');
  if (o.version >= 2) {
    if (!SHA256_PATTERN.test(String(o.metaSha256))) return corrupt(path, `expected a SHA-256, found ${JSON.stringify(o.metaSha256)}`, 'metaSha256');
    const sum = sha256(JSON.stringify(o.meta));
    if (sum !== o.metaSha256) return corrupt(path, `SHA-256 ${sum}, the manifest's metaSha256 says ${o.metaSha256}`, 'meta');
  }
  return o as Manifest;
}

/**
 * Reads and verifies the run's latest checkpoint.
 * @returns null when the run has no committed checkpoint (none written, or a crash before the
 *   first one was committed).
 * @throws CheckpointError naming the file (and the manifest's field) when the manifest is malformed,
 *   its meta fails its SHA-256 check, or a blob is missing, of the wrong length or fails its SHA-256
 *   check; Error for a bad run id.
 */
export function readCheckpoint(outDir: string, run: string): Checkpoint | null {
  const runDir = checkpointDir(outDir, run);
  const manifestPath = join(runDir, MANIFEST);
  if (!entryExists(manifestPath)) return null;
  const m = parseManifest(manifestPath, readCheckpointFile(manifestPath, 'a checkpoint manifest').toString('utf8'), run);
  const blobs: Record<string, Uint8Array> = {};
  const files: Record<string, string> = {};
  for (const [name, b] of Object.entries(m.blobs)) {
    const file = join(runDir, m.dir, b.file);
    files[name] = file;
    if (!entryExists(file)) throw new CheckpointError(file, `checkpoint blob ${file} is missing (named by ${manifestPath})`);
    const bytes = readCheckpointFile(file, 'a checkpoint blob');
    if (bytes.length !== b.bytes) corrupt(file, `${bytes.length} bytes, the manifest says ${b.bytes}`);
    const sum = sha256(bytes);
    if (sum !== b.sha256) corrupt(file, `SHA-256 ${sum}, the manifest says ${b.sha256}`);
    blobs[name] = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return { run: m.run, update: m.update, createdAt: m.createdAt, blobs, meta: m.meta, manifest: manifestPath, files };
}
