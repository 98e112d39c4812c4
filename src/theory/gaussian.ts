/**
 * Gaussian expectations of the activations of SPEC.md §1 and of their derivatives: the integrals the
 * mean-field theory of signal propagation is made of (Poole et al. 2016, "Exponential expressivity in
 * deep neural networks through transient chaos", eqs. (3)–(5); Schoenholz et al. 2017, "Deep
 * information propagation", eqs. (3)–(9)).
 *
 * Notation: a pre-activation s ~ N(μ, q) (q its variance, the theory's "length" q^l), f the
 * activation, f′ its derivative as a function of s (src/core/activations.ts: the same f and f′
 * every backend is tested against). For a pair of pre-activations of two inputs with variances
 * q₁, q₂ and correlation c, u₁ = √q₁ z₁ and u₂ = √q₂ (c z₁ + √(1 − c²) z₂), z₁, z₂ iid N(0, 1).
 */
import { ACTIVATIONS, type ActivationName, activationOf } from '../core/activations.ts';
import { gaussianExpectation, type QuadratureOptions } from './quadrature.ts';

/** The activations the mean-field theory covers: every hidden activation of SPEC.md §1. */
export const THEORY_ACTIVATIONS: readonly ActivationName[] = ACTIVATIONS;

/**
 * Checks that `name` is an activation the theory covers.
 * @param field how the caller names the value in the message, e.g. `activation` or `activation[2]`.
 * @throws RangeError `activation: the mean-field theory covers sigmoid, tanh, …; found "softmax"`.
 */
export function checkTheoryActivation(name: unknown, field = 'activation'): asserts name is ActivationName {
  if (!(THEORY_ACTIVATIONS as readonly unknown[]).includes(name)) {
    const found = typeof name === 'string' ? JSON.stringify(name) : String(name);
    throw new RangeError(`${field}: the mean-field theory covers ${THEORY_ACTIVATIONS.join(', ')}; found ${found}`);
  }
}

/**
 * Checks a pre-activation variance q.
 * @throws RangeError naming `field` when q is negative, NaN or infinite.
 */
export function checkVariance(q: number, field: string): void {
  if (!(q >= 0) || q === Infinity) throw new RangeError(`${field}: expected a finite variance ≥ 0, found ${q}`);
}

/** The Gaussian moments of one activation at one pre-activation law N(μ, q). */
export interface ActivationMoments {
  /** E[f(s)] (unit of z). */
  readonly f: number;
  /** E[f(s)²]. */
  readonly f2: number;
  /** E[f′(s)]. */
  readonly df: number;
  /** E[f′(s)²]. */
  readonly df2: number;
}

/**
 * E[f(s)], E[f(s)²], E[f′(s)], E[f′(s)²] for s ~ N(mean, q), each by adaptive quadrature with a
 * breakpoint at s = 0 (relative accuracy ≈ 1e−12; never NaN for q in [0, 10⁶] and |mean| ≤ 10⁶).
 * q = 0 is the limit q → 0⁺ (E[relu′(s)²] → 1/2).
 * @param q the variance of s (≥ 0); `mean` its mean (default 0).
 * @throws RangeError for an activation the theory does not cover, or a negative/non-finite q.
 * Source: Poole et al. (2016), eqs. (3) and (7); Schoenholz et al. (2017), eqs. (3) and (5).
 */
export function activationMoments(
  activation: ActivationName,
  q: number,
  mean = 0,
  options: QuadratureOptions = {},
): ActivationMoments {
  checkTheoryActivation(activation);
  checkVariance(q, 'q');
  const std = Math.sqrt(q);
  const e = (g: (s: number) => number): number => gaussianExpectation(g, mean, std, options).value;
  return {
    f: e((s) => activationOf(activation).f(s)),
    f2: e((s) => activationOf(activation).f(s) ** 2),
    df: e((s) => activationOf(activation).df(s)),
    df2: e((s) => activationOf(activation).df(s) ** 2),
  };
}

/**
 * E[g(√q ε)] for ε ~ N(0, 1): the expectation of any function of the pre-activation (the building
 * block of {@link activationMoments}, exposed for quantities such as E[f f′ ε]).
 * @throws RangeError for a negative or non-finite q.
 * Source: Poole et al. (2016), eq. (3).
 */
export function expectAt(q: number, g: (s: number) => number, options: QuadratureOptions = {}): number {
  checkVariance(q, 'q');
  return gaussianExpectation(g, 0, Math.sqrt(q), options).value;
}

/**
 * E[g₁(u₁) g₂(u₂)] for the bivariate Gaussian pair (u₁, u₂) with variances q₁, q₂ and correlation
 * c: the outer integral over z₁ of g₁(√q₁ z₁) times the inner expectation over z₂ of
 * g₂(√q₂ c z₁ + √(q₂ (1 − c²)) z₂), both adaptive with their breakpoints at 0 (so the kinks of
 * ReLU-like activations are split in both variables). c = ±1 is the limit of a degenerate pair.
 * @param c the correlation, in [−1, 1].
 * @throws RangeError when q₁ or q₂ is negative or not finite, or c is outside [−1, 1].
 * Source: Poole et al. (2016), eq. (5) (the correlation map's integral); Schoenholz et al. (2017), eq. (9).
 */
export function bivariateExpectation(
  g1: (s: number) => number,
  g2: (s: number) => number,
  q1: number,
  q2: number,
  c: number,
  options: QuadratureOptions = {},
): number {
  checkVariance(q1, 'q1');
  checkVariance(q2, 'q2');
  if (!(c >= -1 && c <= 1)) throw new RangeError(`c: expected a correlation in [−1, 1], found ${c}`);
  const s1 = Math.max(Math.sqrt(q1), 1e-150); // q₁ = 0 as the limit q₁ → 0⁺, as gaussianExpectation does
  const s2 = Math.sqrt(q2);
  const inner = Math.sqrt(Math.max(0, 1 - c * c)) * s2;
  // the inner integral need not be more accurate than the outer one's target
  const innerOptions: QuadratureOptions = { relTol: Math.max(1e-13, (options.relTol ?? 1e-10) * 0.1) };
  const outer = (s: number): number => {
    const v = g1(s);
    if (v === 0) return 0;
    return v * gaussianExpectation(g2, s2 * c * (s / s1), inner, innerOptions).value;
  };
  return gaussianExpectation(outer, 0, s1, { relTol: 1e-10, ...options }).value;
}
