/**
 * Mean-field predictions of what the layer probe measures at init (src/probes/probe.ts), beside the
 * paper's linear theory (eqs. (5)–(7), src/probes/theory.ts).
 *
 * Forward (Poole et al. 2016, eq. (3)): for one example with input x, the pre-activations of layer i
 * over the units are, for wide layers, Gaussian with mean 0 and variance
 *   q^0 = σ_w²⁽⁰⁾ ‖x‖²/n_0 + σ_b²⁽⁰⁾,   q^{i} = σ_w²⁽ⁱ⁾ E[f(√q^{i−1} ε)²] + σ_b²⁽ⁱ⁾,
 * because s_j = Σ_a z_a W_aj + b_j has E_W[s_j²] = Var[W] ‖z‖² + σ_b² for zero-mean weights, whatever
 * the mean of z (the recursion uses the second moment E[z²], not Var[z]; inputs in [0, 1] are not
 * centred). One recursion per example, started from its own ‖x‖²: the probe pools examples whose
 * ‖x‖² differ, and E[f²] is not linear in q.
 *
 * Backward (Schoenholz et al. 2017, eq. (11), the gradient-independence assumption): with
 * δ^i = ∂C/∂s^i = (δ^{i+1} W^{i+1}ᵀ) ⊙ f′(s^i),
 *   E[(δ^i)²] = E[f′(√q^i ε)²] · n_{i+2} Var[W^{i+1}] · E[(δ^{i+1})²]
 *             = χ₁⁽ⁱ⁾ · (n_{i+2}/n_{i+1}) · E[(δ^{i+1})²],   χ₁⁽ⁱ⁾ = σ_w²⁽ⁱ⁺¹⁾ E[f′(√q^i ε)²],
 * per example (the fan-out factor n_{i+2}/n_{i+1} is 1 for equal widths; 9/1000 into the softmax
 * layer of the paper's network), started from the measured top gradient ∂C/∂s^{L−1} = p − y as the
 * linear theory is.
 *
 * What the probe pools (src/probes/probe.ts): `activation.mean`/`.std` over all examples × units of
 * z^k = f(s^{k−1}); `backprop_grad.std` over all examples × units of the per-example ∂C/∂s^{k−1};
 * `weight_grad.per_example_var` = mean over examples of (mean_j z_j²)(mean_k δ_k²). The predictions
 * below are those pooled statistics: Var = mean_x E[f²] − (mean_x E[f])², the gradient's variance is
 * its mean square (E_W[δ] = 0).
 */
import { activationMoments, checkVariance } from './gaussian.ts';
import { type ExpandedNetwork, expandNetwork, type TheoryNetwork } from './network.ts';
import { jacobianMoments, type JacobianMoments } from './spectrum.ts';

/** The data-dependent inputs of the prediction, measured on the probe set. */
export interface MeanFieldInputs {
  /** Each example's ‖x‖²/n_0 (the mean square of its inputs), one entry per example. */
  readonly inputSecondMoments: readonly number[];
  /**
   * The top layer's back-propagated gradient: per example, the mean over the n_L outputs of
   * (∂C/∂s^{L−1})² (one entry per example), or one number for every example (its mean, the
   * probe's `backprop_grad.std²` of layer L when its mean is 0, which it is for softmax + NLL).
   */
  readonly topGradMoment: number | readonly number[];
  /**
   * Examples (the first ones) whose mean Jacobian singular value is predicted (default: all; 0:
   * none). It needs a fixed-point solve per example and layer (≈ 10 ms); the probe itself
   * decomposes only its first `jacobianExamples`.
   */
  readonly jacobianExamples?: number;
}

/** The predictions for weight layer i (the probe's layer k = i + 1). */
export interface MeanFieldLayer {
  /** q^i = E[(s^i)²] averaged over examples (unit of s²). */
  readonly preactivationVariance: number;
  /** mean over examples and units of z^{i+1} = f(s^i); `null` for the softmax layer (i = L−1). */
  readonly activationMean: number | null;
  /** Var of z^{i+1} over examples and units; `null` for the softmax layer. */
  readonly activationVariance: number | null;
  /** Var[∂C/∂s^i] over examples and units (per example, not averaged over a minibatch). */
  readonly backpropGradVariance: number;
  /** Var[∂C/∂W^i] of one example's weight gradient, pooled over examples. */
  readonly weightGradVariance: number;
  /** χ₁ = σ_w²⁽ⁱ⁺¹⁾ E[f′(s^i)²] averaged over examples: the per-layer gain of ‖δ‖² (null at the top). */
  readonly chi1: number | null;
  /** Moments of the singular values of J = ∂z^{i+1}/∂z^i (eq. (17)); `null` for the softmax layer. */
  readonly jacobian: JacobianMoments | null;
}

