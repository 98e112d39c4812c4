/**
 * The finite-width-conditioned mean-field prediction: what the probe measures at init on one
 * network, given its drawn weights, without running it.
 *
 * Why: the population prediction (meanField.ts) is the expectation over initialisations, and one
 * network of width 1000 strays from it by up to ≈ 10% on Shapeset, whose images share a mean image
 * (72% of E[x²]): the mean image's projection c_j = x̄·W_{:,j} on each unit is drawn once per unit,
 * a √(2/n) error per layer that pooling over examples cannot average away (finiteWidth.ts). Here
 * that projection is taken from the realized weights instead of its law.
 *
 * Forward, layer i (s^i = z^i W^i + b^i), Gaussian conditioning (Bolthausen 2014, Lemma 2.1;
 * Bayati & Montanari 2011, Lemma 1; Yang 2019, "Tensor Programs I", §5): given the realized
 * c = z̄ W^i, where z̄ = mean over the R probe examples of z^i_r, a Gaussian W^i equals
 * z̄ cᵀ/‖z̄‖² + P⊥ W̃ with W̃ an independent copy and P⊥ the projection orthogonal to z̄. So, with
 * α_r = z_r·z̄/‖z̄‖² and z⊥_r = z_r − α_r z̄,
 *   s^i_rj = α_r c_j + b_j + z⊥_r·W̃_{:,j},   z⊥_r·W̃_{:,j} ~ N(0, σ_r²),   σ_r² = v_i ‖z⊥_r‖²,
 * v_i the realized mean square of W^i (for the paper's uniform weights the fresh part is Gaussian by
 * the central limit theorem over the fan-in, as in Poole et al. 2016). The moments of z^{i+1}_rj =
 * f(s^i_rj) follow per example and unit by quadrature (momentTable.ts); the next layer needs only
 * z̄^{i+1}_j = mean_r E[f], ‖z_r‖² = Σ_j E[f²] and z_r·z̄ = Σ_j E[f] z̄_j (layer 0: the inputs, exact).
 * The per-unit realization of the fresh part is the only thing left to the law: its pooled error
 * averages over the ≈ R·n independent draws, where c's did not.
 *
 * Backward (Schoenholz et al. 2017, eq. (11), gradient independence), the same split. The top
 * gradient δ_r = ∂C/∂s^{L−1} is measured (`topGrad`), or for softmax + NLL predicted from the labels
 * and the conditioned logits α_r c + b + N(0, σ_r²) (softmaxTop.ts). Its mean spans n_L directions:
 * the back-projection h^{L−2}_r = W^{L−1} E[δ_r] is exact, and at every layer the coherent part —
 * f′ replaced by its mean over examples m̄_b — is carried through the realized weights as an
 * n_{i+1} × n_L basis B^{i−1} = W^i diag(m̄^i) B^i, so H^{i−1}_r = B^{i−1} E[δ_r]. What it leaves
 * out is incoherent across units and enters by the law: with E[(δ^i_rb)²] = E[f′(s^i_rb)²] (H_rb² + N_r),
 *   N^{i−1}_r = v_i · (Σ_b E[(δ^i_rb)²] − Σ_b (m̄_b H_rb)²),
 * the expected ‖W^i δ^i_r‖² per unit minus the coherent part's own expectation (its realized value
 * is H^{i−1}); at the top, N^{L−2}_r = v_{L−1} Σ_k Var[δ_rk]. Keeping the cross term between the two
 * parts this way matters: dropping it (a per-example residual (f′ − m̄)h) was 10–13% low in layer 1.
 * A linear network with a given top gradient is the case m̄ = 1, N = 0: backpropagation itself.
 *
 * Cost: one n_i × n_{i+1} product per layer forward, n_L of them backward, and the Gaussian moments
 * of R × n_{i+1} pre-activations per hidden layer (≈ 0.5 s per layer at R = 300, n = 1000).
 */
import type { ActivationName } from '../core/activations.ts';
import { expandNetwork } from './network.ts';
import { momentArrays, type MomentArrays, momentsAt } from './momentTable.ts';
import { softmaxNllGradientMoments } from './softmaxTop.ts';

/** A network as it was drawn at init: what the conditioned prediction conditions on. */
export interface RealizedNetwork {
  /** `[n_0 … n_L]`, L ≥ 1 weight layers. */
  readonly widths: readonly number[];
  /** One activation for every hidden layer, or one per hidden layer (length L−1). */
  readonly activation: ActivationName | readonly ActivationName[];
  /** W^i, i = 0 … L−1: `[n_i, n_{i+1}]` row-major (fanIn × fanOut, as src/nn/mlp.ts stores them). */
  readonly weights: readonly ArrayLike<number>[];
  /** b^i, i = 0 … L−1, `[n_{i+1}]` (default: zeros, as the paper). */
  readonly biases?: readonly ArrayLike<number>[];
}

