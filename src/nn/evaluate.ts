/**
 * Error rate and mean negative log-likelihood of a network on a fixed set of examples (the
 * validation and test curves, SPEC.md §5), in chunks so that a large set is never expanded whole.
 */
import { describeValue } from '../core/describe.ts';
import type { Backend } from '../kernels/backend.ts';
import { checkDim } from '../kernels/checks.ts';

/**
 * A source of examples that copies rows out on request (a dataset split stored compactly; every
 * `Split` of src/data is one). `read(start, rows, out, at)` writes examples `[start, start + rows)`
 * as float32 inputs, `[rows, inputSize]` row-major, into `out[at …]`; it throws RangeError when the
 * rows are out of range or `out` is too short.
 */
export interface ExampleReader {
  /** Inputs per example; evaluation requires it to equal the network's n_0. */
  readonly inputSize: number;
  read(start: number, rows: number, out: Float32Array, at: number): void;
}

/** What evaluation needs of a network (the `Mlp`'s forward pass and input buffers). */
export interface Evaluable {
  readonly backend: Backend;
  readonly inputSize: number;
  readonly classes: number;
  forward(x: Float32Array | null, rows: number): Float32Array;
  inputBuffers(rows: number): { x: Float32Array; y: Int32Array };
}

/** Error rate (%) and mean NLL over `n` examples. */
export interface Evaluation {
  readonly errorRate: number;
  readonly nll: number;
  readonly n: number;
}

/**
 * Error rate and mean NLL of `net` on a fixed set, in chunks of `chunk` examples.
 * @param x the inputs: `[n, n_0]` row-major float32 (at least n·n_0 values), or an
 *   {@link ExampleReader} of examples of n_0 inputs that writes them chunk by chunk into the
 *   network's input buffer (so a set stored compactly, e.g. as 8-bit pixels, is never expanded whole).
 * @param y `[n]` class indices (an Int32Array of at least n).
 * @param n examples to evaluate, a non-negative integer.
 * @param chunk examples per forward pass, a positive integer.
 * @returns error rate in percent, mean NLL, and n (NaN rates for n = 0).
 * @throws RangeError on a target outside [0, classes); on a reader whose `inputSize` differs from
 *   the network's (naming both), a Float32Array `x` shorter than n·n_0, a `y` shorter than n, an
 *   `n` that is not a non-negative integer or a `chunk` that is not a positive integer.
 * @throws TypeError when `x` is neither a Float32Array nor an ExampleReader, `y` is not an
 *   Int32Array, or `n`/`chunk` is not a number.
 */
export function evaluateNetwork(net: Evaluable, x: Float32Array | ExampleReader, y: Int32Array, n: number, chunk = 500): Evaluation {
  checkDim('n', n);
  if (typeof chunk !== 'number') throw new TypeError(`chunk must be a number, got ${describeValue(chunk)}`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError(`chunk must be a positive integer, got ${String(chunk)}`);
  const d = net.inputSize;
  if (x instanceof Float32Array) {
    if (x.length < n * d) {
      throw new RangeError(`x has ${x.length} values, needs n × inputSize = ${n} × ${d} = ${n * d}`);
    }
  } else if (typeof x === 'object' && x !== null && typeof (x as Partial<ExampleReader>).read === 'function') {
    if (x.inputSize !== d) {
      throw new RangeError(
        `x holds examples of ${describeValue(x.inputSize)} inputs (its inputSize), but the network takes ${d} (widths[0])`,
      );
    }
  } else {
    throw new TypeError(`x must be a Float32Array or an ExampleReader (read() and inputSize), got ${describeValue(x)}`);
  }
  if (!(y instanceof Int32Array)) throw new TypeError(`y must be an Int32Array, got ${describeValue(y)}`);
  if (y.length < n) throw new RangeError(`y has ${y.length} labels, needs at least n = ${n}`);
  if (n === 0) return { errorRate: NaN, nll: NaN, n: 0 };
  const c = net.classes;
  let wrong = 0;
  let nll = 0;
  for (let start = 0; start < n; start += chunk) {
    const rows = Math.min(chunk, n - start);
    let logits: Float32Array;
    if (x instanceof Float32Array) {
      logits = net.forward(x.subarray(start * d, (start + rows) * d), rows);
    } else {
      x.read(start, rows, net.inputBuffers(rows).x, 0);
      logits = net.forward(null, rows);
    }
    const ys = y.subarray(start, start + rows);
    nll += net.backend.softmaxNll(logits, ys, rows, c, null, 1);
    for (let r = 0; r < rows; r++) if (argmax(logits, r * c, c) !== ys[r]) wrong++;
  }
  return { errorRate: (100 * wrong) / n, nll: nll / n, n };
}

/**
 * Index of the largest of `x[off … off+n)`, first on ties; −1 when any value is NaN (a diverged
 * network's prediction is counted wrong, never as class 0).
 */
export function argmax(x: Float32Array, off: number, n: number): number {
  let best = 0;
  for (let k = 0; k < n; k++) {
    const v = x[off + k]!;
    if (v !== v) return -1;
    if (v > x[off + best]!) best = k;
  }
  return best;
}
