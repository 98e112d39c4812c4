/**
 * Finite datasets in memory: the example table, fixed splits cut from it, and the seeded training
 * stream that reshuffles every epoch.
 */
import { Rng, deriveSeed } from '../core/rng.ts';
import type { Split, TrainStream } from './types.ts';
import { checkBatch, checkSeed, checkState, stateInteger } from './stream-state.ts';

/** byte / 255 as float32, for byte = 0..255: how stored 8-bit pixels become inputs in [0, 1]. */
export const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/**
 * Examples in memory, row-major [n, inputSize]: 8-bit pixels (input = byte/255, the compact form
 * for files of bytes) or floats already in [0, 1]. `labels` are class indices [n].
 */
export interface ExampleTable {
  readonly pixels: Uint8Array | Float32Array;
  readonly labels: Uint8Array | Int32Array;
  readonly n: number;
  readonly inputSize: number;
}

/** Rows [start, start + count) of `table`, as views (no copy). @throws RangeError when out of range. */
export function tableRows(table: ExampleTable, start: number, count: number): ExampleTable {
  if (start < 0 || count < 0 || start + count > table.n) {
    throw new RangeError(`tableRows: rows ${start}..${start + count} outside a table of ${table.n}`);
  }
  const d = table.inputSize;
  return {
    pixels: table.pixels.subarray(start * d, (start + count) * d),
    labels: table.labels.subarray(start, start + count),
    n: count,
    inputSize: d,
  };
}

/** Copies example `i` of `table` as floats in [0, 1] into `x[at … at + inputSize)`. */
function copyRow(table: ExampleTable, i: number, x: Float32Array, at: number): void {
  const d = table.inputSize;
  const src = table.pixels;
  // Element loops rather than x.set(src.subarray(…)): a subarray view would allocate per row.
  if (src instanceof Float32Array) {
    for (let k = 0, p = i * d; k < d; k++, p++) x[at + k] = src[p];
    return;
  }
  for (let k = 0, p = i * d; k < d; k++, p++) x[at + k] = BYTE_TO_UNIT[src[p]];
}

/**
 * The whole table as a {@link Split}, without copying the pixels: `read` expands rows on demand
 * (bytes through {@link BYTE_TO_UNIT}, so the floats are those a float32 copy would hold). Labels
 * are the table's own Int32Array, or an Int32Array copy of Uint8Array labels (4 bytes per example).
 * @param name names the split in errors, e.g. 'mnist validation'.
 */
export function tableSplit(table: ExampleTable, name: string): Split {
  const { n, inputSize: d, pixels } = table;
  const y = table.labels instanceof Int32Array ? table.labels : Int32Array.from(table.labels);
  if (pixels.length < n * d || y.length < n) {
    throw new RangeError(`${name}: a table of ${n} × ${d} needs ${n * d} pixels and ${n} labels, found ${pixels.length} and ${y.length}`);
  }
  const check = (start: number, rows: number, out: Float32Array, at: number): void => {
    if (!Number.isInteger(start) || !Number.isInteger(rows) || start < 0 || rows < 0 || start + rows > n) {
      throw new RangeError(`${name}: read: rows ${start}..${start + rows} (${rows} rows) outside the split's ${n} examples`);
    }
    if (!Number.isInteger(at) || at < 0 || at + rows * d > out.length) {
      throw new RangeError(
        `${name}: read: out needs ${rows}×${d} = ${rows * d} floats from offset ${at}, found length ${out.length}`,
      );
    }
  };
  // Two closures rather than a branch per element; element loops rather than subarray views,
  // which would allocate per call.
  const read =
    pixels instanceof Float32Array
      ? (start: number, rows: number, out: Float32Array, at: number): void => {
          check(start, rows, out, at);
          for (let k = 0, p = start * d, end = rows * d; k < end; k++, p++) out[at + k] = pixels[p];
        }
      : (start: number, rows: number, out: Float32Array, at: number): void => {
          check(start, rows, out, at);
          for (let k = 0, p = start * d, end = rows * d; k < end; k++, p++) out[at + k] = BYTE_TO_UNIT[pixels[p]];
        };
  return { n, inputSize: d, y: n === y.length ? y : y.subarray(0, n), read };
}

/** Examples per class in `labels`, indexed by class. */
export function classCounts(labels: ArrayLike<number>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/**
 * The training stream over a finite table: epochs of a seeded permutation, reshuffled in place at
 * every epoch. The order of epoch e is a Fisher–Yates shuffle of 0..n−1 drawn from
 * Rng(deriveSeed(deriveSeed(seed, '<dataset>/train-order'), 'epoch <e>')), so the state is just
 * (epoch, position) and resuming recomputes one permutation.
 * @throws RangeError when the table is empty or `seed` is not a safe integer.
 */
export function createFiniteStream(dataset: string, table: ExampleTable, seed: number): TrainStream {
  checkSeed(seed);
  if (table.n < 1) throw new RangeError(`${dataset}: the training set is empty`);
  const orderSeed = deriveSeed(seed, `${dataset}/train-order`);
  const order = new Int32Array(table.n);
  let epoch = 0;
  let position = 0;
  const shuffle = (): void => {
    for (let i = 0; i < order.length; i++) order[i] = i;
    new Rng(deriveSeed(orderSeed, `epoch ${epoch}`)).shuffle(order);
  };
  shuffle();
  const identity = { kind: 'finite-train', dataset, seed, n: table.n };
  return {
    next(x, y, rows) {
      checkBatch(x, y, rows, table.inputSize);
      for (let r = 0; r < rows; r++) {
        if (position === table.n) {
          epoch++;
          position = 0;
          shuffle();
        }
        const i = order[position++];
        copyRow(table, i, x, r * table.inputSize);
        y[r] = table.labels[i];
      }
    },
    getState() {
      return { ...identity, epoch, position };
    },
    setState(state) {
      const s = checkState(state, identity);
      const e = stateInteger(s, 'epoch', Number.MAX_SAFE_INTEGER);
      const p = stateInteger(s, 'position', table.n);
      if (e !== epoch) {
        epoch = e;
        shuffle();
      }
      position = p;
    },
    drawn() {
      return epoch * table.n + position;
    },
  };
}