/** Mean-field predictions for every weight layer, i = 0 … L−1. */
export interface MeanFieldPrediction {
  readonly layers: readonly MeanFieldLayer[];
  /** q^i per example: `perExampleQ[i][r]`. */
  readonly perExampleQ: readonly Float64Array[];
}

/**
 * The forward half of the prediction, which does not depend on the top gradient: per example
 * and layer, q and the Gaussian moments at q. Reuse it for several top gradients (several seeds
 * of one configuration) with {@link meanFieldBackward}.
 */
export interface MeanFieldForward {
  readonly net: ExpandedNetwork;
  /** The inputs' ‖x‖²/n_0, per example. */
  readonly inputSecondMoments: Float64Array;
  /** q^i per example, i = 0 … L−1. */
  readonly q: readonly Float64Array[];
  /** E[f(s^i)], E[f(s^i)²], E[f′(s^i)²] per example, for the hidden layers i = 0 … L−2. */
  readonly ef: readonly Float64Array[];
  readonly ef2: readonly Float64Array[];
  readonly edf2: readonly Float64Array[];
}

/**
 * The forward recursion q^i per example (Poole et al. 2016, eq. (3)), started from each example's
 * own ‖x‖²/n_0, with the Gaussian moments at every hidden layer.
 * @param inputSecondMoments each example's ‖x‖²/n_0 (≥ 0, at least one).
 * @throws RangeError naming the field: see {@link expandNetwork}; an empty list or an entry that is
 *   negative or not finite (`inputSecondMoments[3]`).
 * Source: Poole et al. (2016), eq. (3).
 */
export function meanFieldForward(net: TheoryNetwork, inputSecondMoments: readonly number[]): MeanFieldForward {
  const expanded = expandNetwork(net);
  const { widths, activations, layers, weightScale } = expanded;
  const m = inputSecondMoments;
  if (!Array.isArray(m) || m.length === 0) {
    throw new RangeError(`inputSecondMoments: expected one ‖x‖²/n_0 per example (at least one), found ${Array.isArray(m) ? 'an empty list' : String(m)}`);
  }
  m.forEach((v, r) => checkVariance(v, `inputSecondMoments[${r}]`));
  const L = widths.length - 1;
  const R = m.length;
  const q = Array.from({ length: L }, () => new Float64Array(R));
  const ef = Array.from({ length: L - 1 }, () => new Float64Array(R));
  const ef2 = Array.from({ length: L - 1 }, () => new Float64Array(R));
  const edf2 = Array.from({ length: L - 1 }, () => new Float64Array(R));
  for (let r = 0; r < R; r++) {
    let qr = weightScale[0]! * m[r]! + layers[0]!.biasVariance;
    for (let i = 0; i < L; i++) {
      q[i]![r] = qr;
      if (i === L - 1) break;
      const mo = activationMoments(activations[i]!, qr);
      ef[i]![r] = mo.f;
      ef2[i]![r] = mo.f2;
      edf2[i]![r] = mo.df2;
      qr = weightScale[i + 1]! * mo.f2 + layers[i + 1]!.biasVariance;
    }
  }
  return { net: expanded, inputSecondMoments: Float64Array.from(m), q, ef, ef2, edf2 };
}

function mean(a: ArrayLike<number>, n = a.length): number {
  let s = 0;
  for (let r = 0; r < n; r++) s += a[r]!;
  return s / n;
}

/**
 * The backward half: back-propagated and weight-gradient variances per layer from the top
 * gradient, per example (Schoenholz et al. 2017, eq. (11) with the fan-out factor), and the rest
 * of {@link MeanFieldLayer}.
 * @param topGradMoment see {@link MeanFieldInputs.topGradMoment}.
 * @param jacobianExamples see {@link MeanFieldInputs.jacobianExamples} (default: all).
 * @throws RangeError naming `topGradMoment` when it is negative, not finite, or a list whose
 *   length is not the number of examples.
 * Source: Schoenholz et al. (2017), eqs. (11) and (13); eq. (7) for the weight gradient.
 */
