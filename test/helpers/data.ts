/** Small data files the data tests write themselves: IDX (plain and gzip), CIFAR-10 batches. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `glorot-${prefix}-`));
}

/** IDX header: magic then big-endian u32 sizes. */
function header(magic: number, dims: number[]): Uint8Array {
  const h = new Uint8Array(4 + 4 * dims.length);
  const v = new DataView(h.buffer);
  v.setUint32(0, magic, false);
  dims.forEach((d, k) => v.setUint32(4 + 4 * k, d, false));
  return h;
}

/** An IDX image file (magic 2051) whose image i, pixel k is `pixel(i, k)`. */
export function idxImages(count: number, rows: number, cols: number, pixel: (i: number, k: number) => number): Uint8Array {
  const d = rows * cols;
  const data = Uint8Array.from({ length: count * d }, (_, p) => pixel(Math.floor(p / d), p % d));
  return Buffer.concat([header(2051, [count, rows, cols]), data]);
}

/** An IDX label file (magic 2049). */
export function idxLabels(labels: number[]): Uint8Array {
  return Buffer.concat([header(2049, [labels.length]), Uint8Array.from(labels)]);
}

/**
 * gzip as the gzip tool writes it, with the original file name in the header (flag FNAME, so the
 * first four bytes read as the big-endian number 529205256).
 */
export function gzipWithName(data: Uint8Array, name: string): Uint8Array {
  const z = gzipSync(data);
  z[3] = 0x08; // FLG.FNAME: a zero-terminated name follows the 10-byte header
  return Buffer.concat([z.subarray(0, 10), Buffer.from(`${name}\0`, 'latin1'), z.subarray(10)]);
}

/** Writes MNIST's four files into `dir` (gzipped when `gz`), the images from `pixel`. */
export function writeIdxSet(
  dir: string,
  train: number[],
  test: number[],
  opts: { rows?: number; cols?: number; gz?: boolean; pixel?: (i: number, k: number) => number } = {},
): void {
  const rows = opts.rows ?? 28;
  const cols = opts.cols ?? 28;
  const pixel = opts.pixel ?? ((i, k) => (i * 7 + k) % 256);
  const put = (name: string, bytes: Uint8Array): void =>
    writeFileSync(join(dir, opts.gz ? `${name}.gz` : name), opts.gz ? gzipSync(bytes) : bytes);
  put('train-images-idx3-ubyte', idxImages(train.length, rows, cols, pixel));
  put('train-labels-idx1-ubyte', idxLabels(train));
  put('t10k-images-idx3-ubyte', idxImages(test.length, rows, cols, (i, k) => pixel(1000 + i, k)));
  put('t10k-labels-idx1-ubyte', idxLabels(test));
}

/** CIFAR-10 binary records: record i has label labels[i], and R, G, B planes filled by `plane(i, c)`. */
export function cifarBatch(labels: number[], plane: (i: number, channel: number) => number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, i) => {
    out[i * 3073] = label;
    for (let c = 0; c < 3; c++) out.fill(plane(i, c), i * 3073 + 1 + c * 1024, i * 3073 + 1 + (c + 1) * 1024);
  });
  return out;
}
