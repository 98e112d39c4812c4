import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ActivationName, activationOf } from '../../../src/core/activations.ts';
import { createBackend } from '../../../src/kernels/index.ts';
import { Mlp } from '../../../src/nn/mlp.ts';
import type { InitSpec } from '../../../src/nn/init.ts';
import { probeNetwork } from '../../../src/probes/probe.ts';
import { predictConditioned, type RealizedNetwork } from '../../../src/theory/conditioned.ts';
import { softmaxNllGradientMoments } from '../../../src/theory/softmaxTop.ts';
import { predictMeanField } from '../../../src/theory/meanField.ts';
import type { WeightDistribution } from '../../../src/theory/network.ts';
import { assertRel, monteCarlo, normals } from './helpers.ts';

/** The statistics a float64 forward and backward pass of the network gives, pooled as the probe pools them. */
function exactPass(net: RealizedNetwork & { activation: ActivationName }, x: Float64Array, R: number, topGrad: Float64Array) {
  const { widths, weights } = net;
  const L = widths.length - 1;
  const { f, df } = activationOf(net.activation);
  const inputs: Float64Array[] = [x]; // z^0 = x, z^{i+1} = f(s^i)
  const pre: Float64Array[] = [];
  for (let i = 0; i < L; i++) {
    const [nIn, nOut] = [widths[i]!, widths[i + 1]!];
    const [z, W, b] = [inputs[i]!, weights[i]!, net.biases?.[i]];
    const s = new Float64Array(R * nOut);
    for (let r = 0; r < R; r++) {
      if (b) for (let j = 0; j < nOut; j++) s[r * nOut + j] = b[j]!;
      for (let a = 0; a < nIn; a++) {
        const za = z[r * nIn + a]!;
        for (let j = 0; j < nOut; j++) s[r * nOut + j] += za * W[a * nOut + j]!;
      }
    }
    pre.push(s);
    if (i < L - 1) inputs.push(s.map(f));
  }
  // backward: δ^{L−1} = topGrad, δ^i = (W^{i+1} δ^{i+1}) ⊙ f′(s^i)
  const delta: Float64Array[] = new Array(L);
  delta[L - 1] = topGrad;
  for (let i = L - 2; i >= 0; i--) {
    const [n, nNext] = [widths[i + 1]!, widths[i + 2]!];
    const d = new Float64Array(R * n);
    for (let r = 0; r < R; r++) {
      for (let b = 0; b < n; b++) {
        let h = 0;
        for (let k = 0; k < nNext; k++) h += weights[i + 1]![b * nNext + k]! * delta[i + 1]![r * nNext + k]!;
        d[r * n + b] = h * df(pre[i]![r * n + b]!);
      }
    }
    delta[i] = d;
  }
  const meanOf = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
  const msOf = (a: Float64Array): number => a.reduce((s, v) => s + v * v, 0) / a.length;
  return Array.from({ length: L }, (_, i) => {
    let wg = 0;
    for (let r = 0; r < R; r++) {
      const zr = inputs[i]!.subarray(r * widths[i]!, (r + 1) * widths[i]!);
      const dr = delta[i]!.subarray(r * widths[i + 1]!, (r + 1) * widths[i + 1]!);
      wg += msOf(zr) * msOf(dr);
    }
    return {
      preactivationVariance: msOf(pre[i]!),
      activationMean: i < L - 1 ? meanOf(inputs[i + 1]!) : null,
      activationVariance: i < L - 1 ? msOf(inputs[i + 1]!) - meanOf(inputs[i + 1]!) ** 2 : null,
      backpropGradMean: meanOf(delta[i]!),
      backpropGradVariance: msOf(delta[i]!) - meanOf(delta[i]!) ** 2,
      weightGradVariance: wg / R,
      logits: pre[L - 1]!,
    };
  });
}

function randomArray(n: number, scale: number, draw: () => number, offset = 0): Float64Array {
  return Float64Array.from({ length: n }, () => offset + scale * draw());
}

