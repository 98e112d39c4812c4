/**
 * The wasm backend's softmax costs, in TypeScript on the buffers in wasm memory: the output layer is
 * 9–10 wide, so this is ≈ 1% of a step. The same arithmetic as the reference backend's, in the same
 * order (conformance: test/unit/kernels/conformance.ts), written so that a training
 * step allocates nothing: the per-row summary lives in a module-level Float64Array instead of a
 * returned object, and the loss is written into a buffer instead of being returned (a returned
 * float64 is boxed into a new heap number; issue 6).
 */

/** Slots of the per-row summary {@link softmaxRow} writes: max logit, log Σ exp(l − max), +∞ count. */
const ROW_MAX = 0;
const ROW_LOG_SUM = 1;
const ROW_INF_COUNT = 2;
/** The summary of the row being processed (calls are synchronous, so one buffer is safe). */
const rowSummary = new Float64Array(3);

/**
 * Softmax of one row into `p` (float64), handling non-finite logits as `Backend.softmaxNll`
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
 * The softmax/NLL loop of `Backend.softmaxNll` on already-validated arguments, float64 per row.
 * @param p float64 scratch of at least `cols` elements.
 * @param out receives the loss summed over rows in `out[0]`.
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
 * The quadratic-cost loop of `Backend.softmaxQuadratic` on already-validated arguments.
 * C = ½ Σ_c e_c², e = p − y; ∂C/∂l_j = p_j (e_j − Σ_c e_c p_c).
 * @param p float64 scratch of at least `cols` elements.
 * @param out receives the summed cost in `out[0]`.
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