/** The probe set, and either its measured top gradient or its labels (exactly one of the two). */
export interface ConditionedInputs {
  /** `[examples, n_0]` row-major inputs. */
  readonly x: ArrayLike<number>;
  /** R, the number of probe examples. */
  readonly examples: number;
  /**
   * `[examples, n_L]` row-major: each example's measured ∂C/∂s^{L−1} (for softmax + NLL, p − y),
   * as the population prediction's `topGradMoment` and the linear theory take it from the probe.
   */
  readonly topGrad?: ArrayLike<number>;
  /**
   * `[examples]` class indices in [0, n_L): the top gradient of softmax + NLL is then predicted from
   * the conditioned logits (softmaxTop.ts), and nothing of the network's output is needed.
   */
  readonly labels?: ArrayLike<number>;
}

/** The conditioned predictions for weight layer i (the probe's layer k = i + 1), pooled as the probe pools. */
export interface ConditionedLayer {
  /** mean over examples × units of E[(s^i)²] (unit of s²). */
  readonly preactivationVariance: number;
  /** mean over examples × units of z^{i+1}; `null` for the softmax layer. */
  readonly activationMean: number | null;
  /** Var of z^{i+1} over examples × units; `null` for the softmax layer. */
  readonly activationVariance: number | null;
  /** mean over examples × units of the per-example ∂C/∂s^i. */
  readonly backpropGradMean: number;
  /** Var of the per-example ∂C/∂s^i over examples × units. */
  readonly backpropGradVariance: number;
  /** mean over examples of (mean_j (z^i_j)²)(mean_k (∂C/∂s^i_k)²): `weight_grad.per_example_var`. */
  readonly weightGradVariance: number;
}

/** The conditioned prediction of every weight layer, i = 0 … L−1. */
export interface ConditionedPrediction {
  readonly layers: readonly ConditionedLayer[];
}

function checkLength(a: ArrayLike<number> | undefined, n: number, field: string, shape: string): void {
  if (a === undefined || typeof a.length !== 'number' || a.length !== n) {
    throw new RangeError(`${field}: expected ${shape} = ${n} values, found ${a === undefined ? 'none' : `${a.length}`}`);
  }
}

function meanSquare(a: ArrayLike<number>, n: number, field: string): number {
  let s = 0;
  for (let t = 0; t < n; t++) s += a[t]! * a[t]!;
  if (!Number.isFinite(s)) throw new RangeError(`${field}: expected finite values, found a NaN or infinite one`);
  return s / n;
}

/**
 * The finite-width-conditioned mean-field prediction of the probe's pooled statistics at init
 * (see the module comment): per layer, the pre-activation second moment, activation mean and
 * variance, back-propagated and per-example weight-gradient variances.
 * @param net widths, activations and the drawn weights and biases.
 * @param inputs the probe examples (`[R, n_0]`) and either their measured top gradient
 *   (`[R, n_L]`) or their labels (`[R]`; softmax + NLL).
 * @throws RangeError naming the field: a width list or activation as {@link expandNetwork} rejects
 *   it; `weights[2]`/`biases[2]` of the wrong length, all zero or not finite; `examples` not a
 *   positive integer; `x` or `topGrad` of the wrong length or not finite; both or neither of
 *   `topGrad` and `labels`; a label that is not a class in [0, n_L).
 * Source: Bolthausen (2014), Lemma 2.1, and Yang (2019), §5 (Gaussian conditioning); Poole et al.
 *   (2016), eq. (3), and Schoenholz et al. (2017), eq. (11), for what is left to the law.
 */