test('identical examples: the fluctuation is zero, so the conditioned prediction is the network itself — every statistic of every layer equals a float64 forward and backward pass (1e−9), for tanh, softsign and sigmoid with biases, from a given per-example top gradient and from labels (softmax + NLL)', () => {
  const draw = normals(7);
  const widths = [20, 30, 25, 4];
  const R = 3;
  const row = randomArray(20, 1, draw, 0.5);
  const x = Float64Array.from({ length: R * 20 }, (_, t) => row[t % 20]!);
  for (const activation of ['tanh', 'softsign', 'sigmoid'] as const) {
    const net = {
      widths,
      activation,
      weights: widths.slice(0, -1).map((n, i) => randomArray(n * widths[i + 1]!, Math.sqrt(1.5 / n), draw)),
      biases: widths.slice(1).map((n) => randomArray(n, 0.3, draw)),
    };
    // a given top gradient (one per example), and the one of softmax + NLL predicted from the labels (exact: the logits do not fluctuate)
    const topGrad = randomArray(R * 4, 0.4, draw);
    const labels = [2, 0, 3];
    const logits = exactPass(net, x, R, topGrad)[widths.length - 2]!.logits;
    const nllGrad = Float64Array.from({ length: R * 4 }, (_, t) => {
      const row = logits.subarray(t - (t % 4), t - (t % 4) + 4);
      const z = row.reduce((s, v) => s + Math.exp(v), 0);
      return Math.exp(row[t % 4]!) / z - (labels[Math.floor(t / 4)] === t % 4 ? 1 : 0);
    });
    for (const [how, given, top] of [['given top gradient', { topGrad }, topGrad], ['labels', { labels }, nllGrad]] as const) {
      const got = predictConditioned(net, { x, examples: R, ...given }).layers;
      const want = exactPass(net, x, R, top);
      for (let i = 0; i < widths.length - 1; i++) {
        for (const key of Object.keys(got[i]!) as (keyof (typeof got)[number])[]) {
          const [g, w] = [got[i]![key], want[i]![key]];
          if (w === null) assert.equal(g, null, `${activation} ${how} layer ${i} ${key}`);
          else assert.ok(Math.abs(g! - w) <= 1e-9 * Math.abs(w) + 1e-15, `${activation} ${how} layer ${i} ${key}: ${g} vs ${w}`);
        }
      }
    }
  }
});

test('linear activation, distinct examples: f′ = 1, so the back-propagated gradient is carried entirely through the drawn weights — Var[∂C/∂s] of every layer, the activation means and layer 0’s weight-gradient variance equal a float64 pass (1e−10)', () => {
  const draw = normals(8);
  const widths = [15, 40, 30, 35, 6];
  const R = 12;
  const x = randomArray(R * 15, 1, draw, 0.8);
  const net = {
    widths,
    activation: 'linear' as const,
    weights: widths.slice(0, -1).map((n, i) => randomArray(n * widths[i + 1]!, Math.sqrt(1 / n), draw)),
    biases: widths.slice(1).map((n) => randomArray(n, 0.2, draw)),
  };
  const topGrad = randomArray(R * 6, 1, draw);
  const got = predictConditioned(net, { x, examples: R, topGrad }).layers;
  const want = exactPass(net, x, R, topGrad);
  for (let i = 0; i < 4; i++) {
    assertRel(got[i]!.backpropGradVariance, want[i]!.backpropGradVariance, 1e-10, `Var[∂C/∂s^${i}]`);
    if (i < 3) assert.ok(Math.abs(got[i]!.activationMean! - want[i]!.activationMean!) <= 1e-10 * Math.sqrt(want[i]!.preactivationVariance), `mean of z^${i + 1}`);
  }
  assertRel(got[0]!.weightGradVariance, want[0]!.weightGradVariance, 1e-10, 'Var[∂C/∂W^0]');
});

