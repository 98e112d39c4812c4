/**
 * The standard normal restricted to an interval [α, β]: its mass, mean and variance in closed form,
 * and exact draws from it. Used by the `torch_trunc_normal` scheme (PyTorch's `trunc_normal_`, whose
 * bounds are absolute, so α = a/σ and β = b/σ may lie anywhere, deep in a tail included).
 *
 * Φ comes from erfc, computed by its power series for |x| < 3 (all terms positive, no cancellation)
 * and by its continued fraction beyond (Abramowitz & Stegun 7.1.6 and 7.1.14; Lentz's method):
 * relative error below 1e-13 over the line. Draws: plain rejection from N(0, 1) when the interval
 * holds at least 5% of the mass; otherwise Robert's (1995) rejection samplers ("Simulation of
 * truncated normal variables", Statistics and Computing 5:121–125): a uniform proposal on short
 * intervals, a translated exponential one on long tail intervals.
 */
import type { Rng } from '../core/rng.ts';

const SQRT1_2PI = 1 / Math.sqrt(2 * Math.PI);

/** The standard normal density φ(x). */
export function normalPdf(x: number): number {
  return SQRT1_2PI * Math.exp(-0.5 * x * x);
}

/** erfc(x) for x ≥ 0 (see the file's note). */
function erfcPositive(x: number): number {
  if (x < 3) {
    // erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), by Lentz's method
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The standard normal distribution function Φ(x) = erfc(−x/√2)/2. */
export function normalCdf(x: number): number {
  const z = x / Math.SQRT2;
  return z >= 0 ? 1 - erfcPositive(z) / 2 : erfcPositive(-z) / 2;
}

/** Φ(β) − Φ(α), computed on the side of 0 where it does not cancel. */
function mass(alpha: number, beta: number): number {
  return alpha >= 0 ? normalCdf(-alpha) - normalCdf(-beta) : normalCdf(beta) - normalCdf(alpha);
}

/**
 * Mass, mean and variance of the standard normal restricted to [α, β] (Johnson, Kotz & Balakrishnan,
 * Continuous Univariate Distributions vol. 1, §10.1): Z = Φ(β) − Φ(α), mean (φ(α) − φ(β))/Z, variance
 * 1 + (αφ(α) − βφ(β))/Z − mean².
 * @throws RangeError when α ≥ β or the interval holds no mass a float64 can show.
 */
export function truncatedMoments(alpha: number, beta: number): { mass: number; mean: number; variance: number } {
  if (!(alpha < beta)) throw new RangeError(`truncated normal: expected a lower bound below the upper one, found [${alpha}, ${beta}] (in stds)`);
  const z = mass(alpha, beta);
  if (!(z > 0)) throw new RangeError(`truncated normal: [${alpha}, ${beta}] (in stds) holds no probability a float64 can show`);
  const pa = Number.isFinite(alpha) ? normalPdf(alpha) : 0;
  const pb = Number.isFinite(beta) ? normalPdf(beta) : 0;
  const mean = (pa - pb) / z;
  const ta = Number.isFinite(alpha) ? alpha * pa : 0;
  const tb = Number.isFinite(beta) ? beta * pb : 0;
  return { mass: z, mean, variance: Math.max(0, 1 + (ta - tb) / z - mean * mean) };
}

/** One draw of Exp(rate) from `rng`. */
function exponential(rng: Rng, rate: number): number {
  return -Math.log(1 - rng.uniform()) / rate;
}

/** A draw of N(0, 1) restricted to [α, β] with 0 ≤ α < β (Robert 1995). */
function drawTail(rng: Rng, alpha: number, beta: number): number {
  const lambda = (alpha + Math.sqrt(alpha * alpha + 4)) / 2;
  // Robert's rule: the uniform proposal accepts more often on an interval shorter than this
  const root = Math.sqrt(alpha * alpha + 4);
  const uniformBetter = beta - alpha < ((2 * Math.sqrt(Math.E)) / (alpha + root)) * Math.exp((alpha * alpha - alpha * root) / 4);
  for (;;) {
    if (uniformBetter) {
      const x = alpha + (beta - alpha) * rng.uniform();
      if (rng.uniform() <= Math.exp((alpha * alpha - x * x) / 2)) return x;
    } else {
      const x = alpha + exponential(rng, lambda);
      if (x <= beta && rng.uniform() <= Math.exp(-((x - lambda) ** 2) / 2)) return x;
    }
  }
}

/**
 * One draw of the standard normal restricted to [α, β] (see the file's note for the method).
 * @param z the interval's mass, from {@link truncatedMoments}.
 */
export function drawTruncated(rng: Rng, alpha: number, beta: number, z: number): number {
  if (z >= 0.05) {
    for (;;) {
      const v = rng.normal();
      if (v >= alpha && v <= beta) return v;
    }
  }
  if (alpha >= 0) return drawTail(rng, alpha, beta);
  if (beta <= 0) return -drawTail(rng, -beta, -alpha);
  // a short interval around 0 (it holds under 5% of the mass): a uniform proposal accepts ≥ 99%
  for (;;) {
    const x = alpha + (beta - alpha) * rng.uniform();
    if (rng.uniform() <= Math.exp(-(x * x) / 2)) return x;
  }
}
