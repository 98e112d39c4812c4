/**
 * Reading data files: whole files into memory, gunzipped when their first bytes say gzip
 * (1f 8b, RFC 1952), whatever their name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DataFileError } from './errors.ts';

/** True when `bytes` start with the gzip magic 1f 8b (RFC 1952 §2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a file, decompressing it when it is gzip (detected by its bytes, not its name).
 * @throws DataFileError (field 'gzip') when a gzip stream is truncated or corrupt.
 */
export function readDataFile(path: string): Uint8Array {
  const raw = readFileSync(path);
  if (!isGzip(raw)) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new DataFileError(path, 'gzip', 'a complete gzip stream', `a damaged one (${why})`);
  }
}

/** The first of `candidates` that exists, or undefined. */
export function firstExisting(candidates: readonly string[]): string | undefined {
  return candidates.find((p) => existsSync(p));
}