test('Monte Carlo, one hidden layer (Gaussian conditioning is exact there): resampling W⁰ from its law given the drawn c = z̄ᵀW⁰ (W⁰ = z̄cᵀ/‖z̄‖² + P⊥W̃, W̃ fresh Gaussian), the mean over 200 networks of the pooled E[z], E[z²], E[s²], E[∂C/∂s], E[(∂C/∂s)²] and per-example Var[∂C/∂W] of layer 1 is the prediction within 4 standard errors — tanh, softsign with biases, relu with biases, sigmoid; non-centred inputs sharing a mean image', () => {
  const [n0, n1, n2, R] = [40, 120, 5, 30];
  for (const [activation, sigmaW2, sigmaB] of [['tanh', 2, 0], ['softsign', 3, 0.3], ['relu', 2, 0.2], ['sigmoid', 4, 0.5]] as const) {
    const draw = normals(11);
    const mean = randomArray(n0, 0.5, draw, 1); // the shared "mean image" dominates E[x²]
    const x = Float64Array.from({ length: R * n0 }, (_, t) => mean[t % n0]! * (0.7 + 0.6 * ((Math.floor(t / n0) * 7) % R) / R) + 0.4 * draw());
    const W0 = randomArray(n0 * n1, Math.sqrt(sigmaW2 / n0), draw);
    const W1 = randomArray(n1 * n2, Math.sqrt(1 / n1), draw);
    const biases = [randomArray(n1, sigmaB, draw), randomArray(n2, sigmaB, draw)];
    const topGrad = randomArray(R * n2, 0.3, draw);
    const net = { widths: [n0, n1, n2], activation, weights: [W0, W1], biases };
    const p = predictConditioned(net, { x, examples: R, topGrad }).layers[0]!;
    // the conditional law: c = z̄ᵀW⁰ fixed, the fresh part W̃ ~ N(0, v) with v the drawn weights' mean square (what the prediction uses)
    const zbar = new Float64Array(n0);
    for (let t = 0; t < R * n0; t++) zbar[t % n0] += x[t]! / R;
    const Z = zbar.reduce((s, v) => s + v * v, 0);
    const c = new Float64Array(n1);
    for (let a = 0; a < n0; a++) for (let j = 0; j < n1; j++) c[j] += zbar[a]! * W0[a * n1 + j]!;
    const v = W0.reduce((s, w) => s + w * w, 0) / W0.length;
    const fresh = normals(12);
    const stats: number[][] = [];
    const [W, proj, sd] = [new Float64Array(n0 * n1), new Float64Array(n1), Math.sqrt(v)];
    for (let k = 0; k < 200; k++) {
      for (let t = 0; t < n0 * n1; t++) W[t] = sd * fresh(); // W̃
      proj.fill(0); // z̄ᵀW̃
      for (let a = 0; a < n0; a++) for (let j = 0; j < n1; j++) proj[j] += zbar[a]! * W[a * n1 + j]!;
      for (let a = 0; a < n0; a++) for (let j = 0; j < n1; j++) W[a * n1 + j] += (zbar[a]! * (c[j]! - proj[j]!)) / Z;
      const layers = exactPass({ ...net, weights: [W, W1] }, x, R, topGrad);
      const l = layers[0]!;
      stats.push([
        l.activationMean!,
        l.activationVariance! + l.activationMean! ** 2,
        l.preactivationVariance,
        l.backpropGradMean,
        l.backpropGradVariance + l.backpropGradMean ** 2,
        l.weightGradVariance,
      ]);
    }
    const predicted = [
      p.activationMean!,
      p.activationVariance! + p.activationMean! ** 2,
      p.preactivationVariance,
      p.backpropGradMean,
      p.backpropGradVariance + p.backpropGradMean ** 2,
      p.weightGradVariance,
    ];
    const names = ['E[z]', 'E[z²]', 'E[s²]', 'E[∂C/∂s]', 'E[(∂C/∂s)²]', 'Var[∂C/∂W]'];
    predicted.forEach((want, m) => {
      let t = 0;
      const mc = monteCarlo(stats.length, () => stats[t++]![m]!);
      assert.ok(Math.abs(mc.mean - want) <= 4 * mc.se + 1e-12, `${activation} ${names[m]}: Monte Carlo ${mc.mean} ± ${mc.se}, predicted ${want} (${((mc.mean - want) / mc.se).toFixed(2)} s.e.)`);
    });
  }
});

