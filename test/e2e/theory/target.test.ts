/**
 * Issue 13's target on the paper's network itself, and over many networks. Not a unit test: it
 * builds and probes 28 networks (≈ 30 s of CPU); the fast version, one network at width 250, is
 * test/unit/theory/target.test.ts. The measurement is the real `Mlp` forward and backward pass read
 * through `probeNetwork` on Shapeset's first 300 test images (as a training run's init probe).
 *
 * 1. The paper's network, 1024-1000×5-9, seed 1, tanh and softsign, standard and normalized init:
 *    the finite-width-conditioned prediction (src/theory/conditioned.ts, from the drawn weights,
 *    the inputs and their labels) has Var[z] within ±5% of the measurement and Var[∂C/∂s] within
 *    ±10% in every layer, the softmax layer's ∂C/∂s included (measured: ≤ 1.1% and ≤ 0.4%; the
 *    population prediction is off by up to 8.4% and 5.3% on this network; the linear theory's
 *    Var[z] by up to 54% (tanh standard) to 31× (softsign normalized)). bench/theory.ts prints the table, over 10 networks (bench/results/).
 * 2. Width 250, 6 networks (seeds 1–6) per configuration: the conditioned prediction meets the
 *    target in every layer of every network, and its root-mean-square error over all cells is at
 *    most a quarter of the population prediction's. The population prediction (src/theory/
 *    meanField.ts) is checked as what it is: the expectation over initialisations. One network
 *    deviates from it by its finite width, and on Shapeset (inputs sharing a mean image:
 *    root-mean-square cosine 0.79 between two images) that deviation does not average out over
 *    examples: src/theory/finiteWidth.ts predicts a seed-to-seed sd of ln(Var[z]) growing from
 *    ≈ 4–6% in layer 1 to 9–15% in layer 5 at width 250 (half that at width 1000, where 10 seeds
 *    measured 2–8% against 2–7% predicted). So:
 *    - activation variance: every network and layer within 3.5 predicted sd of the mean-field
 *      value, and the mean over the 6 networks within 3 standard errors (3 sd/√6);
 *    - back-propagated gradient variance: every network and layer within ±25%, and the mean over
 *      the 6 networks within the issue's ±10% in every layer;
 *    - the linear theory (eqs. (5)–(7)) falls outside the 3.5-sd band in every configuration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend } from '../../../src/kernels/index.ts';
import { compareAtInit, prepare, shapesetProbeSet, type ComparisonRow } from '../../../bench/lib/meanField.ts';

// the fastest backend built (native, else wasm): tolerances, not bit-exact values
const be = await createBackend();
const probe = shapesetProbeSet(300);
const SEEDS = [1, 2, 3, 4, 5, 6];
const empiricalOverPredicted: number[] = [];

for (const activation of ['tanh', 'softsign'] as const) {
  for (const init of ['standard', 'normalized'] as const) {
    test(`the paper's network, Shapeset, ${activation} ${init}, 1024-1000×5-9, seed 1: the conditioned prediction is within ±5% (Var[z]) and ±10% (Var[∂C/∂s]) of the measurement in every layer`, () => {
      const c = { activation, init, width: 1000, hidden: 5 };
      const rows = compareAtInit(be, c, 1, probe, prepare(c, probe));
      assert.equal(rows.length, 6, 'five hidden layers and the softmax layer');
      for (const r of rows) {
        if (r.activation) {
          const a = r.activation;
          const e = a.conditioned / a.measured - 1;
          assert.ok(Math.abs(e) <= 0.05, `layer ${r.layer} Var[z]: measured ${a.measured}, conditioned ${a.conditioned} (${(100 * e).toFixed(2)}%)`);
        }
        const g = r.backpropGrad;
        const e = g.conditioned / g.measured - 1;
        assert.ok(Math.abs(e) <= 0.1, `layer ${r.layer} Var[∂C/∂s]: measured ${g.measured}, conditioned ${g.conditioned} (${(100 * e).toFixed(2)}%)`);
      }
    });
  }
}
/** ln(measured/prediction) of every network × layer × statistic: the conditioned and the population prediction. */
const logErrors = { conditioned: [] as number[], population: [] as number[] };

