import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivationName } from '../../../src/core/activations.ts';
import { createBackend } from '../../../src/kernels/index.ts';
import { Mlp } from '../../../src/nn/mlp.ts';
import type { InitSpec } from '../../../src/nn/init.ts';
import { probeNetwork } from '../../../src/probes/probe.ts';
import { predictVariances } from '../../../src/probes/theory.ts';
import { meanFieldBackward, meanFieldForward, predictMeanField } from '../../../src/theory/meanField.ts';
import { expandNetwork, type WeightDistribution } from '../../../src/theory/network.ts';
import { activationMoments } from '../../../src/theory/gaussian.ts';
import { assertRel, normals } from './helpers.ts';

// the fastest backend built (native, else wasm): the comparison has tolerances, not bit-exact values
const be = await createBackend();

interface Config {
  readonly activation: ActivationName;
  readonly init: InitSpec;
  readonly widths: readonly number[];
  readonly biasVariance: number;
}

/**
 * Monte Carlo on random networks: `seeds` networks of one configuration (weights from the real
 * init, biases drawn N(0, σ_b²)), probed on R = 200 fixed inputs; returns per probe layer the
 * mean and standard error over seeds of ln(measured/predicted) for each statistic.
 */
function monteCarloNetworks(c: Config, seeds: number): Map<string, { mean: number; se: number }> {
  const R = 200;
  const n0 = c.widths[0]!;
  const draw = normals(99);
  // non-centred inputs whose ‖x‖² differs by example (scale 0.5 … 2, offset 0.3)
  const x = new Float32Array(R * n0);
  const y = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    const a = 0.5 + (1.5 * r) / R;
    for (let j = 0; j < n0; j++) x[r * n0 + j] = a * draw() + 0.3;
    y[r] = r % c.widths[c.widths.length - 1]!;
  }
  const m = Array.from({ length: R }, (_, r) => x.subarray(r * n0, (r + 1) * n0).reduce((s, v) => s + v * v, 0) / n0);
  let fwd: ReturnType<typeof meanFieldForward> | null = null;
  const logs = new Map<string, number[]>();
  const push = (key: string, measured: number, predicted: number): void => {
    if (!logs.has(key)) logs.set(key, []);
    logs.get(key)!.push(Math.log(measured / predicted));
  };
  for (let seed = 1; seed <= seeds; seed++) {
    const mlp = new Mlp(be, { widths: c.widths, activation: c.activation, init: c.init, seed });
    const bias = normals(1000 + seed);
    for (const l of mlp.layers) for (let j = 0; j < l.b.length; j++) l.b[j] = Math.sqrt(c.biasVariance) * bias();
    const L = mlp.depth;
    const top = mlp.gradients(x, y, R).backpropGrad[L - 1]!;
    const nL = c.widths[L]!;
    const topGradMoment = Array.from({ length: R }, (_, r) => top.subarray(r * nL, (r + 1) * nL).reduce((s, v) => s + (R * v) ** 2, 0) / nL);
    const res = probeNetwork(mlp, x, y, R);
    const scalar = (k: number, name: string): number => res.scalars.find((s) => s.layer === k && s.name === name)!.value;
    fwd ??= meanFieldForward(
      {
        widths: c.widths,
        activation: c.activation,
        layers: mlp.layers.map((l) => ({ weightVariance: l.initScale.std ** 2, distribution: l.initScale.distribution as WeightDistribution, biasVariance: c.biasVariance })),
      },
      m,
    );
    const p = meanFieldBackward(fwd, topGradMoment, 0);
    for (let k = 1; k <= L; k++) {
      const layer = p.layers[k - 1]!;
      if (k < L) {
        push(`activation var, layer ${k}`, scalar(k, 'activation.std') ** 2, layer.activationVariance!);
        if (Math.abs(layer.activationMean!) > 0.01) push(`activation mean, layer ${k}`, scalar(k, 'activation.mean'), layer.activationMean!);
      }
      if (k < L) push(`backprop var, layer ${k}`, scalar(k, 'backprop_grad.std') ** 2, layer.backpropGradVariance);
      push(`weight-grad var, layer ${k}`, scalar(k, 'weight_grad.per_example_var'), layer.weightGradVariance);
    }
  }
  const out = new Map<string, { mean: number; se: number }>();
  for (const [key, v] of logs) {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
    out.set(key, { mean, se: sd / Math.sqrt(v.length) });
  }
  return out;
}

const CONFIGS: readonly Config[] = [
  { activation: 'relu', init: { name: 'he_normal' }, widths: [300, 400, 250, 400, 10], biasVariance: 0.05 },
  { activation: 'tanh', init: { name: 'orthogonal' }, widths: [200, 200, 200, 200, 10], biasVariance: 0 },
  { activation: 'sigmoid', init: { name: 'glorot_normal' }, widths: [300, 200, 400, 300, 10], biasVariance: 0.1 },
  { activation: 'selu', init: { name: 'lecun_normal' }, widths: [300, 300, 300, 300, 10], biasVariance: 0 },
  { activation: 'softsign', init: { name: 'normalized', gain: 2 }, widths: [300, 500, 200, 300, 10], biasVariance: 0.02 },
];