export function meanFieldBackward(
  fwd: MeanFieldForward,
  topGradMoment: number | readonly number[],
  jacobianExamples?: number,
): MeanFieldPrediction {
  const { widths, activations, layers, weightScale } = fwd.net;
  const m = fwd.inputSecondMoments;
  const R = m.length;
  const L = widths.length - 1;
  let top: (r: number) => number;
  if (typeof topGradMoment === 'number') {
    checkVariance(topGradMoment, 'topGradMoment');
    top = () => topGradMoment;
  } else {
    if (!Array.isArray(topGradMoment) || topGradMoment.length !== R) {
      const found = Array.isArray(topGradMoment) ? `${topGradMoment.length} entries` : String(topGradMoment);
      throw new RangeError(`topGradMoment: expected a number or one entry per example (${R}), found ${found}`);
    }
    topGradMoment.forEach((v, r) => checkVariance(v, `topGradMoment[${r}]`));
    top = (r) => topGradMoment[r]!;
  }
  // g^{L−1} = top, g^i = E[f′(s^i)²] · n_{i+2} Var[W^{i+1}] · g^{i+1}, per example
  const grad = Array.from({ length: L }, () => new Float64Array(R));
  for (let r = 0; r < R; r++) {
    let g = top(r);
    grad[L - 1]![r] = g;
    for (let i = L - 2; i >= 0; i--) {
      g *= fwd.edf2[i]![r]! * widths[i + 2]! * layers[i + 1]!.weightVariance;
      grad[i]![r] = g;
    }
  }
  const spectrumExamples = Math.min(R, Math.max(0, Math.floor(jacobianExamples ?? R)));
  const out: MeanFieldLayer[] = [];
  for (let i = 0; i < L; i++) {
    const hidden = i < L - 1;
    // one example's ∂C/∂W^i = z^iᵀ δ^i: mean square (mean_j z_j²)(mean_k δ_k²); z^0 = x
    let wg = 0;
    for (let r = 0; r < R; r++) wg += (i === 0 ? m[r]! : fwd.ef2[i - 1]![r]!) * grad[i]![r]!;
    const am = hidden ? mean(fwd.ef[i]!) : null;
    out.push({
      preactivationVariance: mean(fwd.q[i]!),
      activationMean: am,
      activationVariance: hidden ? mean(fwd.ef2[i]!) - am! * am! : null,
      backpropGradVariance: mean(grad[i]!),
      weightGradVariance: wg / R,
      chi1: hidden ? weightScale[i + 1]! * mean(fwd.edf2[i]!) : null,
      jacobian: hidden ? jacobianOf(fwd, i, spectrumExamples) : null,
    });
  }
  return { layers: out, perExampleQ: fwd.q };
}

/** Layer i's Jacobian moments: the mean s² from E[f′²] of every example, the mean s from the first `spectrumExamples`. */
function jacobianOf(fwd: MeanFieldForward, i: number, spectrumExamples: number): JacobianMoments {
  const { widths, activations, layers } = fwd.net;
  const M = widths[i]!;
  const N = widths[i + 1]!;
  const meanSquaredSingularValue = (M * N * layers[i]!.weightVariance * mean(fwd.edf2[i]!)) / Math.min(M, N);
  if (spectrumExamples === 0) return { meanSquaredSingularValue, meanSingularValue: null };
  const { meanSingularValue } = jacobianMoments(activations[i]!, fwd.q[i]!.subarray(0, spectrumExamples), {
    fanIn: M,
    fanOut: N,
    weightVariance: layers[i]!.weightVariance,
    distribution: layers[i]!.distribution,
  });
  return { meanSquaredSingularValue, meanSingularValue };
}

/**
 * The mean-field predictions of the probe's statistics at init, per weight layer:
 * {@link meanFieldForward} then {@link meanFieldBackward}.
 * Cost: 4 adaptive Gaussian integrals per example and hidden layer (≈ 0.3 ms together; 0.5 s for
 * the paper's network and 300 examples), plus ≈ 10 ms per example and layer for the mean
 * singular value.
 * @param net widths, activations, weight and bias laws (see {@link TheoryNetwork}).
 * @param inputs the probe set's per-example input second moments and top gradient.
 * @returns per layer: q, activation mean and variance, back-propagated and weight-gradient
 *   variances, χ₁, Jacobian singular-value moments.
 * @throws RangeError naming the field: see {@link expandNetwork}, {@link meanFieldForward} and
 *   {@link meanFieldBackward}.
 * Source: Poole et al. (2016), eq. (3); Schoenholz et al. (2017), eqs. (3), (11) and (13);
 *   the pooled statistics as src/probes/probe.ts computes them.
 */
export function predictMeanField(net: TheoryNetwork, inputs: MeanFieldInputs): MeanFieldPrediction {
  return meanFieldBackward(meanFieldForward(net, inputs.inputSecondMoments), inputs.topGradMoment, inputs.jacobianExamples);
}