interface Config {
  readonly activation: ActivationName;
  readonly init: InitSpec;
  readonly widths: readonly number[];
  readonly biasVariance: number;
}

const CONFIGS: readonly Config[] = [
  { activation: 'tanh', init: { name: 'standard' }, widths: [256, 300, 300, 300, 300, 10], biasVariance: 0 },
  { activation: 'softsign', init: { name: 'normalized', gain: 2 }, widths: [256, 400, 200, 300, 10], biasVariance: 0.02 },
  { activation: 'relu', init: { name: 'he_normal' }, widths: [256, 300, 250, 400, 10], biasVariance: 0.05 },
  { activation: 'sigmoid', init: { name: 'glorot_normal' }, widths: [256, 300, 200, 300, 10], biasVariance: 0.1 },
  { activation: 'selu', init: { name: 'lecun_normal' }, widths: [256, 300, 300, 300, 10], biasVariance: 0 },
];

const be = await createBackend();

/** ln(measured/predicted) of the conditioned and the population prediction, per network × layer × statistic. */
function compareOnRandomNetworks(c: Config, seeds: number): { key: string; conditioned: number; population: number }[] {
  const [R, n0] = [200, c.widths[0]!];
  const draw = normals(21);
  const image = Float32Array.from({ length: n0 }, (_, a) => 0.5 + 0.3 * Math.sin(a / 7));
  const x = new Float32Array(R * n0);
  const y = new Int32Array(R);
  for (let r = 0; r < R; r++) {
    const ink = 0.6 + (0.8 * r) / R;
    for (let a = 0; a < n0; a++) x[r * n0 + a] = ink * image[a]! + 0.25 * draw();
    y[r] = r % c.widths[c.widths.length - 1]!;
  }
  const m = Array.from({ length: R }, (_, r) => x.subarray(r * n0, (r + 1) * n0).reduce((s, v) => s + v * v, 0) / n0);
  const out: { key: string; conditioned: number; population: number }[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const mlp = new Mlp(be, { widths: c.widths, activation: c.activation, init: c.init, seed });
    const bias = normals(1000 + seed);
    for (const l of mlp.layers) for (let j = 0; j < l.b.length; j++) l.b[j] = Math.sqrt(c.biasVariance) * bias();
    const L = mlp.depth;
    const nL = c.widths[L]!;
    const topGrad = Float64Array.from(mlp.gradients(x, y, R).backpropGrad[L - 1]!, (v) => R * v); // the population prediction's input
    const topGradMoment = Array.from({ length: R }, (_, r) => topGrad.subarray(r * nL, (r + 1) * nL).reduce((s, v) => s + v * v, 0) / nL);
    const res = probeNetwork(mlp, x, y, R);
    const scalar = (k: number, name: string): number => res.scalars.find((s) => s.layer === k && s.name === name)!.value;
    const laws = mlp.layers.map((l) => ({ weightVariance: l.initScale.std ** 2, distribution: l.initScale.distribution as WeightDistribution, biasVariance: c.biasVariance }));
    const pop = predictMeanField({ widths: c.widths, activation: c.activation, layers: laws }, { inputSecondMoments: m, topGradMoment, jacobianExamples: 0 }).layers;
    const cond = predictConditioned(
      { widths: c.widths, activation: c.activation, weights: mlp.layers.map((l) => l.W), biases: mlp.layers.map((l) => l.b) },
      { x, examples: R, labels: y },
    ).layers;
    for (let k = 1; k <= L; k++) {
      const push = (what: string, measured: number, conditioned: number, population: number): void => {
        out.push({ key: `seed ${seed} layer ${k} ${what}`, conditioned: Math.log(measured / conditioned), population: Math.log(measured / population) });
      };
      if (k < L) push('Var[z]', scalar(k, 'activation.std') ** 2, cond[k - 1]!.activationVariance!, pop[k - 1]!.activationVariance!);
      if (k < L) push('Var[∂C/∂s]', scalar(k, 'backprop_grad.std') ** 2, cond[k - 1]!.backpropGradVariance, pop[k - 1]!.backpropGradVariance);
      push('Var[∂C/∂W]', scalar(k, 'weight_grad.per_example_var'), cond[k - 1]!.weightGradVariance, pop[k - 1]!.weightGradVariance);
    }
  }
  return out;
}

