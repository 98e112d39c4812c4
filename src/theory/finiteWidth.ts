/**
 * How far one network's measured activation variance may stray from the mean-field prediction
 * because its layers are finitely wide: the seed-to-seed spread, to first order in 1/n.
 *
 * The mean-field prediction (meanField.ts) is the expectation over initialisations. One network
 * draws each layer's n_{i+1} units once: given its input z^i, the units' pre-activation vectors
 * (s_rj)_r over the R probe examples are iid Gaussian across j, so the pooled second moment
 * A_{i+1} = (1/(R n_{i+1})) Σ_{r,j} f(s_rj)² has a sampling variance
 *   Var = (1/n_{i+1}) · [ Var f²(u) / R + (1 − 1/R) · Cov(f²(u₁), f²(u₂)) ],
 * with u₁, u₂ at the layer's q and the examples' correlation c. Inputs that are strongly correlated
 * (Shapeset: the mean image holds 72% of E[x²], the root-mean-square cosine between two images is
 * 0.79) make Cov ≈ Var, so pooling R examples does not average the sampling away: about √(2/n),
 * 4.5% at n = 1000, per layer. The deviation is inherited by the next layer through
 * q^{i+1} = σ_w² A_{i+1} + σ_b² with the gain γ = d ln E[f(√q ε)²]/d ln q = E[f f′ s]/E[f²] (Stein's
 * lemma), so in log terms
 *   Var[ln A_{i+1}] = (γ_i · σ_w² A_i/q_i)² Var[ln A_i] + Var_sampling / E[f²]².
 * Near-linear layers (γ ≈ 1: standard init, where q shrinks 3× per layer) pass it on whole, so the
 * spread grows like √depth; saturating layers damp it.
 *
 * Homogeneous approximation: every example has the layer's mean q and every pair the root-mean-square
 * correlation c̄, propagated by the correlation map (exact for a linear f, where Cov ∝ c²).
 * The result is an error bar for one network, not a correction: its expectation is the mean-field
 * value (bench/theory.ts measures both over seeds).
 *
 * Source: the sampling argument above, first order in 1/n as in Roberts, Yaida & Hanin (2022),
 * "The Principles of Deep Learning Theory", ch. 4 (the 1/n kernel fluctuations); Poole et al.
 * (2016), eq. (5), for the correlation map.
 */
import { activationOf } from '../core/activations.ts';
import { activationMoments, bivariateExpectation, expectAt } from './gaussian.ts';
import type { MeanFieldForward } from './meanField.ts';

/** The predicted spread of one hidden layer's pooled activation second moment over initialisations. */
export interface ActivationSpread {
  /** sd of ln(measured E[z²]) across networks (≈ relative sd); for odd f this is the variance's. */
  readonly logSd: number;
  /** The root-mean-square correlation c̄ between two examples' pre-activations at this layer. */
  readonly correlation: number;
}

/**
 * The root-mean-square cosine between distinct rows of `x`: the input correlation c̄ of the
 * first layer's pre-activations when biases are 0.
 * @param x `[rows, n0]` row-major inputs. Cost rows²·n0/2 multiply-adds.
 * @throws RangeError when rows < 2, n0 < 1, `x` is shorter than rows·n0, or a row is all zeros.
 */
export function rmsCosine(x: Float32Array, rows: number, n0: number): number {
  if (!Number.isInteger(rows) || rows < 2) throw new RangeError(`rows: expected an integer ≥ 2, found ${rows}`);
  if (!Number.isInteger(n0) || n0 < 1) throw new RangeError(`n0: expected a positive integer, found ${n0}`);
  if (x.length < rows * n0) throw new RangeError(`x: expected at least ${rows}×${n0} = ${rows * n0} values, found ${x.length}`);
  const norm = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let a = 0; a < n0; a++) s += x[r * n0 + a]! ** 2;
    if (!(s > 0)) throw new RangeError(`x: row ${r} is all zeros (no cosine)`);
    norm[r] = Math.sqrt(s);
  }
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    for (let t = r + 1; t < rows; t++) {
      let d = 0;
      for (let a = 0; a < n0; a++) d += x[r * n0 + a]! * x[t * n0 + a]!;
      sum += (d / (norm[r]! * norm[t]!)) ** 2;
    }
  }
  return Math.sqrt(sum / ((rows * (rows - 1)) / 2));
}

/**
 * The predicted spread over initialisations of each hidden layer's pooled activation second
 * moment (see the module comment), for the probe set the forward prediction was made on.
 * Cost: 3 bivariate quadratures per hidden layer (≈ 0.1–0.5 s in all).
 * @param fwd the mean-field forward prediction (per-example q).
 * @param inputCorrelation c̄ of the first layer's inputs: the root-mean-square cosine between two
 *   examples ({@link rmsCosine}), in [0, 1].
 * @returns one entry per hidden layer i = 0 … L−2 (the probe's layers k = 1 … L−1).
 * @throws RangeError when `inputCorrelation` is outside [0, 1].
 * Source: this module's comment.
 */
export function activationSpread(fwd: MeanFieldForward, inputCorrelation: number): ActivationSpread[] {
  if (!(inputCorrelation >= 0 && inputCorrelation <= 1)) {
    throw new RangeError(`inputCorrelation: expected a root-mean-square cosine in [0, 1], found ${inputCorrelation}`);
  }
  const { widths, activations, layers, weightScale } = fwd.net;
  const R = fwd.inputSecondMoments.length;
  const L = widths.length - 1;
  const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
  // the first layer's correlation: inputs' cosine, diluted by the biases
  const m0 = mean(fwd.inputSecondMoments);
  let c = (weightScale[0]! * m0 * inputCorrelation + layers[0]!.biasVariance) / (weightScale[0]! * m0 + layers[0]!.biasVariance);
  let logVar = 0; // Var[ln A_i] of the layer's input second moment (0 for the data)
  let inherit = 0; // σ_w² A_i / q_i: the share of q_i that the previous layer's A makes up
  const out: ActivationSpread[] = [];
  for (let i = 0; i < L - 1; i++) {
    const act = activations[i]!;
    const q = mean(fwd.q[i]!);
    const f = (s: number): number => activationOf(act).f(s);
    const f2 = (s: number): number => activationOf(act).f(s) ** 2;
    const mo = activationMoments(act, q);
    const gamma = expectAt(q, (s) => f(s) * activationOf(act).df(s) * s) / mo.f2;
    const cov = bivariateExpectation(f2, f2, q, q, c) - mo.f2 * mo.f2;
    const varF2 = expectAt(q, (s) => activationOf(act).f(s) ** 4) - mo.f2 * mo.f2;
    const sampling = (varF2 / R + (1 - 1 / R) * Math.max(0, cov)) / (widths[i + 1]! * mo.f2 * mo.f2);
    logVar = (gamma * inherit) ** 2 * logVar + sampling;
    out.push({ logSd: Math.sqrt(logVar), correlation: c });
    // next layer: its q_{i+1} = σ_w² A_{i+1} + σ_b², and the correlation map at the mean q
    const next = weightScale[i + 1]! * mo.f2 + layers[i + 1]!.biasVariance;
    inherit = (weightScale[i + 1]! * mo.f2) / next;
    c = Math.min(1, (weightScale[i + 1]! * bivariateExpectation(f, f, q, q, c) + layers[i + 1]!.biasVariance) / next);
  }
  return out;
}
