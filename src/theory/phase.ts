/**
 * Order, chaos and the edge between them for deep networks at init, per activation and weight and
 * bias scales (σ_w² = n·Var[W], σ_b² = Var[b]): the length map and its fixed point q*, the
 * correlation map and its fixed point c*, χ₁, the depth scales ξ_q and ξ_c, and the critical line
 * χ₁ = 1 in the (σ_w², σ_b²) plane.
 *
 * Sources: Poole et al. (2016), "Exponential expressivity in deep neural networks through transient
 * chaos", eqs. (3)–(7); Schoenholz et al. (2017), "Deep information propagation", eqs. (3)–(9).
 * Every expectation is a quadrature of gaussian.ts (1D) or its nested bivariate form.
 */
import { type ActivationName, activationOf } from '../core/activations.ts';
import { activationMoments, bivariateExpectation, checkTheoryActivation, checkVariance, expectAt } from './gaussian.ts';
import { checkScales } from './network.ts';

/** Positively homogeneous activations: E[f(√q ε)²] = κ q with κ = E[f(ε)²], known in closed form. */
const HOMOGENEOUS: Partial<Record<ActivationName, () => number>> = {
  relu: () => 0.5,
  leaky_relu: () => (1 + activationOf('leaky_relu').f(-1) ** 2) / 2,
  linear: () => 1,
};

/** The smallest and largest q the searches below visit; beyond them q* is reported as 0 or ∞. */
const Q_MIN = 1e-12;
const Q_MAX = 1e12;

/**
 * The length map F(q) = σ_w² E[f(√q ε)²] + σ_b²: the next layer's pre-activation variance.
 * @throws RangeError for an uncovered activation, σ_w² ≤ 0, σ_b² < 0 or a bad q.
 * Source: Poole et al. (2016), eq. (3).
 */
export function lengthMap(activation: ActivationName, sigmaW2: number, sigmaB2: number, q: number): number {
  checkTheoryActivation(activation);
  checkScales(sigmaW2, sigmaB2);
  checkVariance(q, 'q');
  return sigmaW2 * activationMoments(activation, q).f2 + sigmaB2;
}

/**
 * The fixed point q* of the length map reached from small q: the pre-activation variance deep
 * layers converge to. Homogeneous activations (relu, leaky_relu, linear) in closed form:
 * q* = σ_b²/(1 − κσ_w²) when κσ_w² < 1, else ∞ (when κσ_w² = 1 and σ_b² = 0 every q is a fixed
 * point and 0 is returned). Others: the first sign change of F(q) − q on a geometric grid over
 * [1e−12, 1e12], refined by bisection in log q to 1e−13; 0 when F(q) < q already at 1e−12 with
 * σ_b² = 0 (q = 0 is then the attracting fixed point), ∞ when F(q) > q up to 1e12.
 * @returns q* ≥ 0, possibly Infinity.
 * @throws RangeError for an uncovered activation, σ_w² ≤ 0 or σ_b² < 0 (naming sigmaW2/sigmaB2).
 * Source: Poole et al. (2016), eq. (4).
 */
export function fixedPointLength(activation: ActivationName, sigmaW2: number, sigmaB2: number): number {
  checkTheoryActivation(activation);
  checkScales(sigmaW2, sigmaB2);
  const kappa = HOMOGENEOUS[activation]?.();
  if (kappa !== undefined) {
    const slope = kappa * sigmaW2;
    if (Math.abs(slope - 1) <= 1e-12) return sigmaB2 === 0 ? 0 : Infinity;
    return slope < 1 ? sigmaB2 / (1 - slope) : Infinity;
  }
  const G = (q: number): number => sigmaW2 * activationMoments(activation, q).f2 + sigmaB2 - q;
  let lo = sigmaB2 > 0 ? Math.min(Q_MIN, sigmaB2) : Q_MIN;
  if (G(lo) <= 0) {
    if (sigmaB2 === 0) return 0;
    // the root lies in (0, lo): G(0) = σ_b² > 0
    return bisectLog(G, lo * 1e-30, lo);
  }
  for (let hi = lo * 2; hi <= Q_MAX; hi *= 2) {
    if (G(hi) <= 0) return bisectLog(G, lo, hi);
    lo = hi;
  }
  return Infinity;
}