for (const c of CONFIGS) {
  test(`Monte Carlo, ${c.activation} ${c.init.name}${c.init.gain ? ` gain ${c.init.gain}` : ''}, widths ${c.widths.join('-')}, σ_b² = ${c.biasVariance}: the mean over 6 random networks of ln(measured/mean-field) is within 4 standard errors + 1% of 0 for the activation mean and variance, ∂C/∂s and per-example ∂C/∂W variances of every layer`, () => {
    const got = monteCarloNetworks(c, 6);
    for (const [key, { mean, se }] of got) {
      assert.ok(Math.abs(mean) <= 4 * se + 0.01, `${key}: ln(measured/predicted) = ${mean.toFixed(4)} ± ${se.toFixed(4)} over 6 networks`);
    }
    assert.ok(got.size >= 8, `compared ${got.size} statistics`);
  });
}

test('the recursion runs per example: with inputs of unequal ‖x‖², averaging E[f²] over examples differs from E[f²] at the average q (tanh saturates), and the prediction is the former', () => {
  const net = { widths: [10, 10, 10, 3], activation: 'tanh' as const, layers: { weightVariance: 0.2 } };
  const m = [0.1, 10];
  const p = predictMeanField(net, { inputSecondMoments: m, topGradMoment: 1, jacobianExamples: 0 });
  const perExample = (activationMoments('tanh', 2 * 0.1).f2 + activationMoments('tanh', 2 * 10).f2) / 2;
  assertRel(p.layers[0]!.activationVariance!, perExample, 1e-12, 'layer 1 variance');
  const atMean = activationMoments('tanh', 2 * 5.05).f2;
  assert.ok(Math.abs(perExample / atMean - 1) > 0.1, 'the two differ by more than 10% here');
});

test('linear activation: the mean-field prediction reduces to eqs. (5)–(7) (src/probes/theory.ts) with unequal widths and fan-out factors', () => {
  const widths = [40, 70, 25, 90, 7];
  const weightVariance = [0.01, 0.03, 0.05, 0.002];
  const p = predictMeanField(
    { widths, activation: 'linear', layers: weightVariance.map((v) => ({ weightVariance: v })) },
    { inputSecondMoments: [0.7, 1.3], topGradMoment: 0.4, jacobianExamples: 0 },
  );
  const lin = predictVariances(widths, weightVariance, 1, 0.4);
  for (let i = 0; i < 4; i++) {
    if (i < 3) assertRel(p.layers[i]!.activationVariance!, lin.activation[i + 1]!, 1e-12, `Var[z^${i + 1}]`);
    assertRel(p.layers[i]!.backpropGradVariance, lin.backpropGrad[i]!, 1e-12, `Var[∂C/∂s^${i}]`);
    assertRel(p.layers[i]!.weightGradVariance, lin.weightGrad[i]!, 1e-12, `Var[∂C/∂W^${i}]`);
  }
});

test('bad input: depth 0, σ_w² ≤ 0, an uncovered activation, lists of the wrong length — each names the field, what was expected and what was found', () => {
  const ok = { widths: [4, 3, 2], activation: 'tanh' as const, layers: { weightVariance: 0.1 } };
  assert.throws(() => expandNetwork({ ...ok, widths: [4] }), /widths: expected \[n_0 … n_L\] with at least 2 entries \(depth ≥ 1\), found 1 entry \(depth 0\)/);
  assert.throws(() => expandNetwork({ ...ok, widths: [4, 0, 2] }), /widths\[1\]: expected a positive integer, found 0/);
  assert.throws(() => expandNetwork({ ...ok, layers: { weightVariance: 0 } }), /layers.weightVariance: expected a finite number > 0, found 0/);
  assert.throws(() => expandNetwork({ ...ok, layers: [{ weightVariance: 0.1 }, { weightVariance: -2 }] }), /layers\[1\].weightVariance: expected a finite number > 0, found -2/);
  assert.throws(() => expandNetwork({ ...ok, layers: { weightVariance: 0.1, biasVariance: -1 } }), /layers.biasVariance: expected a finite number ≥ 0, found -1/);
  assert.throws(() => expandNetwork({ ...ok, activation: 'gelu' as never }), /activation: the mean-field theory covers .*; found "gelu"/);
  assert.throws(() => expandNetwork({ ...ok, widths: [4, 3, 3, 2], activation: ['tanh', 'softmax' as never] }), /activation\[1\]: .*found "softmax"/);
  assert.throws(() => expandNetwork({ ...ok, activation: ['tanh', 'tanh'] }), /activation: expected one name or 1 \(one per hidden layer\), found a list of 2/);
  assert.throws(() => predictMeanField(ok, { inputSecondMoments: [], topGradMoment: 1 }), /inputSecondMoments: expected one ‖x‖²\/n_0 per example \(at least one\), found an empty list/);
  assert.throws(() => predictMeanField(ok, { inputSecondMoments: [1, -1], topGradMoment: 1 }), /inputSecondMoments\[1\]: expected a finite variance ≥ 0, found -1/);
  assert.throws(() => predictMeanField(ok, { inputSecondMoments: [1, 1], topGradMoment: [1] }), /topGradMoment: expected a number or one entry per example \(2\), found 1 entries/);
});
