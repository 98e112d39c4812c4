/**
 * Reading data files: whole files into memory, gunzipped when their first bytes say gzip
 * (1f 8b, RFC 1952), whatever their name. A gzip stream is inflated only up to the size the file
 * announces (its IDX header, or a CIFAR batch's fixed size): a small file that inflates to gigabytes
 * (a "gzip bomb") stops there with an error, holding at most that size plus one zlib chunk.
 */
import { createGunzip } from 'node:zlib';
import { describePath, entryExists, readInputFile } from '../core/files.ts';
import { DataFileError } from './errors.ts';

/** The decompressed size a data file announces, and why (for the error when it inflates past it). */
export interface AnnouncedSize {
  /** Bytes the whole decompressed file holds. */
  readonly bytes: number;
  /** e.g. `header 16 + 100 × 28 × 28 data, as its header announces`. */
  readonly why: string;
}

/** How large a data file may become once decompressed: a function of its first bytes. */
export interface SizeLimit {
  /** How many leading (decompressed) bytes announce the size; 0 when the size is fixed. */
  readonly headerBytes: number;
  /**
   * The announced size, from the first `headerBytes` bytes; null when they are not a valid header
   * (reading then stops there, and the parser names what is wrong with them).
   */
  readonly announced: (head: Uint8Array) => AnnouncedSize | null;
}

/** True when `bytes` start with the gzip magic 1f 8b (RFC 1952 §2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a file, decompressing it when it is gzip (detected by its bytes, not its name), never past
 * the size it announces.
 * @param limit how the file announces its size (src/data/idx.ts `IDX_IMAGES_SIZE`, …).
 * @param what what the file should hold, for the message, e.g. `IDX images`.
 * @throws InvalidInputError naming the file when it is not a readable file (a directory, a link
 *   loop, …: see src/core/files.ts); DataFileError (field 'gzip') when a gzip stream is truncated or
 *   corrupt; (field 'length') when it inflates past the announced size.
 */
export async function readDataFile(path: string, limit: SizeLimit, what = 'a data file'): Promise<Uint8Array> {
  const raw = readInputFile(path, what);
  if (!isGzip(raw)) return raw;
  return inflateBounded(raw, path, limit);
}

/** Gunzips `raw` chunk by chunk, stopping with an error as soon as the output passes the announced size. */
function inflateBounded(raw: Uint8Array, path: string, limit: SizeLimit): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      reject(e);
    };
    const done = (bytes: Uint8Array): void => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      resolve(bytes);
    };
    // undefined until the header is in; null when it does not parse
    let cap: AnnouncedSize | null | undefined = limit.headerBytes === 0 ? limit.announced(new Uint8Array(0)) : undefined;
    gunzip.on('data', (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      total += chunk.length;
      if (cap === undefined && total >= limit.headerBytes) cap = limit.announced(Buffer.concat(chunks).subarray(0, limit.headerBytes));
      // not a valid header: its bytes are all the parser needs to say what is wrong with them
      if (cap === null) return done(Buffer.concat(chunks).subarray(0, limit.headerBytes));
      if (cap !== undefined && total > cap.bytes) {
        const found = `more: its gzip stream inflates past that (stopped after ${total.toLocaleString('en-US')} bytes)`;
        fail(new DataFileError(path, 'length', `${cap.bytes.toLocaleString('en-US')} bytes once decompressed (${cap.why})`, found));
      }
    });
    gunzip.on('end', () => done(Buffer.concat(chunks, total)));
    gunzip.on('error', (e: Error) => fail(new DataFileError(path, 'gzip', 'a complete gzip stream', `a damaged one (${e.message})`)));
    gunzip.end(raw);
  });
}

/**
 * The first of `candidates` with an entry on disk, or undefined. A broken link or a link loop
 * counts (`existsSync` calls it missing): reading it then says what it is.
 */
export function firstExisting(candidates: readonly string[]): string | undefined {
  return candidates.find((p) => entryExists(p));
}

/**
 * How a message says that directory `dir` lacks what was looked for: `<dir>, which lacks <what>`,
 * or, when `dir` is no directory at all, what it is (`<dir>: a symbolic link loop …`, `<dir>:
 * nothing (no such file)`), so a link loop or a file is never reported as missing files.
 */
export function lacking(dir: string, what: string): string {
  const found = describePath(dir);
  return found === 'a directory' ? `${dir}, which lacks ${what}` : `${dir}: ${found}`;
}