/** Root of g between lo (g > 0) and hi (g ≤ 0) by bisection in log scale. */
function bisectLog(g: (q: number) => number, lo: number, hi: number): number {
  for (let it = 0; it < 200 && hi / lo - 1 > 1e-13; it++) {
    const mid = Math.sqrt(lo * hi);
    if (g(mid) > 0) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

/** q at which a quantity "at q*" is evaluated: the limits q* → 0⁺ and q* → ∞ taken at small/large q. */
function evaluationLength(qStar: number): number {
  if (qStar === Infinity) return Q_MAX;
  return qStar;
}

/**
 * χ₁ = σ_w² E[f′(√q ε)²]: the mean squared singular value of a layer's Jacobian, the per-layer
 * growth of back-propagated gradient variance and the slope of the correlation map at c = 1.
 * χ₁ < 1 ordered, χ₁ > 1 chaotic, χ₁ = 1 critical.
 * @param q the pre-activation variance (default: q* of {@link fixedPointLength}; q* = ∞ is taken
 *   at q = 1e12, q* = 0 as the limit q → 0⁺).
 * @throws RangeError as {@link fixedPointLength}, or for a bad q.
 * Source: Poole et al. (2016), eq. (7); Schoenholz et al. (2017), eq. (5).
 */
export function chi1(activation: ActivationName, sigmaW2: number, sigmaB2: number, q?: number): number {
  checkTheoryActivation(activation);
  checkScales(sigmaW2, sigmaB2);
  const at = q ?? evaluationLength(fixedPointLength(activation, sigmaW2, sigmaB2));
  return sigmaW2 * activationMoments(activation, at).df2;
}

/** Two inputs' pre-activation variances and correlation at one layer. */
export interface PairState {
  readonly q1: number;
  readonly q2: number;
  /** Correlation in [−1, 1]. */
  readonly c: number;
}

/**
 * One layer of the two-input recursion: q_a' = σ_w² E[f(u_a)²] + σ_b²,
 * c' = (σ_w² E[f(u₁) f(u₂)] + σ_b²) / √(q₁' q₂').
 * @throws RangeError for bad scales, variances or a correlation outside [−1, 1].
 * Source: Poole et al. (2016), eq. (5).
 */
export function pairMap(activation: ActivationName, sigmaW2: number, sigmaB2: number, state: PairState): PairState {
  checkTheoryActivation(activation);
  checkScales(sigmaW2, sigmaB2);
  const f = (s: number): number => activationOf(activation).f(s);
  const q1 = lengthMap(activation, sigmaW2, sigmaB2, state.q1);
  const q2 = lengthMap(activation, sigmaW2, sigmaB2, state.q2);
  const q12 = sigmaW2 * bivariateExpectation(f, f, state.q1, state.q2, state.c) + sigmaB2;
  return { q1, q2, c: Math.max(-1, Math.min(1, q12 / Math.sqrt(q1 * q2))) };
}

/**
 * The correlation map at the fixed length q: c ↦ (σ_w² E[f(u₁) f(u₂)] + σ_b²)/q with u₁, u₂ of
 * variance q and correlation c.
 * @param q default q* (0 taken as q = 1e−12, ∞ as 1e12: the map's limits there).
 * @throws RangeError as {@link pairMap}.
 * Source: Poole et al. (2016), eq. (5) at q*; Schoenholz et al. (2017), eq. (4).
 */
export function correlationMap(activation: ActivationName, sigmaW2: number, sigmaB2: number, c: number, q?: number): number {
  checkTheoryActivation(activation);
  checkScales(sigmaW2, sigmaB2);
  const at = q ?? Math.max(Q_MIN, evaluationLength(fixedPointLength(activation, sigmaW2, sigmaB2)));
  const f = (s: number): number => activationOf(activation).f(s);
  const next = (sigmaW2 * bivariateExpectation(f, f, at, at, c) + sigmaB2) / lengthMap(activation, sigmaW2, sigmaB2, at);
  return Math.max(-1, Math.min(1, next));
}

/** Everything the phase of one (activation, σ_w², σ_b²) point is made of. */
export interface PhasePoint {
  /** q*, possibly 0 or Infinity (see {@link fixedPointLength}). */
  readonly qStar: number;
  /** χ₁ at q*. */
  readonly chi1: number;
  /** 'ordered' (χ₁ < 1), 'chaotic' (χ₁ > 1) or 'critical' (|χ₁ − 1| ≤ 1e−9). */
  readonly phase: 'ordered' | 'chaotic' | 'critical';
  /** The stable fixed point of the correlation map: 1 when ordered or critical. */
  readonly cStar: number;
  /** χ_c = σ_w² E[f′(u₁) f′(u₂)] at c*: the slope of the correlation map there. */
  readonly chiC: number;
  /** ξ_c = −1/ln χ_c: the depth over which correlations approach c* (∞ at criticality). */
  readonly xiC: number;
  /** ξ_q = −1/ln F′(q*): the depth over which lengths approach q* (∞ when F′(q*) ≥ 1). */
  readonly xiQ: number;
}

/**
 * The phase of one point: q*, χ₁, c*, χ_c and the depth scales ξ_c (Schoenholz et al. 2017, eq. (9))
 * and ξ_q (their eq. (7), with F′(q) = σ_w² E[f(s) f′(s) ε]/√q, which needs no f″).
 * c* in the chaotic phase is found by regula falsi (Illinois) on c ↦ map(c) − c over
 * [−1 + 1e−6, 1 − 1e−6], where the map lies above the diagonal near −1 and below it near 1.
 * Cost: ≈ 20 bivariate quadratures in the chaotic phase (≈ 1–3 s), 2 otherwise.
 * @throws RangeError for an uncovered activation, σ_w² ≤ 0 or σ_b² < 0.
 * Source: Poole et al. (2016), eqs. (4)–(7); Schoenholz et al. (2017), eqs. (6)–(9).
 */
export function phasePoint(activation: ActivationName, sigmaW2: number, sigmaB2: number): PhasePoint {
  checkTheoryActivation(activation);
  checkScales(sigmaW2, sigmaB2);
  const qStar = fixedPointLength(activation, sigmaW2, sigmaB2);
  const q = Math.max(qStar === 0 ? 0 : Q_MIN, evaluationLength(qStar));
  const x1 = sigmaW2 * activationMoments(activation, q).df2;
  const phase = Math.abs(x1 - 1) <= 1e-9 ? 'critical' : x1 < 1 ? 'ordered' : 'chaotic';
  // ξ_q from F′(q) = σ_w² E[f(s) f′(s) s]/q (Stein's lemma on dE[f(√q ε)²]/dq); at q* = 0 the
  // limit q → 0⁺ is taken with the quadrature's smallest σ = 1e−150 (σ² = 1e−300 is still normal)
  const sigma2 = Math.max(q, 1e-300);
  const dF = (sigmaW2 * expectAt(q, (s) => activationOf(activation).f(s) * activationOf(activation).df(s) * s)) / sigma2;
  const xiQ = dF >= 1 ? Infinity : -1 / Math.log(dF);
  let cStar = 1;
  let chiC = x1;
  if (phase === 'chaotic') {
    const qc = Math.max(Q_MIN, q);
    const h = (c: number): number => correlationMap(activation, sigmaW2, sigmaB2, c, qc) - c;
    // c = ±1 can be fixed points too (c = −1 for odd f and σ_b² = 0), unstable when chaotic
    cStar = illinois(h, -1 + 1e-6, 1 - 1e-6);
    const df = (s: number): number => activationOf(activation).df(s);
    chiC = sigmaW2 * bivariateExpectation(df, df, qc, qc, cStar);
  }
  const xiC = chiC >= 1 ? Infinity : -1 / Math.log(chiC);
  return { qStar, chi1: x1, phase, cStar, chiC, xiC, xiQ };
}

/** Root of h on [a, b] (h(a) ≥ 0 ≥ h(b)) by the Illinois variant of regula falsi, to 1e−10. */
function illinois(h: (c: number) => number, a: number, b: number): number {
  let fa = h(a);
  let fb = h(b);
  if (fa <= 0) return a;
  if (fb >= 0) return b;
  let side = 0;
  for (let it = 0; it < 60; it++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = h(c);
    if (Math.abs(fc) <= 1e-12 || b - a <= 1e-10) return c;
    if (fc > 0) {
      a = c;
      fa = fc;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = c;
      fb = fc;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return (a * fb - b * fa) / (fb - fa);
}

/** One point of the critical line. */
export interface CriticalPoint {
  readonly sigmaB2: number;
  /** The σ_w² at which χ₁ = 1. */
  readonly sigmaW2: number;
  /** q* there (0 at σ_b² = 0 for activations with f(0) = 0; ∞ for homogeneous ones when σ_b² > 0). */
  readonly qStar: number;
}

/**
 * The σ_w² at which χ₁ = 1 for a given σ_b²: the edge of chaos. Computed along the line
 * parametrised by q* (Poole et al. 2016, Fig. 2; Schoenholz et al. 2017, section 3):
 * σ_w²(q) = 1/E[f′(√q ε)²] and σ_b²(q) = q − σ_w²(q) E[f(√q ε)²], solving σ_b²(q) = sigmaB2 for q
 * by a geometric scan of [1e−12, 1e12] and bisection. At σ_b² = 0 with f(0) = 0 the line starts at
 * q* → 0⁺, so σ_w² = 1/E[f′(0⁺)²]: exactly 1 for tanh and softsign (f′(0) = 1). Homogeneous
 * activations have χ₁ = κ′σ_w² for every q (relu: σ_w²/2), so the line is σ_w² = 1/κ′ (2 for
 * relu) at every σ_b², with q* = ∞ when σ_b² > 0.
 * @throws RangeError for an uncovered activation or σ_b² < 0 or not finite; and when no point of
 *   the line has this σ_b² within q ∈ [1e−12, 1e12] (naming the largest σ_b² reached).
 * Source: Poole et al. (2016), eqs. (4) and (7); Schoenholz et al. (2017), eq. (5).
 */
export function criticalPoint(activation: ActivationName, sigmaB2: number): CriticalPoint {
  checkTheoryActivation(activation);
  if (!(sigmaB2 >= 0) || sigmaB2 === Infinity) throw new RangeError(`sigmaB2: expected a finite number ≥ 0, found ${sigmaB2}`);
  if (HOMOGENEOUS[activation]) {
    return { sigmaB2, sigmaW2: 1 / activationMoments(activation, 1).df2, qStar: sigmaB2 === 0 ? 0 : Infinity };
  }
  const line = (q: number): { w: number; b: number } => {
    const m = activationMoments(activation, q);
    const w = 1 / m.df2;
    return { w, b: q - w * m.f2 };
  };
  const zeroAtOrigin = activationOf(activation).f(0) === 0;
  let lo = Q_MIN;
  let at = line(lo);
  if (at.b >= sigmaB2) {
    // the crossing lies below q = 1e−12; with f(0) = 0 the line starts at (1/E[f′(0⁺)²], 0) as q* → 0⁺
    if (sigmaB2 === 0 && zeroAtOrigin) return { sigmaB2, sigmaW2: 1 / activationMoments(activation, 0).df2, qStar: 0 };
    return { sigmaB2, sigmaW2: at.w, qStar: lo };
  }
  let largest = at.b;
  for (let hi = lo * 2; hi <= Q_MAX; hi *= 2) {
    const next = line(hi);
    largest = Math.max(largest, next.b);
    if ((at.b - sigmaB2) * (next.b - sigmaB2) <= 0) {
      let a = lo;
      let b = hi;
      const sa = Math.sign(at.b - sigmaB2);
      for (let it = 0; it < 200 && b / a - 1 > 1e-13; it++) {
        const mid = Math.sqrt(a * b);
        if (Math.sign(line(mid).b - sigmaB2) === sa) a = mid;
        else b = mid;
      }
      const q = Math.sqrt(a * b);
      return { sigmaB2, sigmaW2: line(q).w, qStar: q };
    }
    lo = hi;
    at = next;
  }
  throw new RangeError(
    `sigmaB2: the critical line of ${activation} reaches σ_b² up to ${largest.toPrecision(4)} for q* in [1e−12, 1e12], found ${sigmaB2}`,
  );
}

/**
 * The critical line χ₁ = 1 at several σ_b² (see {@link criticalPoint}).
 * @throws RangeError as {@link criticalPoint}.
 */
export function criticalLine(activation: ActivationName, sigmaB2s: readonly number[]): CriticalPoint[] {
  return sigmaB2s.map((b) => criticalPoint(activation, b));
}
