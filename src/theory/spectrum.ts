/**
 * The singular values of one layer's input–output Jacobian at init, J = ∂z^{i+1}/∂z^i =
 * W^i · diag(f′(s^i)) (`n_i × n_{i+1}`, eq. (17)), for wide layers, one example at a time.
 *
 * Mean of s²: exact for any weight law, ‖J‖_F² / min(M, N) with E‖J‖_F² = M N Var[W] E[f′(s)²]
 * (M = n_i = fanIn, N = n_{i+1} = fanOut).
 *
 * Mean of s (what the paper's eq. (17) reports), iid weights: J Jᵀ = Σ_j f′(s_j)² w_j w_jᵀ, the
 * columns w_j of W iid, is the sample-covariance matrix of Silverstein (1995), "Strong convergence of
 * the empirical distribution of eigenvalues of large dimensional random matrices", J. Multivariate
 * Anal. 55, eq. (1.4): its eigenvalue law's Stieltjes transform m(z) = E[1/(λ − z)] solves
 *   m = 1 / ( −z + (N/M) E[ t / (1 + t m) ] ),   t = σ_w² f′(s)²,  σ_w² = M Var[W].
 * On the negative axis z = −u² the root is real, positive and unique (the right side decreases in m),
 * found by safeguarded Newton, and E[√λ] = (2/π) ∫₀^∞ (1 − u² m(−u²)) du (from √λ =
 * (2/π) ∫₀^∞ λ/(λ + u²) du). The law of t comes from a fixed Gauss–Kronrod rule over s. The mean over
 * the min(M, N) singular values is (M / min(M, N)) E[√λ] (J Jᵀ has M − N zero eigenvalues when M > N).
 * Check: f′ ≡ 1, M = N gives the quarter-circle mean (8/(3π)) σ_w (SPEC.md §3).
 *
 * Orthogonal weights with M ≥ N: W has orthonormal columns times the gain, so the singular values
 * are exactly gain·|f′(s_j)| and the mean is σ_w E[|f′(s)|] (Pennington et al. 2017, "Resurrecting
 * the sigmoid in deep learning through dynamical isometry"). With M < N the spectrum is a free
 * compression this module does not compute: the mean singular value is `null` there.
 */
import { type ActivationName, activationOf } from '../core/activations.ts';
import { checkVariance } from './gaussian.ts';
import { gaussianRule, integrate } from './quadrature.ts';
import type { WeightDistribution } from './network.ts';

/** One layer's shape and weight law, for {@link jacobianMoments}. */
export interface JacobianLayer {
  /** M = n_i. */
  readonly fanIn: number;
  /** N = n_{i+1}. */
  readonly fanOut: number;
  /** Var[W^i] of one weight. */
  readonly weightVariance: number;
  readonly distribution: WeightDistribution;
  /**
   * How many of the examples (the first ones) the mean singular value is averaged over (default:
   * all; 0: not computed). It costs a fixed-point solve per example; the mean of s² is always
   * averaged over every example.
   */
  readonly spectrumExamples?: number;
}

/** Singular-value moments of J, averaged over the examples given. */
export interface JacobianMoments {
  /** Mean over the min(M, N) singular values of s² (exact for any weight law). */
  readonly meanSquaredSingularValue: number;
  /**
   * Mean singular value (eq. (17)'s statistic) over the first `spectrumExamples` examples, or `null`
   * when it was not asked for or the law is not covered (orthogonal weights with fanIn < fanOut).
   */
  readonly meanSingularValue: number | null;
}

/**
 * Solves Silverstein's equation at z = −u² for atoms t_k with weights w_k.
 * @returns m(−u²) > 0.
 */
function stieltjesNegative(u2: number, ratio: number, t: Float64Array, w: Float64Array): number {
  let lo = 0;
  let hi = 1 / u2;
  let m = 1 / (u2 + ratio * meanT(t, w));
  for (let it = 0; it < 100; it++) {
    let a = 0;
    let b = 0;
    for (let k = 0; k < t.length; k++) {
      const d = 1 + t[k]! * m;
      a += (w[k]! * t[k]!) / d;
      b += (w[k]! * t[k]!) / (d * d);
    }
    const h = m * (u2 + ratio * a) - 1; // increasing in m
    if (h > 0) hi = m;
    else lo = m;
    const dh = u2 + ratio * b;
    let next = m - h / dh;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - m) <= 1e-14 * m) return next;
    m = next;
  }
  return m;
}

