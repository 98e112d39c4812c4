/**
 * The `reference` backend: plain TypeScript with float64 accumulation. It is the oracle every other
 * backend is tested against, so it favours clarity over speed (≈1–4 GFLOP/s).
 */
import {
  type ActivationName,
  type Backend,
  checkDim,
  checkLength,
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
 * Checks every target is an integer class index in `[0, cols)`.
 * @throws RangeError naming the row, the value found and the valid range.
 */
export function checkTargets(targets: Int32Array, rows: number, cols: number): void {
  checkLength('targets', targets, rows);
  for (let r = 0; r < rows; r++) {
    const t = targets[r]!;
    if (t < 0 || t >= cols) {
      throw new RangeError(`target of row ${r} is ${t}, expected a class index in [0, ${cols})`);
    }
  }
}

/**
 * Softmax of one row into `p` (float64), handling non-finite logits as {@link Backend.softmaxNll}
 * documents. Returns log Σ exp(logits − max) and the max (for the log-probabilities), or
 * `{ infCount }` when some logits are +Infinity.
 */
export function softmaxRow(
  logits: Float32Array,
  off: number,
  cols: number,
  p: Float64Array,
): { max: number; logSum: number; infCount: number } {
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
    return { max: NaN, logSum: NaN, infCount: 0 };
  }
  if (infCount > 0) {
    for (let c = 0; c < cols; c++) p[c] = logits[off + c] === Infinity ? 1 / infCount : 0;
    return { max: Infinity, logSum: 0, infCount };
  }
  if (max === -Infinity) {
    // every logit is −∞: no information, treat as uniform
    p.fill(1 / cols, 0, cols);
    return { max: -Infinity, logSum: Math.log(cols), infCount: 0 };
  }
  let sum = 0;
  for (let c = 0; c < cols; c++) {
    const e = Math.exp(logits[off + c]! - max);
    p[c] = e;
    sum += e;
  }
  for (let c = 0; c < cols; c++) p[c] = p[c]! / sum;
  return { max, logSum: Math.log(sum), infCount: 0 };
}

/** Negative log-probability of class `t` for a row already passed through {@link softmaxRow}. */
export function rowNll(
  logits: Float32Array,
  off: number,
  t: number,
  cols: number,
  row: { max: number; logSum: number; infCount: number },
): number {
  if (Number.isNaN(row.max)) return NaN;
  if (row.infCount > 0) return logits[off + t] === Infinity ? Math.log(row.infCount) : Infinity;
  if (row.max === -Infinity) return row.logSum; // all −∞: uniform, −log(1/cols)
  return -(logits[off + t]! - row.max - row.logSum);
}

/**
 * The softmax/NLL loop of {@link Backend.softmaxNll} on already-validated arguments, float64 per
 * row: shared by the reference and wasm backends (the output layer is narrow, so TypeScript costs
 * ≈ 1% of a step) so the non-finite-logit rules live in one place.
 * @param p float64 scratch of at least `cols` elements.
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
): number {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    const t = targets[r]!;
    const row = softmaxRow(logits, off, cols, p);
    loss += rowNll(logits, off, t, cols, row);
    if (probs) for (let c = 0; c < cols; c++) probs[off + c] = p[c]!;
    if (grad) for (let c = 0; c < cols; c++) grad[off + c] = scale * (p[c]! - (c === t ? 1 : 0));
  }
  return loss;
}

/**
 * The quadratic-cost loop of {@link Backend.softmaxQuadratic} on already-validated arguments
 * (shared like {@link softmaxNllRows}). C = ½ Σ_c e_c², e = p − y; ∂C/∂l_j = p_j (e_j − Σ_c e_c p_c).
 * @param p float64 scratch of at least `cols` elements.
 */
export function softmaxQuadraticRows(
  logits: Float32Array,
  targets: Int32Array,
  rows: number,
  cols: number,
  grad: Float32Array | null,
  scale: number,
  p: Float64Array,
): number {
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
  return loss;
}

/** Creates the reference backend. */
export function createReferenceBackend(): Backend {
  let scratch = new Float64Array(16);
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
      checkDim('n', n);
      checkLength('s', s, n);
      checkLength('gz', gz, n);
      checkLength('gs', gs, n);
      for (let i = 0; i < n; i++) gs[i] = gz[i]! * derivative(activation, s[i]!);
    },

    softmaxNll(logits, targets, rows, cols, grad, scale, probs): number {
      checkDim('rows', rows);
      checkDim('cols', cols);
      checkLength('logits', logits, rows * cols);
      checkTargets(targets, rows, cols);
      if (grad) checkLength('grad', grad, rows * cols);
      if (probs) checkLength('probs', probs, rows * cols);
      return softmaxNllRows(logits, targets, rows, cols, grad, scale, probs ?? null, rowScratch(cols));
    },

    softmaxQuadratic(logits, targets, rows, cols, grad, scale): number {
      checkDim('rows', rows);
      checkDim('cols', cols);
      checkLength('logits', logits, rows * cols);
      checkTargets(targets, rows, cols);
      if (grad) checkLength('grad', grad, rows * cols);
      return softmaxQuadraticRows(logits, targets, rows, cols, grad, scale, rowScratch(cols));
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
