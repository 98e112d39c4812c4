/**
 * The IDX file format of MNIST and Fashion-MNIST (LeCun, "THE MNIST DATABASE", file formats): a
 * big-endian header, magic = 0x00 0x00 <type> <dimensions>, one unsigned 32-bit size per dimension,
 * then the data. Images: magic 2051 (type 0x08 unsigned byte, 3 dimensions: count, rows, columns).
 * Labels: magic 2049 (unsigned byte, 1 dimension). Pure functions on bytes; they never read files.
 */
import { DataFileError } from './errors.ts';
import { isGzip, type SizeLimit } from './files.ts';

/** Magic number of an IDX image file: unsigned bytes, 3 dimensions. */
const IDX_IMAGES_MAGIC = 2051;
/** Magic number of an IDX label file: unsigned bytes, 1 dimension. */
const IDX_LABELS_MAGIC = 2049;

/** Images of an IDX file: `pixels` is [count, rows·cols] row-major bytes 0..255 (a view of the file). */
export interface IdxImages {
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  readonly pixels: Uint8Array;
}

/** Labels of an IDX file: [count] bytes (a view of the file). */
export interface IdxLabels {
  readonly count: number;
  readonly labels: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};

/**
 * The size an IDX file's header announces: header + product of its sizes, when its magic is
 * `magic`; null otherwise (the parser then names the fault).
 */
function idxSize(magic: number, dimensions: number): SizeLimit {
  const headerBytes = 4 + 4 * dimensions;
  return {
    headerBytes,
    announced: (head) => {
      if (head.length < headerBytes) return null;
      const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      if (view.getUint32(0, false) !== magic) return null;
      const dims = Array.from({ length: dimensions }, (_, k) => view.getUint32(4 + 4 * k, false));
      return { bytes: headerBytes + dims.reduce((a, b) => a * b, 1), why: `header ${headerBytes} + ${dims.join(' × ')} data, as its header announces` };
    },
  };
}

/** How large a gzipped IDX image file may inflate: what its header announces (src/data/files.ts). */
export const IDX_IMAGES_SIZE: SizeLimit = idxSize(IDX_IMAGES_MAGIC, 3);
/** How large a gzipped IDX label file may inflate: what its header announces. */
export const IDX_LABELS_SIZE: SizeLimit = idxSize(IDX_LABELS_MAGIC, 1);

/**
 * Parses an IDX image file (magic 2051).
 * @param file the name used in error messages.
 * @throws DataFileError on a wrong magic ("this is gzip" for 529205256 and the like), a short
 *   header, a zero dimension, or a length other than header + count·rows·cols.
 */
export function parseIdxImages(bytes: Uint8Array, file: string): IdxImages {
  const { dims, data } = parseIdx(bytes, file, IDX_IMAGES_MAGIC, ['count', 'rows', 'columns']);
  return { count: dims[0], rows: dims[1], cols: dims[2], pixels: data };
}

/**
 * Parses an IDX label file (magic 2049).
 * @throws DataFileError as {@link parseIdxImages}.
 */
export function parseIdxLabels(bytes: Uint8Array, file: string): IdxLabels {
  const { dims, data } = parseIdx(bytes, file, IDX_LABELS_MAGIC, ['count']);
  return { count: dims[0], labels: data };
}

function parseIdx(
  bytes: Uint8Array,
  file: string,
  magic: number,
  dimNames: readonly string[],
): { dims: number[]; data: Uint8Array } {
  const what = describeMagic(magic);
  if (bytes.length < 4) throw new DataFileError(file, 'magic', `${magic} (${what})`, `a file of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0, false);
  if (found !== magic) throw new DataFileError(file, 'magic', `${magic} (${what})`, `${found} (${explainMagic(bytes, found)})`);
  const header = 4 + 4 * dimNames.length;
  if (bytes.length < header) {
    throw new DataFileError(file, 'header', `${header} bytes (magic + ${dimNames.length} sizes)`, `${bytes.length} bytes`);
  }
  const dims = dimNames.map((_, k) => view.getUint32(4 + 4 * k, false));
  dims.forEach((d, k) => {
    if (k > 0 && d === 0) throw new DataFileError(file, dimNames[k], 'at least 1', '0');
  });
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) {
    throw new DataFileError(
      file,
      'length',
      `${header + size} bytes (header ${header} + ${dims.join(' × ')} data)`,
      `${bytes.length} bytes (${bytes.length < header + size ? 'truncated' : `${bytes.length - header - size} extra`})`,
    );
  }
  return { dims, data: bytes.subarray(header) };
}

/** 'IDX images: unsigned bytes, 3 dimensions' for 2051, and so on. */
function describeMagic(magic: number): string {
  const dims = magic & 0xff;
  const type = TYPE_NAMES[(magic >>> 8) & 0xff] ?? 'unknown type';
  const kind = magic === IDX_IMAGES_MAGIC ? 'IDX images: ' : magic === IDX_LABELS_MAGIC ? 'IDX labels: ' : 'IDX: ';
  return `${kind}${type}s, ${dims} dimension${dims === 1 ? '' : 's'}`;
}

/** What a wrong magic number most likely means. */
function explainMagic(bytes: Uint8Array, found: number): string {
  if (isGzip(bytes)) return 'this is gzip: compressed data, not IDX (glorot decompresses once, so was it compressed twice?)';
  if (bytes[0] !== 0 || bytes[1] !== 0) return 'not an IDX file: its first two bytes must be 0';
  if (found === IDX_LABELS_MAGIC) return `${describeMagic(found)}: a label file where images were expected`;
  if (found === IDX_IMAGES_MAGIC) return `${describeMagic(found)}: an image file where labels were expected`;
  return describeMagic(found);
}
