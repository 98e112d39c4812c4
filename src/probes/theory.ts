/**
 * The paper's variance analysis (section 4.2.1; SPEC.md §3), for real widths and initialisations.
 *
 * Index convention (SPEC.md §1): layers i = 0 … L−1, `s^i = z^i W^i + b^i`, `W^i` is `n_i × n_{i+1}`,
 * the top pre-activation `s^{L−1}` feeds the softmax. In the linear regime at init (f'(0) = 1) with
 * independent weights:
 * - eq. (5)  Var[z^i] = Var[x] · Π_{k<i} n_k Var[W^k]
 * - eq. (6)  Var[∂C/∂s^i] = Var[∂C/∂s^{L−1}] · Π_{k=i+1}^{L−1} n_{k+1} Var[W^k]
 * - eq. (7)  Var[∂C/∂w^i] = Var[z^i] · Var[∂C/∂s^i]  (one example's weight gradient)
 * The paper writes eq. (6) with the top index d and its own off-by-one conventions; the products above
 * are the same recursions (forward: fan-in; backward: fan-out) written for our indices. Their factors
 * are the quantities of the paper's conditions: eq. (10) asks n_i Var[W^i] = 1 (forward), eq. (11)
 * n_{i+1} Var[W^i] = 1 (backward); init.ts's normalized scheme is their compromise, eq. (12). With
 * equal widths n the products become powers: Var[∂C/∂s^i] ∝ (n·Var[W])^{d−i}, eq. (13), so under
 * standard init (n·Var[W] = 1/3) back-propagated gradients shrink toward the input, while
 * Var[∂C/∂W^i] is the same for every layer, eq. (14).
 *
 * Input moment: the derivation needs E[(z^0)²], because Var[s] = n·Var[W]·E[z²] for zero-mean
 * weights independent of z. The paper writes Var[x], assuming centred inputs; pixels in [0, 1] are
 * not centred (Shapeset's mean is ≈ 0.5), so callers pass the measured second moment E[x²]
 * (docs/DECISIONS.md "Probes"). Hidden tanh/softsign activations are centred at init, where the two
 * coincide.
 */

/** Predicted variances per layer i = 0 … L−1. */
export interface TheoryVariances {
  /** Var[z^i], the input of layer i (i = 0: the input's second moment E[x²]). */
  readonly activation: number[];
  /** Var[∂C/∂s^i]. */
  readonly backpropGrad: number[];
  /** Var[∂C/∂W^i] for a single example (not averaged over a minibatch). */
  readonly weightGrad: number[];
}

/**
 * Evaluates eqs. (5)–(7).
 * @param widths `[n_0 … n_L]`.
 * @param weightVariance `Var[W^i]` for i = 0 … L−1 (e.g. `initScale(...).std²`).
 * @param inputMoment E[x²] of the inputs (Var[x] when they are centred), measured on the probe set.
 * @param topGradVariance Var[∂C/∂s^{L−1}] per example, measured.
 * @throws RangeError when the lengths disagree.
 */
export function predictVariances(
  widths: readonly number[],
  weightVariance: readonly number[],
  inputMoment: number,
  topGradVariance: number,
): TheoryVariances {
  const L = widths.length - 1;
  if (weightVariance.length !== L) {
    throw new RangeError(`weightVariance has ${weightVariance.length} entries, expected one per layer (${L})`);
  }
  const activation: number[] = [];
  let v = inputMoment;
  for (let i = 0; i < L; i++) {
    activation.push(v);
    v *= widths[i]! * weightVariance[i]!;
  }
  const backpropGrad = new Array<number>(L);
  let g = topGradVariance;
  for (let i = L - 1; i >= 0; i--) {
    backpropGrad[i] = g;
    g *= widths[i + 1]! * weightVariance[i]!;
  }
  const weightGrad = activation.map((a, i) => a * backpropGrad[i]!);
  return { activation, backpropGrad, weightGrad };
}

/**
 * The random-matrix prediction of the mean singular value of the layer Jacobian of eq. (17) from its
 * weights alone: for an n×n matrix of iid zero-mean entries with variance Var[W], for large n,
 * `(8/(3π))·√(n·Var[W])` (quarter-circle law mean, SPEC.md §3): 0.490 for standard init
 * (n·Var = 1/3), 0.849 for normalized (n·Var = 1).
 */
export function predictedMeanSingularValue(n: number, weightVariance: number): number {
  return (8 / (3 * Math.PI)) * Math.sqrt(n * weightVariance);
}
