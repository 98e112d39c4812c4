/**
 * The mean-field predictions the probe stores at init (src/probes/meanField.ts): that they are the
 * theory's own values for the probed network, that they meet issue 13's target against the probe's
 * own measurement where the linear theory does not, and that the probe skips them, without
 * throwing, where the theory cannot take the network.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import { Mlp } from '../../../src/nn/mlp.ts';
import { probeNetwork } from '../../../src/probes/probe.ts';
import { jsSingularValues } from '../../../src/probes/jacobian.ts';
import { predictConditioned } from '../../../src/theory/conditioned.ts';
import { predictMeanField } from '../../../src/theory/meanField.ts';
import { mulberry32 } from '../../helpers/random.ts';

const be = createReferenceBackend();
type Probed = ReturnType<typeof probeNetwork>;
const scalar = (r: Probed, layer: number, name: string): number => {
  const s = r.scalars.find((x) => x.layer === layer && x.name === name);
  assert.ok(s, `scalar ${name} of layer ${layer} recorded`);
  return s.value;
};

/** Pixel-like inputs in [0, 1] sharing a mean image (as Shapeset's), with `noise` of their own, and classes. */
function images(rows: number, n0: number, classes: number, seed: number, noise = 0.3): { x: Float32Array; y: Int32Array } {
  const r = mulberry32(seed);
  const mean = Float32Array.from({ length: n0 }, (_, a) => 0.5 + 0.3 * Math.sin(a / 5));
  const x = new Float32Array(rows * n0);
  for (let i = 0; i < rows; i++) {
    const ink = 0.6 + (0.8 * i) / rows;
    for (let a = 0; a < n0; a++) x[i * n0 + a] = Math.min(1, Math.max(0, ink * mean[a]! + noise * (r() - 0.5)));
  }
  return { x, y: Int32Array.from({ length: rows }, (_, i) => i % classes) };
}

test('the stored meanfield.* are the theory’s values for the probed network: the conditioned prediction from its weights, biases, inputs and labels, the population one from its init laws, each example’s ‖x‖² and the measured top gradient, the Jacobian’s mean singular value for the Jacobian examples', () => {
  const widths = [30, 40, 35, 6];
  const rows = 24;
  const { x, y } = images(rows, widths[0]!, 6, 3);
  const mlp = new Mlp(be, { widths, activation: 'softsign', init: { name: 'normalized' }, seed: 5 });
  const res = probeNetwork(mlp, x, y, rows, { theory: true, jacobianExamples: 2, singularValues: jsSingularValues });
  const cond = predictConditioned(
    { widths, activation: 'softsign', weights: mlp.layers.map((l) => l.W), biases: mlp.layers.map((l) => l.b) },
    { x, examples: rows, labels: y },
  ).layers;
  const top = mlp.gradients(x, y, rows).backpropGrad[2]!;
  const topGradMoment = Array.from({ length: rows }, (_, r) => top.subarray(r * 6, (r + 1) * 6).reduce((s, v) => s + (rows * v) ** 2, 0) / 6);
  const inputSecondMoments = Array.from({ length: rows }, (_, r) => x.subarray(r * 30, (r + 1) * 30).reduce((s, v) => s + v * v, 0) / 30);
  const laws = mlp.layers.map((l) => ({ weightVariance: l.initScale.std ** 2, distribution: l.initScale.distribution }));
  const pop = predictMeanField({ widths, activation: 'softsign', layers: laws }, { inputSecondMoments, topGradMoment, jacobianExamples: 2 }).layers;
  for (let k = 1; k <= 3; k++) {
    if (k < 3) {
      assert.equal(scalar(res, k, 'meanfield.activation.var'), cond[k - 1]!.activationVariance);
      assert.equal(scalar(res, k, 'meanfield.population.activation.var'), pop[k - 1]!.activationVariance);
      assert.equal(scalar(res, k, 'meanfield.population.jacobian.sv_mean'), pop[k - 1]!.jacobian!.meanSingularValue);
    }
    assert.equal(scalar(res, k, 'meanfield.backprop_grad.var'), cond[k - 1]!.backpropGradVariance);
    assert.equal(scalar(res, k, 'meanfield.weight_grad.var'), cond[k - 1]!.weightGradVariance);
    // the measured top gradient passes through float32: equal to float32 rounding
    const rel = (a: number, b: number): number => Math.abs(a / b - 1);
    assert.ok(rel(scalar(res, k, 'meanfield.population.backprop_grad.var'), pop[k - 1]!.backpropGradVariance) < 1e-6, `population Var[∂C/∂s] layer ${k}`);
    assert.ok(rel(scalar(res, k, 'meanfield.population.weight_grad.var'), pop[k - 1]!.weightGradVariance) < 1e-6, `population Var[∂C/∂W] layer ${k}`);
  }
  assert.ok(!res.scalars.some((s) => s.layer === 3 && s.name === 'meanfield.activation.var'), 'no activation variance for the softmax layer');
  const without = probeNetwork(mlp, x, y, rows, {});
  assert.ok(!without.scalars.some((s) => s.name.startsWith('meanfield.')), 'stored only with the theory (update 0)');
});