for (const c of CONFIGS) {
  test(`random networks, ${c.activation} ${c.init.name}${c.init.gain ? ` gain ${c.init.gain}` : ''}, widths ${c.widths.join('-')}, σ_b² = ${c.biasVariance}, inputs sharing a mean image (as Shapeset’s): in each of 2 networks the conditioned prediction (from weights, inputs and labels) of Var[z], Var[∂C/∂s] and per-example Var[∂C/∂W] is within ±5% of the measurement in every layer (measured: ≤ 2.9%), and its root-mean-square error is at most a quarter of the population prediction’s (measured: 1/5 to 1/180; the worst, softsign gain 2, has logits of mean square ≈ 1 whose 10 units do not average the fresh part — the top gradient predicted from the labels is there 1–3% off, the measured one ≤ 0.5%)`, () => {
    const rows = compareOnRandomNetworks(c, 2);
    const rms = (k: 'conditioned' | 'population'): number => Math.sqrt(rows.reduce((s, r) => s + r[k] ** 2, 0) / rows.length);
    for (const r of rows) assert.ok(Math.abs(r.conditioned) <= Math.log(1.05), `${r.key}: ln(measured/conditioned) = ${r.conditioned.toFixed(4)} (population ${r.population.toFixed(4)})`);
    assert.ok(rms('conditioned') <= rms('population') / 4, `root-mean-square ln error: conditioned ${rms('conditioned').toFixed(4)}, population ${rms('population').toFixed(4)}`);
  });
}

test('softmax + NLL top gradient from the law of the logits: the σ² corrections to E[δ] and E[δ²] of δ = softmax(μ + σε) − onehot(y) against 100,000 antithetic Monte Carlo pairs (the correction is 130–140 standard errors), within 4 s.e. + 0.03 σ⁴ (the next term, measured ≈ 0.017 σ⁴) for σ = 0.05 … 0.3 and 9 classes; exact at σ = 0', () => {
  const n = 9;
  const draw = normals(31);
  const mu = randomArray(n, 0.8, draw);
  const delta = (s: Float64Array): Float64Array => {
    const z = s.reduce((a, v) => a + Math.exp(v), 0);
    return s.map((v, k) => Math.exp(v) / z - (k === 4 ? 1 : 0));
  };
  const at0 = delta(mu);
  const [mean, square] = [new Float64Array(n), new Float64Array(n)];
  softmaxNllGradientMoments(mu, 0, 4, n, mean, square);
  for (let k = 0; k < n; k++) assert.ok(Math.abs(mean[k]! - at0[k]!) < 1e-15 && Math.abs(square[k]! - at0[k]! ** 2) < 1e-15, `σ = 0, class ${k}`);
  const [eps, plus, minus] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  /** δ of softmax(mu + sign·eps) − onehot(4), written to `out` (no allocation per draw). */
  const deltaInto = (sign: number, out: Float64Array): void => {
    let z = 0;
    for (let k = 0; k < n; k++) z += out[k] = Math.exp(mu[k]! + sign * eps[k]!);
    for (let k = 0; k < n; k++) out[k] = out[k]! / z - (k === 4 ? 1 : 0);
  };
  for (const sigma of [0.05, 0.1, 0.2, 0.3]) {
    softmaxNllGradientMoments(mu, sigma, 4, n, mean, square);
    const e = normals(77);
    // streamed sums of each antithetic pair's correction, E[δ] − δ(μ) (m < n) and E[δ²] − δ(μ)² (m ≥ n)
    const [sum, sum2] = [new Float64Array(2 * n), new Float64Array(2 * n)];
    const pairs = 100_000;
    for (let t = 0; t < pairs; t++) {
      for (let k = 0; k < n; k++) eps[k] = sigma * e();
      deltaInto(1, plus);
      deltaInto(-1, minus);
      for (let m = 0; m < 2 * n; m++) {
        const k = m % n;
        const v = m < n ? (plus[k]! + minus[k]!) / 2 - at0[k]! : (plus[k]! ** 2 + minus[k]! ** 2) / 2 - at0[k]! ** 2;
        sum[m] += v;
        sum2[m] += v * v;
      }
    }
    for (let m = 0; m < 2 * n; m++) {
      const mc = sum[m]! / pairs;
      const se = Math.sqrt(Math.max(0, sum2[m]! / pairs - mc * mc) / (pairs - 1));
      const want = m < n ? mean[m]! - at0[m]! : square[m - n]! - at0[m - n]! ** 2;
      assert.ok(Math.abs(mc - want) <= 4 * se + 0.03 * sigma ** 4, `σ = ${sigma} ${m < n ? 'E[δ]' : 'E[δ²]'} class ${m % n}: Monte Carlo correction ${mc} ± ${se}, expansion ${want}`);
    }
  }
});

