/**
 * The `reference` backend: plain TypeScript with float64 accumulation. It is the oracle every other
 * backend is tested against, so it favours clarity over speed (≈1–4 GFLOP/s).
 */
import {
  type ActivationName,
  type Backend,
  activationCode,
  checkDim,
  checkFloat32,
  checkLength,
  describeValue,
  extraArgumentError,
  scaleError,
} from './backend.ts';
import { activate, derivative } from './activations.ts';

/**
 * Validates the shapes of a GEMM call (CBLAS row-major, see {@link Backend.gemm}).
 * @throws RangeError naming the argument whose size or length is wrong.
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
 * @throws TypeError `targets must be an Int32Array, got a Float64Array` (the native addon's
 *   wording) when it is another type: a Float64Array would pass fractional or NaN "classes", a
 *   plain array or Uint8Array unchecked values.
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

/** Slots of the per-row summary {@link softmaxRow} writes: max logit, log Σ exp(l − max), +∞ count. */
const ROW_MAX = 0;
const ROW_LOG_SUM = 1;
const ROW_INF_COUNT = 2;
/**
 * The summary of the row being processed. A typed array rather than a returned object: the
 * softmax runs on every minibatch, and an object per row was the last allocation of a training
 * step on the wasm backend (issue 6, "no allocation per step"). Calls are synchronous, so one
 * module-level buffer is safe.
 */
const rowSummary = new Float64Array(3);

/**
 * Softmax of one row into `p` (float64), handling non-finite logits as {@link Backend.softmaxNll}
 * documents. Writes into {@link rowSummary} the max (for the log-probabilities) and
 * log Σ exp(logits − max), or the count of +Infinity logits when there are some.
 */
function softmaxRow(logits: Float32Array, off: number, cols: number, p: Float64Array): void {
  let max = -Infinity;
  let infCount = 0;
  let nan = false;
  for (let c = 0; c < cols; c++) {
    const v = logits[off + c]!;
    if (v !== v) nan = true;
    if (v === Infinity) infCount++;
    if (v > max) max = v;
  }
  if (nan) {
    p.fill(NaN, 0, cols);
    setRow(NaN, NaN, 0);
  } else if (infCount > 0) {
    for (let c = 0; c < cols; c++) p[c] = logits[off + c] === Infinity ? 1 / infCount : 0;
    setRow(Infinity, 0, infCount);
  } else if (max === -Infinity) {
    // every logit is −∞: no information, treat as uniform
    p.fill(1 / cols, 0, cols);
    setRow(-Infinity, Math.log(cols), 0);
  } else {
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(logits[off + c]! - max);
      p[c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) p[c] = p[c]! / sum;
    setRow(max, Math.log(sum), 0);
  }
}

function setRow(max: number, logSum: number, infCount: number): void {
  rowSummary[ROW_MAX] = max;
  rowSummary[ROW_LOG_SUM] = logSum;
  rowSummary[ROW_INF_COUNT] = infCount;
}

/** Negative log-probability of class `t` for the row last passed through {@link softmaxRow}. */
function rowNll(logits: Float32Array, off: number, t: number): number {
  const max = rowSummary[ROW_MAX]!;
  const logSum = rowSummary[ROW_LOG_SUM]!;
  const infCount = rowSummary[ROW_INF_COUNT]!;
  // `return max`, not `return NaN`: a NaN literal among the returns makes V8's optimizing compiler
  // keep the inlined result as a boxed heap number, one allocation per row (found by the
  // per-step allocation benchmark, issue 6).
  if (max !== max) return max;
  if (infCount > 0) return logits[off + t] === Infinity ? Math.log(infCount) : Infinity;
  if (max === -Infinity) return logSum; // all −∞: uniform, −log(1/cols)
  return -(logits[off + t]! - max - logSum);
}

/**
 * The softmax/NLL loop of {@link Backend.softmaxNll} on already-validated arguments, float64 per
 * row: shared by the reference and wasm backends (the output layer is narrow, so TypeScript costs
 * ≈ 1% of a step) so the non-finite-logit rules live in one place.
 * @param p float64 scratch of at least `cols` elements.
 * @param out receives the loss summed over rows in `out[0]` (written, not returned: a returned
 *   float64 is boxed on the heap; see {@link Backend.softmaxNll}'s `sum`).
 */
export function softmaxNllRows(
  logits: Float32Array,
  targets: Int32Array,
  rows: number,
  cols: number,
  grad: Float32Array | null,
  scale: number,
  probs: Float32Array | null,
  p: Float64Array,
  out: Float64Array,
): void {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const t = targets[r]!;
    softmaxRow(logits, off, cols, p);
    loss += rowNll(logits, off, t);
    if (probs) for (let c = 0; c < cols; c++) probs[off + c] = p[c]!;
    if (grad) for (let c = 0; c < cols; c++) grad[off + c] = scale * (p[c]! - (c === t ? 1 : 0));
  }
  out[0] = loss;
}

/**
 * The quadratic-cost loop of {@link Backend.softmaxQuadratic} on already-validated arguments
 * (shared like {@link softmaxNllRows}). C = ½ Σ_c e_c², e = p − y; ∂C/∂l_j = p_j (e_j − Σ_c e_c p_c).
 * @param p float64 scratch of at least `cols` elements.
 * @param out receives the summed cost in `out[0]` (as {@link softmaxNllRows}).
 */
