import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanFieldForward } from '../../../src/theory/meanField.ts';
import { activationSpread, rmsCosine } from '../../../src/theory/finiteWidth.ts';
import { assertRel } from './helpers.ts';

test('linear layers in closed form: each layer adds (2/R + (1 − 1/R)·2c²)/n to Var[ln E[z²]], passed on whole (γ = 1), c unchanged', () => {
  const widths = [50, 100, 200, 400, 10];
  const R = 4;
  const fwd = meanFieldForward({ widths, activation: 'linear', layers: { weightVariance: 0.01 } }, [1, 2, 3, 4]);
  const c = 0.6;
  const got = activationSpread(fwd, c);
  let v = 0;
  for (let i = 0; i < 3; i++) {
    v += (2 / R + (1 - 1 / R) * 2 * c * c) / widths[i + 1]!;
    assertRel(got[i]!.logSd, Math.sqrt(v), 1e-8, `layer ${i + 1}`);
    assertRel(got[i]!.correlation, c, 1e-8, `c at layer ${i + 1}`);
  }
});

test('saturation damps the spread: at the same widths a saturated tanh network (σ_w² = 4) ends with a smaller spread than a near-linear one (σ_w² = 1/3)', () => {
  const net = (w: number) => ({ widths: [100, 200, 200, 200, 200, 10], activation: 'tanh' as const, layers: { weightVariance: w / 200 } });
  const m = [0.5, 1, 1.5];
  const small = activationSpread(meanFieldForward(net(1 / 3), m), 0.8);
  const large = activationSpread(meanFieldForward(net(4), m), 0.8);
  assert.ok(large[3]!.logSd < small[3]!.logSd, `${large[3]!.logSd} < ${small[3]!.logSd}`);
});

test('rmsCosine: identical rows give 1, orthogonal rows 0; bad input is named', () => {
  assertRel(rmsCosine(Float32Array.of(1, 2, 2, 4, 3, 6), 3, 2), 1, 1e-7, 'parallel rows');
  assert.equal(rmsCosine(Float32Array.of(1, 0, 0, 1), 2, 2), 0);
  assert.throws(() => rmsCosine(Float32Array.of(1, 2), 1, 2), /rows: expected an integer ≥ 2, found 1/);
  assert.throws(() => rmsCosine(Float32Array.of(1, 2, 0, 0), 2, 2), /x: row 1 is all zeros/);
  const fwd = meanFieldForward({ widths: [2, 2, 2], activation: 'tanh', layers: { weightVariance: 0.5 } }, [1]);
  assert.throws(() => activationSpread(fwd, 1.5), /inputCorrelation: expected a root-mean-square cosine in \[0, 1\], found 1.5/);
});