test('issue 13’s target on a probed network: softsign normalized, 128-300-300-300-10, 200 pixel-like inputs sharing a mean image — meanfield.activation.var within ±5% and meanfield.backprop_grad.var within ±10% of the probe’s measurement in every layer (measured ≤ 0.4% and ≤ 0.5%; the population prediction 3%), where the linear theory is more than 2× off (measured up to 9×)', () => {
  const widths = [128, 300, 300, 300, 10];
  const rows = 200;
  const { x, y } = images(rows, widths[0]!, 10, 4, 1.2);
  const mlp = new Mlp(be, { widths, activation: 'softsign', init: { name: 'normalized' }, seed: 2 });
  const res = probeNetwork(mlp, x, y, rows, { theory: true });
  let linearWorst = 1;
  for (let k = 1; k <= 4; k++) {
    if (k < 4) {
      const measured = scalar(res, k, 'activation.std') ** 2;
      const e = scalar(res, k, 'meanfield.activation.var') / measured - 1;
      assert.ok(Math.abs(e) <= 0.05, `layer ${k} Var[z]: ${(100 * e).toFixed(2)}%`);
      const linear = scalar(res, k, 'theory.activation.var') / measured;
      linearWorst = Math.max(linearWorst, linear, 1 / linear);
    }
    const measured = scalar(res, k, 'backprop_grad.std') ** 2;
    const e = scalar(res, k, 'meanfield.backprop_grad.var') / measured - 1;
    assert.ok(Math.abs(e) <= 0.1, `layer ${k} Var[∂C/∂s]: ${(100 * e).toFixed(2)}%`);
  }
  assert.ok(linearWorst > 2, `the linear theory is at worst ×${linearWorst.toFixed(2)} off`);
});

test('where the theory cannot take the network the probe stores no meanfield.* and still probes: a layer of zero weights, a non-finite input', () => {
  const widths = [12, 10, 10, 4];
  const { x, y } = images(8, 12, 4, 5);
  const zero = new Mlp(be, { widths, activation: 'tanh', init: { name: 'standard' }, seed: 1 });
  zero.layers[1]!.W.fill(0);
  const a = probeNetwork(zero, x, y, 8, { theory: true });
  assert.ok(!a.scalars.some((s) => s.name.startsWith('meanfield.')), 'zero weights: none');
  assert.ok(a.scalars.some((s) => s.name === 'theory.activation.var'), 'the linear theory is still stored');
  const nan = x.slice();
  nan[5] = NaN;
  const ok = new Mlp(be, { widths, activation: 'tanh', init: { name: 'standard' }, seed: 1 });
  const b = probeNetwork(ok, nan, y, 8, { theory: true });
  assert.ok(!b.scalars.some((s) => s.name.startsWith('meanfield.')), 'NaN input: none');
  assert.ok(b.scalars.some((s) => s.name === 'activation.std'), 'the measurement is still stored');
});
