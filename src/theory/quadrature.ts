/**
 * Numerical integration for the mean-field theory: adaptive Gauss–Kronrod (7–15 point) on finite
 * intervals, and Gaussian expectations E[g(μ + σ ε)], ε ~ N(0, 1), integrated over ε ∈ [−13, 13]
 * with a breakpoint where the argument crosses 0 (the kink of ReLU, leaky ReLU, ELU and SELU, and
 * the steep middle of tanh, softsign and sigmoid when σ is large).
 *
 * Why not plain Gauss–Hermite: a fixed Hermite rule is exact for polynomials but converges slowly
 * across a kink (relu′ is a step) and misses a feature of width 1/σ (tanh(√q ε) at q = 10⁶ switches
 * within |ε| < 10⁻³). Globally adaptive Gauss–Kronrod with the kink as an endpoint (QUADPACK's
 * QAGP strategy: Piessens et al. 1983, "QUADPACK", Springer) converges to machine precision on
 * every piece because each piece is analytic.
 *
 * Truncation at |ε| = 13: φ(13) = 2.4·10⁻³⁸; every integrand here grows at most like s², so the
 * neglected tails are below 10⁻³⁴ relative to the integral.
 */

/** Gauss–Kronrod 15-point abscissae on [−1, 1] (non-negative half; QUADPACK's `qk15`). */
const XGK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
];
/** Kronrod weights for {@link XGK}. */
const WGK = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.10479001032225018383987632254152,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
/** Gauss 7-point weights, for the abscissae XGK[1], XGK[3], XGK[5], XGK[7]. */
const WG = [0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327];

/** Half-width of the ε range a Gaussian expectation integrates over (see the module comment). */
export const GAUSSIAN_CUTOFF = 13;

/** Settings of {@link integrate}. */
export interface QuadratureOptions {
  /** Target error relative to ∫|g| (default 1e−12). */
  readonly relTol?: number;
  /** Target absolute error (default 0: relative only). */
  readonly absTol?: number;
  /** Most subintervals before giving up on the target (default 400; the best estimate is returned). */
  readonly maxIntervals?: number;
}

/** The result of an integration. */
export interface QuadratureResult {
  /** The integral. */
  readonly value: number;
  /** The estimated absolute error (Kronrod minus Gauss, summed over subintervals). */
  readonly error: number;
  /** ∫|g| over the range (the scale `relTol` is relative to). */
  readonly absValue: number;
  /** Integrand evaluations made. */
  readonly evaluations: number;
}

interface Piece {
  a: number;
  b: number;
  value: number;
  error: number;
  abs: number;
}

function gk15(g: (x: number) => number, a: number, b: number): Piece {
  const c = 0.5 * (a + b);
  const h = 0.5 * (b - a);
  const fc = g(c);
  let kronrod = fc * WGK[7]!;
  let gauss = fc * WG[3]!;
  let abs = Math.abs(fc) * WGK[7]!;
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j]!;
    const f1 = g(c - dx);
    const f2 = g(c + dx);
    kronrod += WGK[j]! * (f1 + f2);
    abs += WGK[j]! * (Math.abs(f1) + Math.abs(f2));
    if (j % 2 === 1) gauss += WG[(j - 1) / 2]! * (f1 + f2);
  }
  const value = kronrod * h;
  return { a, b, value, error: Math.abs((kronrod - gauss) * h), abs: abs * Math.abs(h) };
}

/**
 * ∫_a^b g(x) dx by globally adaptive Gauss–Kronrod (G7/K15), bisecting the interval with the
 * largest error estimate until the total error is within max(absTol, relTol·∫|g|).
 * @param g the integrand; finite on [a, b] (a NaN or infinite value propagates to the result).
 * @param breakpoints points inside (a, b) where g is not smooth; they become interval ends.
 * @returns the integral, its error estimate, ∫|g| and the evaluations made. The integral over an
 *   empty interval (a = b) is 0.
 * @throws RangeError when a or b is not finite or a > b.
 * Source: Piessens et al. (1983), QUADPACK, routines QK15/QAGP.
 */
export function integrate(
  g: (x: number) => number,
  a: number,
  b: number,
  breakpoints: readonly number[] = [],
  options: QuadratureOptions = {},
): QuadratureResult {
  if (!Number.isFinite(a) || !Number.isFinite(b) || a > b) {
    throw new RangeError(`integrate: expected finite bounds a ≤ b, found a = ${a}, b = ${b}`);
  }
  const relTol = options.relTol ?? 1e-12;
  const absTol = options.absTol ?? 0;
  const maxIntervals = options.maxIntervals ?? 400;
  const ends = [a, ...breakpoints.filter((p) => p > a && p < b).sort((p, q) => p - q), b];
  const pieces: Piece[] = [];
  let evaluations = 0;
  for (let i = 0; i + 1 < ends.length; i++) {
    if (ends[i + 1]! > ends[i]!) {
      pieces.push(gk15(g, ends[i]!, ends[i + 1]!));
      evaluations += 15;
    }
  }
  for (;;) {
    let value = 0;
    let error = 0;
    let abs = 0;
    let worst = -1;
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      value += p.value;
      error += p.error;
      abs += p.abs;
      if (worst < 0 || p.error > pieces[worst]!.error) worst = i;
    }
    const done = error <= Math.max(absTol, relTol * abs) || !(error === error);
    if (done || pieces.length >= maxIntervals || worst < 0) return { value, error, absValue: abs, evaluations };
    const p = pieces[worst]!;
    const mid = 0.5 * (p.a + p.b);
    if (!(mid > p.a && mid < p.b)) return { value, error, absValue: abs, evaluations }; // cannot split further
    pieces[worst] = gk15(g, p.a, mid);
    pieces.push(gk15(g, mid, p.b));
    evaluations += 30;
  }
}

