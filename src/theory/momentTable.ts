/**
 * Gaussian moments of an activation at one σ and many μ, fast: the finite-width-conditioned
 * prediction (conditioned.ts) needs E[f], E[f²], E[f′], E[f′²] of s ~ N(μ, σ²) for every
 * example (its own σ) × unit (its own μ) of a layer (300 × 1000 at the paper's size), where the
 * adaptive quadrature of gaussian.ts (≈ 0.3 ms per point) would take minutes.
 *
 * Two pieces:
 * - {@link compositeMoments}: one fixed composite Gauss–Legendre rule (10 points per piece) on
 *   ε ∈ [−13, 13] cut at 0, ±2.5, ±5, ±8, at the argument's zero ε₀ = −μ/σ and at ε₀ ± 4^j/σ — the
 *   breakpoints of quadrature.ts's `gaussianExpectation`, so each piece is analytic (the kink of
 *   relu/softsign′ is an end) and a feature of width 1/σ is resolved. ≈ 100 points, no allocation.
 * - {@link momentsAt}: for one σ and many μ, Chebyshev interpolation in μ over the range of the
 *   μ values (the moments, Gaussian smoothings of f, are analytic in μ for σ > 0). A piece is
 *   accepted on nested Chebyshev–Lobatto grids of 17 or 33 points when the last three
 *   coefficients of every moment are below 1e−11 of that moment's largest value on the first grid
 *   (Chebfun's chopping rule, simplified: Trefethen 2013, "Approximation Theory and Approximation
 *   Practice", chs. 3–4 and 8); otherwise it is halved (Chebfun's splitting), down to 2⁻¹² of the
 *   range, below which its μ are integrated one by one. Interpolant and rule agree to ≈ 1e−9 of
 *   each moment's largest value (tests). A 2-D table over (μ, σ) shared by the examples was tried:
 *   the examples' σ span a factor ≈ 13 on Shapeset, which costs as many rectangles as examples save.
 */
import { type ActivationName, activationOf } from '../core/activations.ts';
import { GAUSSIAN_CUTOFF } from './quadrature.ts';

/** 10-point Gauss–Legendre abscissae (non-negative half) and weights on [−1, 1]. */
const GL_X = [0.1488743389816312, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717];
const GL_W = [0.2955242247147529, 0.2692667193099963, 0.219086362515982, 0.1494513491505806, 0.0666713443086881];
/** Fixed cuts of [−13, 13] (besides the argument's zero and its ± 4^j/σ neighbours). */
const BASE_CUTS = [-GAUSSIAN_CUTOFF, -8, -5, -2.5, 0, 2.5, 5, 8, GAUSSIAN_CUTOFF];
/** The smallest σ used for the limit σ → 0⁺ (as quadrature.ts). */
const TINY_STD = 1e-150;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const cuts = new Float64Array(32);

/**
 * E[f(s)], E[f(s)²], E[f′(s)], E[f′(s)²] for s = μ + σε, ε ~ N(0, 1), by the fixed composite rule
 * of the module comment, written to `out[at … at+3]`. σ = 0 is the limit σ → 0⁺.
 * Accuracy: within 1e−8 of the adaptive `activationMoments` (gaussian.ts), relative to √E[f²] for
 * E[f], E[f²] for E[f²], and likewise for f′ — for every activation, |μ| ≤ 100, σ ∈ [0, 1000] (test).
 * @param out at least `at + 4` entries.
 * Source: Gauss–Legendre composite quadrature (Davis & Rabinowitz 1984, "Methods of Numerical
 *   Integration", §2.7), with the breakpoints of quadrature.ts's `gaussianExpectation`.
 */
