/**
 * The mean-field predictions the probe stores at init beside the linear theory of eqs. (5)–(7)
 * (issue 13; src/core/metrics.ts names them):
 * - `meanfield.*`: the finite-width-conditioned prediction (src/theory/conditioned.ts) from the
 *   network's drawn weights and biases, the probe inputs and their labels. It never runs the
 *   network: the probe's own forward and backward pass is not an input (docs/DECISIONS.md "Theory
 *   beyond the paper" says what it conditions on). This is the prediction the report judges.
 * - `meanfield.population.*`: the population prediction (src/theory/meanField.ts), the expectation
 *   over initialisations, from each layer's weight law (the init scheme's Var[W] and distribution;
 *   biases 0, as `Mlp` initialises them), each example's ‖x‖² and, like the linear theory, the
 *   measured top-layer gradient; and the mean singular value of each hidden layer's Jacobian
 *   (eq. (17)) for the probe's Jacobian examples.
 * Cost at the paper's network (1024-1000×5-9, 300 examples): ≈ 2.5 s conditioned, ≈ 0.5 s
 * population, + ≈ 10 ms per Jacobian example and layer; once per run, at update 0.
 */
import type { ScalarRecord } from '../core/metrics.ts';
import type { Mlp } from '../nn/mlp.ts';
import { predictConditioned } from '../theory/conditioned.ts';
import { predictMeanField } from '../theory/meanField.ts';
import type { LayerLaw } from '../theory/network.ts';

/** Whether every value is finite. */
function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/** Whether some value is not zero. */
function anyNonZero(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return true;
  return false;
}

/**
 * The mean-field scalars of every layer k = 1 … L at a probe point (layer numbering of
 * src/core/metrics.ts), or none when the network or the probe set is outside what the theory takes:
 * a weight matrix that is all zero or holds a non-finite value, a non-finite input or top gradient
 * (the measurement then shows the problem itself, and a probe must not end a training run).
 * @param mlp the network as drawn at init (its weights, biases, activations and init laws).
 * @param x `[n, n_0]` probe inputs (the first n rows are used); `y` `[n]` their classes.
 * @param topGrad `[n, n_L]` each example's measured ∂C/∂s^{L−1} = p − y (the population
 *   prediction's input, as the linear theory's; the conditioned one predicts it from `y`).
 * @param jacobianExamples the first examples whose Jacobian mean singular value is predicted (0: none).
 * @returns `meanfield.{activation,backprop_grad,weight_grad}.var` and the same under
 *   `meanfield.population.`, plus `meanfield.population.jacobian.sv_mean` where predicted.
 * Source: Poole et al. (2016), eq. (3); Schoenholz et al. (2017), eq. (11); Bolthausen (2014),
 *   Lemma 2.1 (the conditioning); the quantities of eqs. (5)–(7) and (17).
 */
export function meanFieldScalars(mlp: Mlp, x: Float32Array, y: Int32Array, n: number, topGrad: Float32Array, jacobianExamples: number): ScalarRecord[] {
  const widths = mlp.widths;
  const L = mlp.depth;
  const n0 = widths[0]!;
  const inputs = x.subarray(0, n * n0);
  const top = topGrad.subarray(0, n * widths[L]!);
  if (!allFinite(inputs) || !allFinite(top)) return [];
  if (mlp.layers.some((l) => !allFinite(l.W) || !anyNonZero(l.W) || !allFinite(l.b) || !(l.initScale.std > 0))) return [];
  const activation = mlp.hidden.map((h) => h.activation.name);

  const conditioned = predictConditioned(
    { widths, activation, weights: mlp.layers.map((l) => l.W), biases: mlp.layers.map((l) => l.b) },
    { x: inputs, examples: n, labels: y.subarray(0, n) },
  ).layers;
  const laws: LayerLaw[] = mlp.layers.map((l) => ({ weightVariance: l.initScale.std ** 2, distribution: l.initScale.distribution, biasVariance: 0 }));
  const inputSecondMoments = Array.from({ length: n }, (_, r) => {
    let s = 0;
    for (let a = r * n0; a < (r + 1) * n0; a++) s += inputs[a]! * inputs[a]!;
    return s / n0;
  });
  const nL = widths[L]!;
  const topGradMoment = Array.from({ length: n }, (_, r) => {
    let s = 0;
    for (let k = r * nL; k < (r + 1) * nL; k++) s += top[k]! * top[k]!;
    return s / nL;
  });
  const population = predictMeanField(
    { widths, activation, layers: laws },
    { inputSecondMoments, topGradMoment, jacobianExamples: Math.min(Math.max(0, jacobianExamples), n) },
  ).layers;

  const out: ScalarRecord[] = [];
  for (let k = 1; k <= L; k++) {
    const c = conditioned[k - 1]!;
    const p = population[k - 1]!;
    if (k < L) out.push({ layer: k, name: 'meanfield.activation.var', value: c.activationVariance! });
    out.push({ layer: k, name: 'meanfield.backprop_grad.var', value: c.backpropGradVariance });
    out.push({ layer: k, name: 'meanfield.weight_grad.var', value: c.weightGradVariance });
    if (k < L) out.push({ layer: k, name: 'meanfield.population.activation.var', value: p.activationVariance! });
    out.push({ layer: k, name: 'meanfield.population.backprop_grad.var', value: p.backpropGradVariance });
    out.push({ layer: k, name: 'meanfield.population.weight_grad.var', value: p.weightGradVariance });
    const sv = p.jacobian?.meanSingularValue ?? null;
    if (k < L && sv !== null) out.push({ layer: k, name: 'meanfield.population.jacobian.sv_mean', value: sv });
  }
  return out;
}