/** The standard normal density φ(x) = e^{−x²/2}/√(2π) (x dimensionless). */
export function normalDensity(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * The smallest standard deviation used for the limit q → 0⁺: a positive σ whose products with
 * ε ∈ [−13, 13] are still normal doubles of the right sign, so a step such as relu′ keeps its two
 * sides (E[relu′(√q ε)²] → 1/2 as q → 0, not relu′(0)² = 0).
 */
const TINY_STD = 1e-150;

/**
 * E[g(μ + σ ε)] for ε ~ N(0, 1), integrated over ε ∈ [−13, 13] with a breakpoint where the
 * argument μ + σε crosses 0 (the kink or steep middle of every activation of SPEC.md §1).
 * σ = 0 is taken as the limit σ → 0⁺ (see {@link TINY_STD}), so steps keep both sides.
 * @param g a function of the pre-activation value s (unit: that of s).
 * @param mean μ, the mean of the argument.
 * @param std σ ≥ 0, its standard deviation.
 * @returns the expectation and its error estimate ({@link QuadratureResult}).
 * @throws RangeError when `mean` is not finite or `std` is negative or not finite.
 * Source: the Gaussian integrals of Poole et al. (2016), eqs. (3)–(5), computed as in this module's comment.
 */
export function gaussianExpectation(
  g: (s: number) => number,
  mean: number,
  std: number,
  options: QuadratureOptions = {},
): QuadratureResult {
  if (!Number.isFinite(mean)) throw new RangeError(`gaussianExpectation: mean must be finite, found ${mean}`);
  if (!Number.isFinite(std) || std < 0) throw new RangeError(`gaussianExpectation: std must be finite and ≥ 0, found ${std}`);
  const sigma = Math.max(std, TINY_STD);
  const kink = -mean / sigma;
  const integrand = (x: number): number => {
    const w = normalDensity(x);
    return w === 0 ? 0 : g(mean + sigma * x) * w;
  };
  // The activations change over |s| ≲ 1, i.e. |ε − kink| ≲ 1/σ: when σ is large that feature is
  // narrower than the Kronrod nodes of a piece of length 13 can see (a false convergence on a
  // smooth-looking sample). Breakpoints at kink ± 4^j/σ resolve it whatever σ is.
  const breakpoints = [kink];
  for (let d = 1 / sigma; d < 2 * GAUSSIAN_CUTOFF; d *= 4) breakpoints.push(kink - d, kink + d);
  return integrate(integrand, -GAUSSIAN_CUTOFF, GAUSSIAN_CUTOFF, breakpoints.filter(Number.isFinite), options);
}

/** A discrete rule for the law N(μ, σ²): points s_k and weights w_k with Σ w_k g(s_k) ≈ E[g(s)]. */
export interface GaussianRule {
  /** The points, in the unit of s. */
  readonly points: Float64Array;
  /** Their weights (Σ = 1 up to the 10⁻³⁸ tails). */
  readonly weights: Float64Array;
}

/**
 * A fixed composite Gauss–Kronrod rule for E[g(μ + σε)]: 15 points on each piece of [−13, 13]
 * split at every integer, at the argument's zero and at the zero ± 4^j/σ (as
 * {@link gaussianExpectation}). Accurate to ≈ 1e−12 for the activations and their derivatives
 * (functions analytic on each piece), it turns the law of f′(s)² into weighted atoms for the
 * Jacobian spectrum's fixed-point equation, where an adaptive rule per evaluation would cost 100×.
 * @throws RangeError when `mean` is not finite or `std` is negative or not finite.
 */
export function gaussianRule(mean: number, std: number): GaussianRule {
  if (!Number.isFinite(mean)) throw new RangeError(`gaussianRule: mean must be finite, found ${mean}`);
  if (!Number.isFinite(std) || std < 0) throw new RangeError(`gaussianRule: std must be finite and ≥ 0, found ${std}`);
  const sigma = Math.max(std, TINY_STD);
  const kink = -mean / sigma;
  const cuts = new Set<number>();
  for (let k = -GAUSSIAN_CUTOFF; k <= GAUSSIAN_CUTOFF; k++) cuts.add(k);
  if (Math.abs(kink) < GAUSSIAN_CUTOFF) cuts.add(kink);
  for (let d = 1 / sigma; d < 2 * GAUSSIAN_CUTOFF; d *= 4) {
    for (const p of [kink - d, kink + d]) if (Math.abs(p) < GAUSSIAN_CUTOFF) cuts.add(p);
  }
  const ends = [...cuts].sort((a, b) => a - b);
  const n = (ends.length - 1) * 15;
  const points = new Float64Array(n);
  const weights = new Float64Array(n);
  let at = 0;
  for (let i = 0; i + 1 < ends.length; i++) {
    const c = 0.5 * (ends[i]! + ends[i + 1]!);
    const h = 0.5 * (ends[i + 1]! - ends[i]!);
    for (let j = 0; j < 8; j++) {
      for (const sign of j === 7 ? [1] : [-1, 1]) {
        const x = c + sign * h * XGK[j]!;
        points[at] = mean + sigma * x;
        weights[at] = WGK[j]! * h * normalDensity(x);
        at++;
      }
    }
  }
  return { points, weights };
}
