/**
 * Argument checks shared by the TypeScript backends (reference, wasm), with the native addon's error
 * types and wording (native/addon.c), so every backend reports the same first problem the same way.
 */
import { describeValue } from '../core/describe.ts';

/**
 * Checks that `n` is a non-negative integer.
 * @throws TypeError when `n` is not a number (`rows must be a number, got "2" (a string)`);
 *   RangeError when it is a negative, fractional or non-finite number.
 */
export function checkDim(name: string, n: number): void {
  if (typeof n !== 'number') throw new TypeError(`${name} must be a number, got ${describeValue(n)}`);
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(n)}`);
  }
}

/**
 * Checks that a buffer holds at least `need` elements.
 * @throws RangeError naming the argument, the elements needed and found.
 */
export function checkLength(name: string, buf: ArrayLike<number>, need: number): void {
  if (buf.length < need) {
    throw new RangeError(`${name} has ${buf.length} elements, needs at least ${need}`);
  }
}

/**
 * Checks that `buf` is a `Float32Array` with at least `need` elements.
 * @throws TypeError `logits must be a Float32Array, got a Float64Array` when it is another type;
 *   RangeError from {@link checkLength} when it is too short.
 */
export function checkFloat32(name: string, buf: Float32Array, need: number): void {
  if (!(buf instanceof Float32Array)) throw new TypeError(`${name} must be a Float32Array, got ${describeValue(buf)}`);
  checkLength(name, buf, need);
}

/**
 * Validates the shapes of a GEMM call (CBLAS row-major, see `Backend.gemm`).
 * @throws TypeError or RangeError naming the argument whose size or length is wrong.
 */
export function checkGemm(
  m: number,
  n: number,
  k: number,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c: ArrayLike<number>,
): void {
  checkDim('gemm m', m);
  checkDim('gemm n', n);
  checkDim('gemm k', k);
  checkLength('gemm A', a, m * k);
  checkLength('gemm B', b, k * n);
  checkLength('gemm C', c, m * n);
}

/**
 * Checks `targets` is an Int32Array of at least `rows` elements, each an integer class index in
 * `[0, cols)`.
 * @throws TypeError `targets must be an Int32Array, got a Float64Array` when it is another type: a
 *   Float64Array would pass fractional or NaN "classes", a plain array or Uint8Array unchecked values.
 * @throws RangeError when it is too short, or naming the row, the value found and the valid range.
 */
export function checkTargets(targets: Int32Array, rows: number, cols: number): void {
  if (!(targets instanceof Int32Array)) {
    throw new TypeError(`targets must be an Int32Array, got ${describeValue(targets)}`);
  }
  checkLength('targets', targets, rows);
  for (let r = 0; r < rows; r++) {
    const t = targets[r]!;
    if (t < 0 || t >= cols) {
      throw new RangeError(`target of row ${r} is ${t}, expected a class index in [0, ${cols})`);
    }
  }
}

/**
 * The error for a bad `scale` of a softmax cost.
 * @returns a TypeError when `scale` is not a number (`scale must be a number, got undefined`), else
 *   a RangeError for NaN or ±Infinity (it would fill the gradient with NaN or ±Infinity).
 */
export function scaleError(scale: unknown): Error {
  if (typeof scale !== 'number') return new TypeError(`scale must be a number, got ${describeValue(scale)}`);
  return new RangeError(`scale must be a finite number, got ${String(scale)}`);
}

/**
 * Validates `rows`, `cols`, `logits`, `targets`, `grad` and `scale` of `Backend.softmaxNll` /
 * `Backend.softmaxQuadratic`, in the native addon's order (softmaxNll's `probs` comes after).
 * @throws TypeError when a buffer has the wrong type or a dimension or `scale` is not a number;
 *   RangeError for a bad dimension, a non-finite `scale`, a buffer shorter than its shape or a
 *   target outside `[0, cols)`.
 */
export function checkCostArgs(
  logits: Float32Array,
  targets: Int32Array,
  rows: number,
  cols: number,
  grad: Float32Array | null | undefined,
  scale: number,
): void {
  checkDim('rows', rows);
  checkDim('cols', cols);
  checkFloat32('logits', logits, rows * cols);
  checkTargets(targets, rows, cols);
  if (grad !== null && grad !== undefined) checkFloat32('grad', grad, rows * cols);
  // `scale - scale` is NaN exactly for NaN and ±Infinity
  if (typeof scale !== 'number' || scale - scale !== 0) throw scaleError(scale);
}

/**
 * Checks an `alloc` length.
 * @throws RangeError `alloc length must be a non-negative integer, got -1`.
 */
export function checkAllocLength(length: number): void {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`alloc length must be a non-negative integer, got ${String(length)}`);
  }
}