export function compositeMoments(activation: ActivationName, mu: number, sigma: number, out: Float64Array, at = 0): void {
  const { f: fn, df: dfn } = activationOf(activation);
  const s = Math.max(sigma, TINY_STD);
  const k = -mu / s;
  let n = 0;
  for (const c of BASE_CUTS) cuts[n++] = c;
  if (Math.abs(k) < GAUSSIAN_CUTOFF) cuts[n++] = k;
  for (let d = 1 / s; d < 2 * GAUSSIAN_CUTOFF; d *= 4) {
    if (Math.abs(k - d) < GAUSSIAN_CUTOFF) cuts[n++] = k - d;
    if (Math.abs(k + d) < GAUSSIAN_CUTOFF) cuts[n++] = k + d;
  }
  const sorted = cuts.subarray(0, n).sort();
  let f1 = 0;
  let f2 = 0;
  let d1 = 0;
  let d2 = 0;
  for (let p = 0; p + 1 < n; p++) {
    const h = 0.5 * (sorted[p + 1]! - sorted[p]!);
    if (!(h > 0)) continue;
    const mid = 0.5 * (sorted[p + 1]! + sorted[p]!);
    for (let q = 0; q < 10; q++) {
      const e = q < 5 ? mid - h * GL_X[q]! : mid + h * GL_X[q - 5]!;
      const w = GL_W[q % 5]! * h * INV_SQRT_2PI * Math.exp(-0.5 * e * e);
      const v = mu + s * e;
      const f = fn(v);
      const d = dfn(v);
      f1 += w * f;
      f2 += w * f * f;
      d1 += w * d;
      d2 += w * d * d;
    }
  }
  out[at] = f1;
  out[at + 1] = f2;
  out[at + 2] = d1;
  out[at + 3] = d2;
}

/** The four moments at many means: entry r of each array belongs to `mus[r]`. */
export interface MomentArrays {
  readonly f: Float64Array;
  readonly f2: Float64Array;
  readonly df: Float64Array;
  readonly df2: Float64Array;
}

/** Allocates {@link MomentArrays} of length n. */
export function momentArrays(n: number): MomentArrays {
  return { f: new Float64Array(n), f2: new Float64Array(n), df: new Float64Array(n), df2: new Float64Array(n) };
}

const POINTS = [17, 33] as const;
const CHOP = 1e-11;
const MAX_DEPTH = 12;
const grid = new Float64Array(4 * 33);
const one = new Float64Array(4);

/** cos(πjk/(N−1)) for the grid sizes of {@link POINTS}, row j. */
const COSINES = new Map<number, Float64Array>(
  POINTS.map((N) => [N, Float64Array.from({ length: N * N }, (_, t) => Math.cos((Math.PI * Math.floor(t / N) * (t % N)) / (N - 1)))]),
);

/** Chebyshev coefficients of moment m from its values at the N Chebyshev–Lobatto points cos(πk/(N−1)) (DCT-I, direct). */
function chebyshevCoefficients(values: Float64Array, N: number, m: number, out: Float64Array): void {
  const M = N - 1;
  const cos = COSINES.get(N)!;
  for (let j = 0; j < N; j++) {
    let sum = 0.5 * (values[m]! + values[M * 4 + m]! * cos[j * N + M]!);
    for (let k = 1; k < M; k++) sum += values[k * 4 + m]! * cos[j * N + k]!;
    out[j * 4 + m] = ((j === 0 || j === M ? 1 : 2) / M) * sum;
  }
}

/** One piece of the interpolant: [lo, hi] and its coefficients (4 moments interleaved), or null: integrate directly. */
interface Piece {
  readonly lo: number;
  readonly hi: number;
  readonly coefficients: Float64Array | null;
}