test('bad input names the field, what was expected and what was found: weights of the wrong count or length, all zero or NaN; biases of the wrong length; examples, x, topGrad and labels (exactly one of the two, classes in range); widths and activations as the population prediction checks them', () => {
  const ok = { widths: [3, 4, 2], activation: 'tanh' as const, weights: [new Float64Array(12).fill(0.1), new Float64Array(8).fill(0.2)] };
  const inputs = { x: new Float64Array(6).fill(0.5), examples: 2, topGrad: new Float64Array(4).fill(0.1) };
  assert.ok(predictConditioned(ok, inputs).layers.length === 2);
  assert.throws(() => predictConditioned({ ...ok, weights: [ok.weights[0]!] }, inputs), /weights: expected 2 matrices \(one per weight layer\), found 1/);
  assert.throws(() => predictConditioned({ ...ok, weights: [ok.weights[0]!, new Float64Array(7)] }, inputs), /weights\[1\]: expected 4×2 = 8 values, found 7/);
  assert.throws(() => predictConditioned({ ...ok, weights: [new Float64Array(12), ok.weights[1]!] }, inputs), /weights\[0\]: expected weights not all zero, found all zero/);
  assert.throws(() => predictConditioned({ ...ok, weights: [ok.weights[0]!, Float64Array.of(1, 1, 1, NaN, 1, 1, 1, 1)] }, inputs), /weights\[1\]: expected finite values, found a NaN or infinite one/);
  assert.throws(() => predictConditioned({ ...ok, biases: [new Float64Array(4), new Float64Array(3)] }, inputs), /biases\[1\]: expected 2 = 2 values, found 3/);
  assert.throws(() => predictConditioned(ok, { ...inputs, examples: 0 }), /examples: expected a positive integer, found 0/);
  assert.throws(() => predictConditioned(ok, { ...inputs, x: new Float64Array(5) }), /x: expected 2×3 = 6 values, found 5/);
  assert.throws(() => predictConditioned(ok, { ...inputs, x: Float64Array.of(0, 0, 0, 0, 0, Infinity) }), /x: expected finite values/);
  assert.throws(() => predictConditioned(ok, { ...inputs, topGrad: new Float64Array(5) }), /topGrad: expected 2×2 = 4 values, found 5/);
  assert.throws(() => predictConditioned(ok, { ...inputs, labels: [0, 1] }), /topGrad, labels: expected exactly one of the two, found both/);
  assert.throws(() => predictConditioned(ok, { x: inputs.x, examples: 2 }), /topGrad, labels: expected exactly one of the two, found neither/);
  assert.throws(() => predictConditioned(ok, { x: inputs.x, examples: 2, labels: [0] }), /labels: expected 2 = 2 values, found 1/);
  assert.throws(() => predictConditioned(ok, { x: inputs.x, examples: 2, labels: [0, 2] }), /labels\[1\]: expected a class in \[0, 2\), found 2/);
  assert.throws(() => predictConditioned({ ...ok, activation: 'softmax' as never }, inputs), /activation: the mean-field theory covers .*; found "softmax"/);
  assert.throws(() => predictConditioned({ ...ok, widths: [3, 0, 2] }, inputs), /widths\[1\]: expected a positive integer, found 0/);
});