function meanT(t: Float64Array, w: Float64Array): number {
  let s = 0;
  for (let k = 0; k < t.length; k++) s += w[k]! * t[k]!;
  return s;
}

/**
 * E[√λ] over the M eigenvalues of J Jᵀ for iid weights, given the law of t = σ_w² f′(s)² as atoms
 * (this module's comment: (2/π)∫₀^∞ (1 − u² m(−u²)) du, with u = scale·v/(1 − v), v ∈ (0, 1)).
 * @param ratio N/M = fanOut/fanIn (> 0).
 * @param t the atoms t_k ≥ 0 (unit: s², like λ); `w` their weights (summing to 1), same length.
 * @returns E[√λ] (unit: a singular value); 0 when every atom is 0.
 * Source: Silverstein (1995), eq. (1.4); Marchenko & Pastur (1967) for the weighted form.
 */
export function meanSqrtEigenvalue(ratio: number, t: Float64Array, w: Float64Array): number {
  const meanLambda = ratio * meanT(t, w);
  if (!(meanLambda > 0)) return 0;
  const scale = Math.sqrt(meanLambda);
  // u = scale · v/(1 − v), v ∈ (0, 1): the integrand tends to E[λ]/(scale v²) at v → 1
  const integrand = (v: number): number => {
    const u = (scale * v) / (1 - v);
    const u2 = u * u;
    const m = stieltjesNegative(u2, ratio, t, w);
    return (1 - u2 * m) * (scale / ((1 - v) * (1 - v)));
  };
  return (2 / Math.PI) * integrate(integrand, 0, 1, [0.5], { relTol: 1e-9 }).value;
}

/**
 * Singular-value moments of J = W diag(f′(s)) for wide layers, averaged over examples whose
 * pre-activation variances are `q` (one per example; s ~ N(0, q)).
 * @param q per-example pre-activation variances q^i (each ≥ 0 and finite; at least one).
 * @throws RangeError when `q` is empty or holds a negative or non-finite value, or the layer's
 *   widths or variance are not positive.
 * Source: Silverstein (1995), eq. (1.4), and the identities in this module's comment; Pennington
 *   et al. (2017) for orthogonal weights.
 */
export function jacobianMoments(activation: ActivationName, q: ArrayLike<number>, layer: JacobianLayer): JacobianMoments {
  const { fanIn: M, fanOut: N, weightVariance } = layer;
  if (!Number.isInteger(M) || M < 1 || !Number.isInteger(N) || N < 1) {
    throw new RangeError(`jacobianMoments: fanIn and fanOut must be positive integers, found ${M} × ${N}`);
  }
  if (!(weightVariance > 0) || weightVariance === Infinity) {
    throw new RangeError(`weightVariance: expected a finite number > 0, found ${weightVariance}`);
  }
  if (q.length === 0) throw new RangeError('q: expected one pre-activation variance per example, found none');
  const sigmaW2 = M * weightVariance;
  const min = Math.min(M, N);
  const spectrumExamples = Math.min(q.length, Math.max(0, Math.floor(layer.spectrumExamples ?? q.length)));
  const spectrum = spectrumExamples > 0;
  const orthogonalWide = layer.distribution === 'orthogonal' && M < N;
  let meanS2 = 0;
  let meanS = 0;
  for (let r = 0; r < q.length; r++) {
    checkVariance(q[r]!, `q[${r}]`);
    const rule = gaussianRule(0, Math.sqrt(q[r]!));
    const t = new Float64Array(rule.points.length);
    let ed2 = 0;
    let ed = 0;
    for (let k = 0; k < t.length; k++) {
      const d = activationOf(activation).df(rule.points[k]!);
      t[k] = sigmaW2 * d * d;
      ed2 += rule.weights[k]! * d * d;
      ed += rule.weights[k]! * Math.abs(d);
    }
    meanS2 += ((M * N * weightVariance * ed2) / min) / q.length;
    if (r >= spectrumExamples || orthogonalWide) continue;
    if (layer.distribution === 'orthogonal') meanS += (Math.sqrt(sigmaW2) * ed) / spectrumExamples;
    else meanS += ((M / min) * meanSqrtEigenvalue(N / M, t, rule.weights)) / spectrumExamples;
  }
  return { meanSquaredSingularValue: meanS2, meanSingularValue: spectrum && !orthogonalWide ? meanS : null };
}