export function predictConditioned(net: RealizedNetwork, inputs: ConditionedInputs): ConditionedPrediction {
  // widths and activations as the population prediction checks them (the law is a placeholder)
  const { widths, activations } = expandNetwork({ widths: net.widths, activation: net.activation, layers: { weightVariance: 1 } });
  const L = widths.length - 1;
  if (!Array.isArray(net.weights) || net.weights.length !== L) {
    const found = Array.isArray(net.weights) ? net.weights.length : String(net.weights);
    throw new RangeError(`weights: expected ${L} matrices (one per weight layer), found ${found}`);
  }
  // v_i: the drawn weights' mean square, the variance of the fresh part
  const v = net.weights.map((W, i) => {
    const n = widths[i]! * widths[i + 1]!;
    checkLength(W, n, `weights[${i}]`, `${widths[i]}×${widths[i + 1]}`);
    const ms = meanSquare(W, n, `weights[${i}]`);
    if (!(ms > 0)) throw new RangeError(`weights[${i}]: expected weights not all zero, found all zero`);
    return ms;
  });
  if (net.biases !== undefined) {
    if (!Array.isArray(net.biases) || net.biases.length !== L) {
      throw new RangeError(`biases: expected ${L} vectors (one per weight layer), found ${String(net.biases?.length)}`);
    }
    net.biases.forEach((b, i) => {
      checkLength(b, widths[i + 1]!, `biases[${i}]`, `${widths[i + 1]}`);
      meanSquare(b, widths[i + 1]!, `biases[${i}]`);
    });
  }
  const R = inputs.examples;
  if (!Number.isInteger(R) || R < 1) throw new RangeError(`examples: expected a positive integer, found ${String(R)}`);
  const n0 = widths[0]!;
  const nL = widths[L]!;
  checkLength(inputs.x, R * n0, 'x', `${R}×${n0}`);
  meanSquare(inputs.x, R * n0, 'x');
  if ((inputs.topGrad === undefined) === (inputs.labels === undefined)) {
    throw new RangeError(`topGrad, labels: expected exactly one of the two, found ${inputs.topGrad === undefined ? 'neither' : 'both'}`);
  }
  if (inputs.topGrad !== undefined) {
    checkLength(inputs.topGrad, R * nL, 'topGrad', `${R}×${nL}`);
    meanSquare(inputs.topGrad, R * nL, 'topGrad');
  } else {
    checkLength(inputs.labels, R, 'labels', `${R}`);
    for (let r = 0; r < R; r++) {
      const y = inputs.labels![r]!;
      if (!Number.isInteger(y) || y < 0 || y >= nL) throw new RangeError(`labels[${r}]: expected a class in [0, ${nL}), found ${y}`);
    }
  }

  // forward: z̄, ‖z_r‖², z_r·z̄ of the layer's input; layer 0 from the data
  let zbar = new Float64Array(n0);
  for (let r = 0; r < R; r++) for (let a = 0; a < n0; a++) zbar[a] += inputs.x[r * n0 + a]! / R;
  let norm2 = new Float64Array(R);
  let dot = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    for (let a = 0; a < n0; a++) {
      const x = inputs.x[r * n0 + a]!;
      norm2[r] += x * x;
      dot[r] += x * zbar[a]!;
    }
  }
  const inputNorm2: Float64Array[] = [];
  const topMu = new Float64Array(R * nL); // the logits' conditioned means and fluctuation, for labels
  const topSigma = new Float64Array(R);
  const moments: MomentArrays[] = [];
  const forward: { q: number; mean: number | null; variance: number | null }[] = [];
  for (let i = 0; i < L; i++) {
    const nIn = widths[i]!;
    const nOut = widths[i + 1]!;
    const W = net.weights[i]!;
    const b = net.biases?.[i];
    inputNorm2.push(norm2);
    const c = new Float64Array(nOut);
    for (let a = 0; a < nIn; a++) {
      const za = zbar[a]!;
      if (za !== 0) for (let j = 0; j < nOut; j++) c[j] += za * W[a * nOut + j]!;
    }
    let Z = 0;
    for (let a = 0; a < nIn; a++) Z += zbar[a]! * zbar[a]!;
    const mu = new Float64Array(nOut);
    const sigma = new Float64Array(R);
    let q = 0;
    const mo = i < L - 1 ? momentArrays(R * nOut) : null;
    for (let r = 0; r < R; r++) {
      const alpha = Z > 0 ? dot[r]! / Z : 0;
      sigma[r] = Math.sqrt(v[i]! * Math.max(0, norm2[r]! - alpha * dot[r]!));
      let m2 = 0;
      for (let j = 0; j < nOut; j++) {
        mu[j] = alpha * c[j]! + (b ? b[j]! : 0);
        m2 += mu[j]! * mu[j]!;
      }
      q += m2 / nOut + sigma[r]! ** 2;
      if (mo) momentsAt(activations[i]!, sigma[r]!, mu, mo, r * nOut);
      else {
        topMu.set(mu, r * nOut);
        topSigma[r] = sigma[r]!;
      }
    }
    if (!mo) {
      forward.push({ q: q / R, mean: null, variance: null });
      break;
    }
    moments.push(mo);
    const next = new Float64Array(nOut);
    let s1 = 0;
    let s2 = 0;
    for (let r = 0; r < R; r++) {
      for (let j = 0; j < nOut; j++) {
        next[j] += mo.f[r * nOut + j]! / R;
        s2 += mo.f2[r * nOut + j]!;
      }
    }
    for (let j = 0; j < nOut; j++) s1 += next[j]!;
    norm2 = new Float64Array(R);
    dot = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      for (let j = 0; j < nOut; j++) {
        norm2[r] += mo.f2[r * nOut + j]!;
        dot[r] += mo.f[r * nOut + j]! * next[j]!;
      }
    }
    zbar = next;
    const mean = s1 / nOut;
    forward.push({ q: q / R, mean, variance: s2 / (R * nOut) - mean * mean });
  }

  // backward: the top gradient's mean (coherent) and mean square per example and class, given or predicted
  const topMean = new Float64Array(R * nL);
  const topSquare = new Float64Array(R * nL);
  if (inputs.topGrad !== undefined) {
    for (let t = 0; t < R * nL; t++) {
      topMean[t] = inputs.topGrad[t]!;
      topSquare[t] = inputs.topGrad[t]! ** 2;
    }
  } else for (let r = 0; r < R; r++) softmaxNllGradientMoments(topMu, topSigma[r]!, inputs.labels![r]!, nL, topMean, topSquare, r * nL);
  const grad = new Array<number>(L);
  const gradMean = new Array<number>(L);
  const weightGrad = new Array<number>(L);
  let N = new Float64Array(R); // the incoherent part's variance per unit of h^i, per example
  {
    let s = 0;
    let s2 = 0;
    let wg = 0;
    for (let r = 0; r < R; r++) {
      let d2 = 0;
      let coherent = 0;
      for (let k = 0; k < nL; k++) {
        s += topMean[r * nL + k]!;
        d2 += topSquare[r * nL + k]!;
        coherent += topMean[r * nL + k]! ** 2;
      }
      s2 += d2;
      wg += (inputNorm2[L - 1]![r]! / widths[L - 1]!) * (d2 / nL);
      N[r] = v[L - 1]! * (d2 - coherent);
    }
    gradMean[L - 1] = s / (R * nL);
    grad[L - 1] = s2 / (R * nL) - gradMean[L - 1]! ** 2;
    weightGrad[L - 1] = wg / R;
  }
  let B = Float64Array.from(net.weights[L - 1]!); // h^{L−2}_r = W^{L−1} E[δ_r]: B^{L−2} = W^{L−1}, [n_{L−1}, n_L]
  for (let i = L - 2; i >= 0; i--) {
    const n = widths[i + 1]!;
    const mo = moments[i]!;
    const H = new Float64Array(n);
    const mbar = new Float64Array(n);
    for (let r = 0; r < R; r++) for (let b = 0; b < n; b++) mbar[b] += mo.df[r * n + b]! / R;
    let sMean = 0;
    let sSquare = 0;
    let wg = 0;
    const nextN = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      H.fill(0);
      for (let b = 0; b < n; b++) {
        let h = 0;
        for (let k = 0; k < nL; k++) h += B[b * nL + k]! * topMean[r * nL + k]!;
        H[b] = h;
      }
      let total = 0;
      let coherent = 0;
      for (let b = 0; b < n; b++) {
        const h2 = H[b]! * H[b]!;
        const d2 = mo.df2[r * n + b]! * (h2 + N[r]!);
        total += d2;
        coherent += mbar[b]! * mbar[b]! * h2;
        sMean += mo.df[r * n + b]! * H[b]!;
      }
      sSquare += total;
      wg += (inputNorm2[i]![r]! / widths[i]!) * (total / n);
      if (i > 0) nextN[r] = v[i]! * (total - coherent);
    }
    const mean = sMean / (R * n);
    gradMean[i] = mean;
    grad[i] = sSquare / (R * n) - mean * mean;
    weightGrad[i] = wg / R;
    if (i === 0) break;
    // B^{i−1} = W^i diag(m̄) B^i: [n_i, n_L]
    const nIn = widths[i]!;
    const W = net.weights[i]!;
    const scaled = new Float64Array(n * nL);
    for (let b = 0; b < n; b++) for (let k = 0; k < nL; k++) scaled[b * nL + k] = mbar[b]! * B[b * nL + k]!;
    const nextB = new Float64Array(nIn * nL);
    for (let a = 0; a < nIn; a++) {
      for (let b = 0; b < n; b++) {
        const w = W[a * n + b]!;
        for (let k = 0; k < nL; k++) nextB[a * nL + k] += w * scaled[b * nL + k]!;
      }
    }
    B = nextB;
    N = nextN;
  }
  return {
    layers: forward.map((f, i) => ({
      preactivationVariance: f.q,
      activationMean: f.mean,
      activationVariance: f.variance,
      backpropGradMean: gradMean[i]!,
      backpropGradVariance: grad[i]!,
      weightGradVariance: weightGrad[i]!,
    })),
  };
}
