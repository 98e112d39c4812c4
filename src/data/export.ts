/**
 * A dataset's split written out (issue 15, item 13), so others train and test on exactly the data
 * glorot used — Shapeset's generated validation and test sets especially: as IDX files (MNIST's
 * format, which `idx:<dir>` reads back) or as a NumPy `.npz`.
 *
 * The values are the ones the network sees (`Split.read`, x = pixel / 255 in [0, 1]). IDX holds the
 * pixels as unsigned bytes when every value is a byte / 255 exactly (Shapeset, MNIST, CIFAR), else
 * float32 (IDX type 0x0D); dimensions [n, H, W] for one channel, [n, C, H, W] otherwise. The npz
 * holds `x` (float32 [n, C, H, W]), `y` (int64 [n], as PyTorch's losses take them) and `classes`
 * (unicode [classes], the names by label).
 */
import type { Dataset, Split } from './types.ts';
import { encodeNpz, unicodeArray } from './npy.ts';

/** The splits that can be exported. */
export const EXPORT_SPLITS = ['train', 'valid', 'test'] as const;
/** One of {@link EXPORT_SPLITS}. */
export type ExportSplit = (typeof EXPORT_SPLITS)[number];

/** Examples as the network sees them: inputs [n, inputSize] float32 and labels [n]. */
export interface Examples {
  readonly n: number;
  readonly x: Float32Array;
  readonly y: Int32Array;
}

/** Every example of a fixed split, expanded. */
function readSplit(split: Split): Examples {
  const x = new Float32Array(split.n * split.inputSize);
  for (let start = 0; start < split.n; start += 1000) {
    const rows = Math.min(1000, split.n - start);
    split.read(start, rows, x, start * split.inputSize);
  }
  return { n: split.n, x, y: Int32Array.from(split.y.subarray(0, split.n)) };
}

/**
 * The examples of a split: validation or test whole; `train`: the first `n` examples of the training
 * stream of `seed` — the exact sequence a run of that seed trains on (a finite set's stream is its
 * training set reshuffled every epoch; Shapeset's is generated without end).
 * @throws RangeError when `train` is asked for without a positive `n`.
 */
export function splitExamples(ds: Dataset, split: ExportSplit, n: number | undefined, seed: number): Examples {
  if (split === 'valid') return readSplit(ds.validation);
  if (split === 'test') return readSplit(ds.test);
  if (n === undefined || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`the train split needs a number of examples (a positive integer), found ${String(n)}`);
  }
  const x = new Float32Array(n * ds.inputSize);
  const y = new Int32Array(n);
  const stream = ds.trainStream(seed);
  const chunk = 500;
  const bx = new Float32Array(chunk * ds.inputSize);
  const by = new Int32Array(chunk);
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    stream.next(bx, by, rows);
    x.set(bx.subarray(0, rows * ds.inputSize), start * ds.inputSize);
    y.set(by.subarray(0, rows), start);
  }
  return { n, x, y };
}

/** [C, H, W] of a dataset (every dataset's info gives them). */
export function imageShape(ds: Dataset): [number, number, number] {
  return [Number(ds.info['channels'] ?? 1), Number(ds.info['height']), Number(ds.info['width'])];
}

/** The pixels as bytes when every value is exactly byte / 255 (as float32); null otherwise. */
function asBytes(x: Float32Array): Uint8Array | null {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const b = Math.round(x[i]! * 255);
    if (b < 0 || b > 255 || Math.fround(b / 255) !== x[i]) return null;
    out[i] = b;
  }
  return out;
}

/** An IDX file: magic 0 0 <type> <dims>, big-endian sizes, then big-endian data. */
function idxFile(type: 0x08 | 0x0d, dims: readonly number[], data: Uint8Array | Float32Array): Uint8Array {
  const head = 4 + 4 * dims.length;
  const width = type === 0x08 ? 1 : 4;
  const out = new Uint8Array(head + data.length * width);
  const view = new DataView(out.buffer);
  view.setUint32(0, (type << 8) | dims.length, false);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  if (data instanceof Uint8Array) out.set(data, head);
  else for (let i = 0; i < data.length; i++) view.setFloat32(head + 4 * i, data[i]!, false);
  return out;
}

/**
 * The examples as IDX images and labels (labels as unsigned bytes).
 * @returns the two files' bytes and whether the images are bytes (else float32).
 * @throws RangeError when a label does not fit a byte (more than 256 classes).
 */
export function toIdx(ex: Examples, shape: readonly [number, number, number]): { images: Uint8Array; labels: Uint8Array; bytes: boolean } {
  const [c, h, w] = shape;
  const dims = c === 1 ? [ex.n, h, w] : [ex.n, c, h, w];
  const bytes = asBytes(ex.x);
  const images = bytes !== null ? idxFile(0x08, dims, bytes) : idxFile(0x0d, dims, ex.x);
  const labels = new Uint8Array(ex.n);
  for (let i = 0; i < ex.n; i++) {
    const label = ex.y[i]!;
    if (label > 255) throw new RangeError(`label ${label} of example ${i} does not fit IDX's unsigned bytes; use the npz format`);
    labels[i] = label;
  }
  return { images, labels: idxFile(0x08, [ex.n], labels), bytes: bytes !== null };
}

/** The examples as an `.npz`: `x` float32 [n, C, H, W], `y` int64 [n], `classes` unicode. */
export function toNpz(ex: Examples, shape: readonly [number, number, number], classNames: readonly string[]): Uint8Array {
  const y = new BigInt64Array(ex.n);
  for (let i = 0; i < ex.n; i++) y[i] = BigInt(ex.y[i]!);
  return encodeNpz({
    x: { dtype: '<f4', shape: [ex.n, ...shape], data: new Uint8Array(ex.x.buffer, ex.x.byteOffset, ex.x.byteLength) },
    y: { dtype: '<i8', shape: [ex.n], data: new Uint8Array(y.buffer) },
    classes: unicodeArray(classNames),
  });
}