/** Chebyshev interpolants of the four moments on [lo, hi], halved until each piece converges. */
function buildPieces(act: ActivationName, sigma: number, lo: number, hi: number, scale: Float64Array, depth: number, pieces: Piece[]): void {
  const mid = 0.5 * (hi + lo);
  const half = 0.5 * (hi - lo);
  let N = 0;
  for (const next of POINTS) {
    // nested grids: the old points are every second point of the new one
    for (let k = next - 1; k >= 0; k--) {
      if (N > 0 && k % 2 === 0) for (let m = 0; m < 4; m++) grid[k * 4 + m] = grid[(k / 2) * 4 + m]!;
      else compositeMoments(act, mid + half * Math.cos((Math.PI * k) / (next - 1)), sigma, grid, k * 4);
    }
    if (depth === 0 && N === 0) for (let t = 0; t < 4 * next; t++) scale[t % 4] = Math.max(scale[t % 4]!, Math.abs(grid[t]!));
    N = next;
    const coefficients = new Float64Array(4 * N);
    let converged = true;
    for (let m = 0; m < 4; m++) {
      chebyshevCoefficients(grid, N, m, coefficients);
      for (let j = N - 3; j < N; j++) if (Math.abs(coefficients[j * 4 + m]!) > CHOP * scale[m]!) converged = false;
    }
    if (converged) {
      pieces.push({ lo, hi, coefficients });
      return;
    }
  }
  if (depth >= MAX_DEPTH) {
    pieces.push({ lo, hi, coefficients: null });
    return;
  }
  buildPieces(act, sigma, lo, mid, scale, depth + 1, pieces);
  buildPieces(act, sigma, mid, hi, scale, depth + 1, pieces);
}

/** Σ_j c[j·4 + m] T_j(x), j < n (Clenshaw's recurrence). */
function clenshaw(c: Float64Array, m: number, n: number, x: number): number {
  let b1 = 0;
  let b2 = 0;
  for (let j = n - 1; j >= 1; j--) {
    const b0 = 2 * x * b1 - b2 + c[j * 4 + m]!;
    b2 = b1;
    b1 = b0;
  }
  return x * b1 - b2 + c[m]!;
}

/**
 * The four Gaussian moments of `activation` at s ~ N(mus[r], σ²) for every r, into `out` at
 * offset `at` (see the module comment for the method and its accuracy). Cost: 17–33 composite
 * rules per piece (one to four pieces for the paper's layers) and 4 × 33 multiply-adds per μ.
 * @param mus the means (finite); `sigma` ≥ 0 finite.
 * @param out arrays of at least `at + mus.length` entries.
 * @returns the number of pieces of the interpolant (0 when all μ are equal).
 * @throws RangeError when σ is negative or not finite, or a mean is not finite (naming it).
 * Source: Trefethen (2013), "Approximation Theory and Approximation Practice", chs. 3–4 and 8.
 */
export function momentsAt(activation: ActivationName, sigma: number, mus: ArrayLike<number>, out: MomentArrays, at = 0): number {
  if (!(sigma >= 0) || sigma === Infinity) throw new RangeError(`sigma: expected a finite standard deviation ≥ 0, found ${sigma}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < mus.length; r++) {
    const m = mus[r]!;
    if (!Number.isFinite(m)) throw new RangeError(`mus[${r}]: expected a finite mean, found ${m}`);
    lo = Math.min(lo, m);
    hi = Math.max(hi, m);
  }
  const arrays = [out.f, out.f2, out.df, out.df2];
  if (mus.length === 0) return 0;
  if (lo === hi) {
    compositeMoments(activation, lo, sigma, one);
    for (let r = 0; r < mus.length; r++) for (let m = 0; m < 4; m++) arrays[m]![at + r] = one[m]!;
    return 0;
  }
  const pieces: Piece[] = [];
  buildPieces(activation, sigma, lo, hi, new Float64Array(4), 0, pieces);
  for (let r = 0; r < mus.length; r++) {
    const mu = mus[r]!;
    let a = 0;
    let b = pieces.length - 1;
    while (a < b) {
      const c = (a + b + 1) >> 1;
      if (pieces[c]!.lo <= mu) a = c;
      else b = c - 1;
    }
    const p = pieces[a]!;
    const co = p.coefficients;
    if (co === null) {
      compositeMoments(activation, mu, sigma, one);
      for (let m = 0; m < 4; m++) arrays[m]![at + r] = one[m]!;
      continue;
    }
    const n = co.length / 4;
    const x = (2 * mu - p.hi - p.lo) / (p.hi - p.lo);
    for (let m = 0; m < 4; m++) arrays[m]![at + r] = clenshaw(co, m, n, x);
  }
  return pieces.length;
}