export function softmaxQuadraticRows(
  logits: Float32Array,
  targets: Int32Array,
  rows: number,
  cols: number,
  grad: Float32Array | null,
  scale: number,
  p: Float64Array,
  out: Float64Array,
): void {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const t = targets[r]!;
    softmaxRow(logits, off, cols, p);
    let dot = 0;
    for (let c = 0; c < cols; c++) {
      const e = p[c]! - (c === t ? 1 : 0);
      loss += 0.5 * e * e;
      dot += e * p[c]!;
    }
    if (grad) for (let c = 0; c < cols; c++) grad[off + c] = scale * p[c]! * (p[c]! - (c === t ? 1 : 0) - dot);
  }
  out[0] = loss;
}

/**
 * Where a backend's softmaxNll / softmaxQuadratic writes its loss: the caller's `sum` when given,
 * else the backend's own one-element buffer (whose value is then returned). Callers return
 * `out === sum ? 0 : out[0]`: 0 is a small integer V8 does not allocate.
 * @throws TypeError when `sum` is given but is not a Float64Array (`sum must be a Float64Array,
 *   got a Float32Array`), RangeError when it is empty (`sum has 0 elements, needs at least 1`):
 *   the native addon's types and wording.
 */
export function lossOut(sum: Float64Array | null | undefined, own: Float64Array): Float64Array {
  if (sum === undefined || sum === null) return own;
  if (!(sum instanceof Float64Array)) throw new TypeError(`sum must be a Float64Array, got ${describeValue(sum)}`);
  checkLength('sum', sum, 1);
  return sum;
}

/**
 * Validates `rows`, `cols`, `logits`, `targets`, `grad` and `scale` of {@link Backend.softmaxNll} /
 * {@link Backend.softmaxQuadratic}, in the native addon's order (after `sum`, before softmaxNll's
 * `probs`), so every backend reports the same first problem. `scale` arrives and is passed on as
 * the caller's own number, so the call allocates nothing.
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
  if (typeof scale !== 'number' || scale - scale !== 0) throw scaleError(scale);
}

/** Creates the reference backend. */
export function createReferenceBackend(): Backend {
  let scratch = new Float64Array(16);
  const ownSum = new Float64Array(1);
  const rowScratch = (cols: number): Float64Array => {
    if (scratch.length < cols) scratch = new Float64Array(cols);
    return scratch;
  };

  return {
    name: 'reference',
    threads: 1,
    detail: 'plain TypeScript, float64 accumulation',

    alloc(length: number): Float32Array {
      if (!Number.isInteger(length) || length < 0) {
        throw new RangeError(`alloc length must be a non-negative integer, got ${String(length)}`);
      }
      return new Float32Array(length);
    },

    free(): void {},

    gemm(transA, transB, m, n, k, alpha, a, b, beta, c): void {
      checkGemm(m, n, k, a, b, c);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) {
            const av = transA ? a[p * m + i]! : a[i * k + p]!;
            const bv = transB ? b[j * k + p]! : b[p * n + j]!;
            acc += av * bv;
          }
          const prev = beta === 0 ? 0 : beta * c[i * n + j]!;
          c[i * n + j] = alpha * acc + prev;
        }
      }
    },

    biasActivation(activation: ActivationName, s, bias, z, rows, cols): void {
      activationCode(activation);
      checkDim('rows', rows);
      checkDim('cols', cols);
      checkLength('s', s, rows * cols);
      checkLength('bias', bias, cols);
      checkLength('z', z, rows * cols);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const v = Math.fround(s[i]! + bias[c]!);
          s[i] = v;
          z[i] = activate(activation, v);
        }
      }
    },

    activationBackward(activation: ActivationName, s, gz, gs, n): void {
      activationCode(activation);
      checkDim('n', n);
      checkLength('s', s, n);
      checkLength('gz', gz, n);
      checkLength('gs', gs, n);
      for (let i = 0; i < n; i++) gs[i] = gz[i]! * derivative(activation, s[i]!);
    },

    softmaxNll(logits: Float32Array, targets: Int32Array, rows: number, cols: number, grad: Float32Array | null, scale: number, probs?: Float32Array | null, sum?: Float64Array, extra?: unknown): number {
      if (extra !== undefined) throw extraArgumentError('softmaxNll', extra);
      const out = lossOut(sum, ownSum);
      checkCostArgs(logits, targets, rows, cols, grad, scale);
      if (probs !== null && probs !== undefined) checkFloat32('probs', probs, rows * cols);
      softmaxNllRows(logits, targets, rows, cols, grad, scale, probs ?? null, rowScratch(cols), out);
      return out === sum ? 0 : out[0]!;
    },

    softmaxQuadratic(logits: Float32Array, targets: Int32Array, rows: number, cols: number, grad: Float32Array | null, scale: number, sum?: Float64Array, extra?: unknown): number {
      if (extra !== undefined) throw extraArgumentError('softmaxQuadratic', extra);
      const out = lossOut(sum, ownSum);
      checkCostArgs(logits, targets, rows, cols, grad, scale);
      softmaxQuadraticRows(logits, targets, rows, cols, grad, scale, rowScratch(cols), out);
      return out === sum ? 0 : out[0]!;
    },

    colSum(a, rows, cols, alpha, beta, out): void {
      checkDim('rows', rows);
      checkDim('cols', cols);
      checkLength('a', a, rows * cols);
      checkLength('out', out, cols);
      for (let c = 0; c < cols; c++) {
        let acc = 0;
        for (let r = 0; r < rows; r++) acc += a[r * cols + c]!;
        out[c] = alpha * acc + (beta === 0 ? 0 : beta * out[c]!);
      }
    },

    dispose(): void {},
  };
}
