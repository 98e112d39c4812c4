/**
 * Issue 13's target, fast: the paper's network at width 250 instead of 1000 (1024-250×5-9, one
 * network, seed 1), Shapeset's first 300 test images, tanh and softsign, standard and normalized
 * init. The measurement is the real `Mlp` forward and backward pass read through `probeNetwork`;
 * the prediction is the finite-width-conditioned one (src/theory/conditioned.ts) from the network's
 * drawn weights, the inputs and their labels (its top gradient predicted too). In every layer its
 * Var[z] is within ±5% of the measurement and its Var[∂C/∂s] within ±10%, the softmax layer's
 * ∂C/∂s included (measured here: ≤ 2.2% and ≤ 1.5%), while the linear theory (eqs. (5)–(7)) is off
 * by more than 20% somewhere in every configuration, so the check can tell them apart.
 * The width-1000 network itself and 6 networks per configuration at width 250 (with the
 * population prediction's finite-width spread) are test/e2e/theory/target.test.ts; the table over
 * 10 networks at width 1000 is bench/theory.ts (bench/results/theory-width1000.txt).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackend } from '../../../src/kernels/index.ts';
import { compareAtInit, prepare, shapesetProbeSet } from '../../../bench/lib/meanField.ts';

// the fastest backend built (native, else wasm): tolerances, not bit-exact values
const be = await createBackend();
const probe = shapesetProbeSet(300);

for (const activation of ['tanh', 'softsign'] as const) {
  for (const init of ['standard', 'normalized'] as const) {
    test(`Shapeset, ${activation} ${init}, 1024-250×5-9, seed 1: the conditioned prediction is within ±5% (Var[z]) and ±10% (Var[∂C/∂s]) of the measurement in every layer; the linear theory is more than 20% off somewhere`, () => {
      const c = { activation, init, width: 250, hidden: 5 };
      const rows = compareAtInit(be, c, 1, probe, prepare(c, probe));
      assert.equal(rows.length, 6, 'five hidden layers and the softmax layer');
      let linearWorst = 0;
      for (const r of rows) {
        if (r.activation) {
          const a = r.activation;
          const e = a.conditioned / a.measured - 1;
          assert.ok(Math.abs(e) <= 0.05, `layer ${r.layer} Var[z]: measured ${a.measured}, conditioned ${a.conditioned} (${(100 * e).toFixed(2)}%)`);
          linearWorst = Math.max(linearWorst, Math.abs(a.linear / a.measured - 1));
        }
        const g = r.backpropGrad;
        const e = g.conditioned / g.measured - 1;
        assert.ok(Math.abs(e) <= 0.1, `layer ${r.layer} Var[∂C/∂s]: measured ${g.measured}, conditioned ${g.conditioned} (${(100 * e).toFixed(2)}%)`);
      }
      assert.ok(linearWorst > 0.2, `the linear theory's worst Var[z] error is only ${(100 * linearWorst).toFixed(1)}%`);
    });
  }
}
