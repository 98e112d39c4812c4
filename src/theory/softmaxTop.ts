/**
 * The top gradient of softmax + negative log-likelihood predicted from the law of the logits, so
 * that the conditioned prediction (conditioned.ts) needs no forward pass at all: for one example,
 * logits s_k = μ_k + σ ε_k with ε_k iid N(0, 1) (the conditioned forward's fresh part, independent
 * across units) and δ_k = ∂C/∂s_k = p_k − y_k, p = softmax(s).
 *
 * Second order in σ² (the Laplacian term of E[g(μ + σε)] = g(μ) + (σ²/2) Δg(μ) + O(σ⁴)), with
 * P₂ = Σ_l p_l² at the mean logits and ∂p_k/∂s_l = p_k(δ_kl − p_l):
 *   Δp_k = 2 p_k (P₂ − p_k),   Δ(p_k²) = 2 p_k² (3 P₂ − 4 p_k + 1),
 * so E[p_k] = p_k + σ² p_k (P₂ − p_k) and E[p_k²] = p_k² + σ² p_k² (3P₂ − 4p_k + 1); the variance
 * σ² p_k² (1 − 2p_k + P₂) = σ² ‖∇p_k‖² is the delta method's. On the paper's network at init
 * σ ≤ 0.3 at the logits; the neglected term measured ≈ 0.017 σ⁴ (1.4·10⁻⁴ at σ = 0.3) against
 * Monte Carlo on 9 classes (test/unit/theory/conditioned.test.ts).
 */

/**
 * E[δ_k] and E[δ_k²] of one example's top gradient δ = softmax(μ + σε) − onehot(label), second
 * order in σ² (see the module comment), written to `mean[at + k]` and `square[at + k]`.
 * @param mu the mean logits, `n` of them starting at `mu[at]`; `sigma` ≥ 0 their fluctuation.
 * @param label the example's class, an integer in [0, n).
 * Source: the expansion in the module comment (Taylor's theorem in σ; softmax derivatives as in
 *   Bishop 2006, "Pattern Recognition and Machine Learning", eq. (4.106)).
 */
export function softmaxNllGradientMoments(
  mu: ArrayLike<number>,
  sigma: number,
  label: number,
  n: number,
  mean: Float64Array,
  square: Float64Array,
  at = 0,
): void {
  let max = -Infinity;
  for (let k = 0; k < n; k++) max = Math.max(max, mu[at + k]!);
  let z = 0;
  for (let k = 0; k < n; k++) z += Math.exp(mu[at + k]! - max);
  let p2 = 0;
  for (let k = 0; k < n; k++) p2 += (Math.exp(mu[at + k]! - max) / z) ** 2;
  const s2 = sigma * sigma;
  for (let k = 0; k < n; k++) {
    const p = Math.exp(mu[at + k]! - max) / z;
    const ep = p + s2 * p * (p2 - p);
    const ep2 = p * p + s2 * p * p * (3 * p2 - 4 * p + 1);
    const y = k === label ? 1 : 0;
    mean[at + k] = ep - y;
    square[at + k] = ep2 - 2 * y * ep + y;
  }
}