for (const activation of ['tanh', 'softsign'] as const) {
  for (const init of ['standard', 'normalized'] as const) {
    test(`Shapeset, ${activation} ${init}, 1024-250×5-9, 6 networks: the conditioned prediction meets the issue's target in every layer of every network (Var[z] ±5%, Var[∂C/∂s] ±10%); the population one: Var[z] within 3.5 predicted finite-width sd of the mean-field value in every layer of every network; Var[∂C/∂s] within ±25% per network and ±10% on average; the linear theory is not`, () => {
      const c = { activation, init, width: 250, hidden: 5 };
      const prepared = prepare(c, probe);
      const runs: ComparisonRow[][] = SEEDS.map((seed) => compareAtInit(be, c, seed, probe, prepared));
      let linearOutside = false;
      for (const [s, rows] of runs.entries()) {
        for (const r of rows) {
          const g = r.backpropGrad;
          const eg = g.conditioned / g.measured - 1;
          assert.ok(Math.abs(eg) <= 0.1, `seed ${SEEDS[s]} layer ${r.layer} Var[∂C/∂s]: measured ${g.measured}, conditioned ${g.conditioned} (${(100 * eg).toFixed(2)}%)`);
          if (!r.activation) continue; // the softmax layer: its ∂C/∂s is checked, not pooled below (both predictions take it from the labels or the probe)
          const a = r.activation;
          const ea = a.conditioned / a.measured - 1;
          assert.ok(Math.abs(ea) <= 0.05, `seed ${SEEDS[s]} layer ${r.layer} Var[z]: measured ${a.measured}, conditioned ${a.conditioned} (${(100 * ea).toFixed(2)}%)`);
          logErrors.conditioned.push(Math.log(a.measured / a.conditioned), Math.log(g.measured / g.conditioned));
          logErrors.population.push(Math.log(a.measured / a.meanField), Math.log(g.measured / g.meanField));
        }
      }
      for (let k = 0; k < 5; k++) {
        const logSd = prepared.activationLogSd[k]!;
        const act = runs.map((rows) => rows[k]!.activation!);
        for (const [s, a] of act.entries()) {
          const z = Math.log(a.measured / a.meanField) / logSd;
          assert.ok(Math.abs(z) <= 3.5, `seed ${SEEDS[s]} layer ${k + 1}: measured ${a.measured}, mean-field ${a.meanField} (${(z * logSd * 100).toFixed(1)}% = ${z.toFixed(2)} sd)`);
          if (Math.abs(Math.log(a.linear / a.measured)) > 3.5 * logSd) linearOutside = true;
        }
        const dev = act.map((a) => Math.log(a.measured / a.meanField));
        const devMean = dev.reduce((a, b) => a + b, 0) / dev.length;
        assert.ok(Math.abs(devMean) <= (3 * logSd) / Math.sqrt(SEEDS.length), `layer ${k + 1} Var[z]: mean ln(measured/mean-field) over 6 networks = ${devMean.toFixed(3)}, 3 standard errors = ${((3 * logSd) / Math.sqrt(SEEDS.length)).toFixed(3)}`);
        empiricalOverPredicted.push(Math.sqrt(dev.reduce((s, v) => s + v * v, 0) / dev.length) / logSd);
        const grad = runs.map((rows) => rows[k]!.backpropGrad);
        const logs = grad.map((g) => Math.log(g.measured / g.meanField));
        for (const [s, l] of logs.entries()) assert.ok(Math.abs(l) <= Math.log(1.25), `seed ${SEEDS[s]} layer ${k + 1} Var[∂C/∂s]: ln(measured/mean-field) = ${l.toFixed(3)}`);
        const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
        assert.ok(Math.abs(mean) <= Math.log(1.1), `layer ${k + 1} Var[∂C/∂s]: mean ln(measured/mean-field) over 6 networks = ${mean.toFixed(3)}`);
      }
      assert.ok(linearOutside, 'the linear theory lies outside the band somewhere (the check can tell them apart)');
    });
  }
}

test('the predicted finite-width spread is the measured one: root-mean-square ln(measured/mean-field) over the 6 networks / predicted sd, pooled over 20 layer×configuration cells, is within [0.5, 1.5]', () => {
  assert.equal(empiricalOverPredicted.length, 20, 'the four configurations ran first');
  const pooled = Math.sqrt(empiricalOverPredicted.reduce((s, v) => s + v * v, 0) / empiricalOverPredicted.length);
  assert.ok(pooled >= 0.5 && pooled <= 1.5, `pooled ratio ${pooled.toFixed(3)} (per cell: ${empiricalOverPredicted.map((v) => v.toFixed(2)).join(' ')})`);
});

test('the conditioned prediction follows each network where the population one cannot: its root-mean-square ln error over 4 configurations × 6 networks × 5 layers × {Var[z], Var[∂C/∂s]} is at most a quarter of the population prediction’s', () => {
  assert.equal(logErrors.conditioned.length, 240, 'the four configurations ran first');
  const rms = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
  assert.ok(rms(logErrors.conditioned) <= rms(logErrors.population) / 4, `conditioned ${rms(logErrors.conditioned).toFixed(4)}, population ${rms(logErrors.population).toFixed(4)}`);
});
