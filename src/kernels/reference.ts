/**
 * The `reference` backend: plain TypeScript, float64 arithmetic, one loop per formula. It is the
 * oracle every other backend is tested against (test/unit/kernels/conformance.ts), so it is written for
 * the reader, not for speed (≈ 1–4 GFLOP/s) and not for the allocator: it has none of the fast
 * backends' tricks (src/kernels/hot-path.ts).
 */
import { activationOf } from '../core/activations.ts';
import type { Backend } from './backend.ts';
import { checkAllocLength, checkCostArgs, checkDim, checkFloat32, checkGemm, checkLength } from './checks.ts';

/** The softmax of one row of logits, with what its negative log-probabilities need. */
interface SoftmaxRow {
  /** softmax(logits), float64. */
  readonly p: Float64Array;
  /** −log p[t] for class `t`. */
  readonly nll: (t: number) => number;
}

/**
 * Softmax of one row, log-sum-exp stable, with the rules for non-finite logits of
 * `Backend.softmaxNll`: a NaN makes everything NaN; `+Infinity` logits share the mass equally; a row
 * of `−Infinity` only is uniform.
 */
function softmaxRow(logits: Float32Array): SoftmaxRow {
  const cols = logits.length;
  const p = new Float64Array(cols);
  let max = -Infinity;
  let infCount = 0;
  let nan = false;
  for (const v of logits) {
    if (Number.isNaN(v)) nan = true;
    if (v === Infinity) infCount++;
    if (v > max) max = v;
  }
  if (nan) {
    p.fill(NaN);
    return { p, nll: () => NaN };
  }
  if (infCount > 0) {
    for (let c = 0; c < cols; c++) p[c] = logits[c] === Infinity ? 1 / infCount : 0;
    return { p, nll: (t) => (logits[t] === Infinity ? Math.log(infCount) : Infinity) };
  }
  if (max === -Infinity) {
    p.fill(1 / cols);
    return { p, nll: () => Math.log(cols) };
  }
  let sum = 0;
  for (let c = 0; c < cols; c++) {
    p[c] = Math.exp(logits[c]! - max);
    sum += p[c]!;
  }
  for (let c = 0; c < cols; c++) p[c] = p[c]! / sum;
  const logSum = Math.log(sum);
  return { p, nll: (t) => -(logits[t]! - max - logSum) };
}

/** Creates the reference backend; `maxFloats` is its {@link Backend.maxFloats} (default Infinity). */
export function createReferenceBackend(maxFloats = Infinity): Backend {
  return {
    name: 'reference',
    threads: 1,
    detail: 'plain TypeScript, float64 accumulation',
    maxFloats,

    alloc(length) {
      checkAllocLength(length);
      return new Float32Array(length);
    },

    free() {},

    gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
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

    biasActivation(activation, s, bias, z, rows, cols) {
      const { f } = activationOf(activation);
      checkDim('rows', rows);
      checkDim('cols', cols);
      checkLength('s', s, rows * cols);
      checkLength('bias', bias, cols);
      checkLength('z', z, rows * cols);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          s[i] = s[i]! + bias[c]!;
          z[i] = f(s[i]!);
        }
      }
    },

    activationBackward(activation, s, gz, gs, n) {
      const { df } = activationOf(activation);
      checkDim('n', n);
      checkLength('s', s, n);
      checkLength('gz', gz, n);
      checkLength('gs', gs, n);
      for (let i = 0; i < n; i++) gs[i] = gz[i]! * df(s[i]!);
    },

    softmaxNll(logits, targets, rows, cols, grad, scale, probs = null) {
      checkCostArgs(logits, targets, rows, cols, grad, scale);
      if (probs !== null) checkFloat32('probs', probs, rows * cols);
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        const off = r * cols;
        const t = targets[r]!;
        const { p, nll } = softmaxRow(logits.subarray(off, off + cols));
        loss += nll(t);
        if (probs) for (let c = 0; c < cols; c++) probs[off + c] = p[c]!;
        if (grad) for (let c = 0; c < cols; c++) grad[off + c] = scale * (p[c]! - (c === t ? 1 : 0));
      }
      return loss;
    },

    // C = ½ Σ_c e_c², e = p − y; ∂C/∂l_j = p_j (e_j − Σ_c e_c p_c)
    softmaxQuadratic(logits, targets, rows, cols, grad, scale) {
      checkCostArgs(logits, targets, rows, cols, grad, scale);
      let loss = 0;
      for (let r = 0; r < rows; r++) {
        const off = r * cols;
        const t = targets[r]!;
        const { p } = softmaxRow(logits.subarray(off, off + cols));
        let dot = 0;
        for (let c = 0; c < cols; c++) {
          const e = p[c]! - (c === t ? 1 : 0);
          loss += 0.5 * e * e;
          dot += e * p[c]!;
        }
        if (grad) for (let c = 0; c < cols; c++) grad[off + c] = scale * p[c]! * (p[c]! - (c === t ? 1 : 0) - dot);
      }
      return loss;
    },

    colSum(a, rows, cols, alpha, beta, out) {
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

    dispose() {},
  };
}
