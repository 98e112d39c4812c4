import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATIONS, activationOf } from '../../../src/core/activations.ts';
import { activationMoments } from '../../../src/theory/gaussian.ts';
import { compositeMoments, momentArrays, momentsAt } from '../../../src/theory/momentTable.ts';

const SIGMAS = [0, 1e-9, 1e-6, 0.01, 0.05, 0.1, 0.3, 0.6, 1, 2, 4, 10, 100, 1000];
const MEANS = [0, 1e-3, -0.02, 0.1, -0.3, 1, -3, 10, -100, 100];

test('compositeMoments: within 1e−8 of the adaptive Gauss–Kronrod moments (gaussian.ts) for every activation, |μ| ≤ 100, σ from 0 to 1000 — relative to √E[f²] for E[f], E[f²], √E[f′²] for E[f′], E[f′²]', () => {
  const out = new Float64Array(4);
  for (const act of ACTIVATIONS) {
    for (const sigma of SIGMAS) {
      for (const mu of MEANS) {
        const ex = activationMoments(act, sigma * sigma, mu);
        compositeMoments(act, mu, sigma, out);
        const want = [ex.f, ex.f2, ex.df, ex.df2];
        const scale = [Math.sqrt(ex.f2), ex.f2, Math.sqrt(ex.df2), ex.df2];
        for (let m = 0; m < 4; m++) {
          const err = Math.abs(out[m]! - want[m]!);
          assert.ok(err <= 1e-8 * scale[m]! + 1e-20, `${act} μ=${mu} σ=${sigma} moment ${m}: ${out[m]} vs ${want[m]} (error ${err.toExponential(2)}, scale ${scale[m]})`);
        }
      }
    }
  }
});

test('compositeMoments at σ = 0 is the limit σ → 0⁺: f(μ), f(μ)², f′(μ), f′(μ)² away from the kink; relu′ at μ = 0 gives 1/2', () => {
  const out = new Float64Array(4);
  for (const act of ACTIVATIONS) {
    for (const mu of [-2, -0.3, 0.7, 3]) {
      compositeMoments(act, mu, 0, out);
      const f = activationOf(act).f(mu);
      const d = activationOf(act).df(mu);
      const want = [f, f * f, d, d * d];
      for (let m = 0; m < 4; m++) assert.ok(Math.abs(out[m]! - want[m]!) <= 1e-13 * (1 + Math.abs(want[m]!)), `${act} μ=${mu} moment ${m}: ${out[m]} vs ${want[m]}`);
    }
  }
  compositeMoments('relu', 0, 0, out);
  assert.ok(Math.abs(out[2]! - 0.5) < 1e-13 && Math.abs(out[3]! - 0.5) < 1e-13, `relu′ at 0: ${out[2]}, ${out[3]}`);
});

test('momentsAt: the Chebyshev interpolant agrees with compositeMoments to 1e−9 of each moment’s largest value, for every activation, μ spread over ±0.01 to ±10 and σ from 0 to 3 — one piece where f is smooth at the scale of the range, several where σ is small against it (softsign σ = 0.01 over ±1), points integrated one by one at σ = 0 across a kink', () => {
  const out = new Float64Array(4);
  const pieces = new Map<string, number>();
  for (const act of ACTIVATIONS) {
    for (const sigma of [0, 1e-4, 0.01, 0.1, 0.3, 1, 3]) {
      for (const range of [0.01, 0.3, 1, 10]) {
        const n = 400;
        const mus = Float64Array.from({ length: n }, (_, r) => range * Math.sin(1.7 * r) + 0.1 * range);
        const got = momentArrays(n);
        pieces.set(`${act} ${sigma} ${range}`, momentsAt(act, sigma, mus, got));
        const want = Array.from({ length: n }, (_, r) => {
          compositeMoments(act, mus[r]!, sigma, out);
          return [...out];
        });
        const scale = [0, 1, 2, 3].map((m) => Math.max(...want.map((w) => Math.abs(w[m]!))));
        const arrays = [got.f, got.f2, got.df, got.df2];
        for (let r = 0; r < n; r++) {
          for (let m = 0; m < 4; m++) {
            const err = Math.abs(arrays[m]![r]! - want[r]![m]!);
            assert.ok(err <= 1e-9 * scale[m]! + 1e-300, `${act} σ=${sigma} range ${range} μ=${mus[r]} moment ${m}: ${arrays[m]![r]} vs ${want[r]![m]} (${err.toExponential(2)} of scale ${scale[m]})`);
          }
        }
      }
    }
  }
  assert.equal(pieces.get('tanh 0.3 1'), 1, 'tanh at σ = 0.3 over ±1: one piece');
  assert.ok(pieces.get('softsign 0.01 1')! > 2, `softsign at σ = 0.01 over ±1: ${pieces.get('softsign 0.01 1')} pieces`);
  assert.ok(pieces.get('relu 0 1')! >= 12, `relu at σ = 0 over ±1 (a step in f′): ${pieces.get('relu 0 1')} pieces, the ones at the kink integrated directly`);
});

test('momentsAt: equal means take one rule; an empty list writes nothing; a negative or infinite σ and a non-finite mean are named', () => {
  const out = momentArrays(3);
  assert.equal(momentsAt('tanh', 0.5, [0.2, 0.2, 0.2], out), 0);
  const ref = new Float64Array(4);
  compositeMoments('tanh', 0.2, 0.5, ref);
  assert.deepEqual([out.f[2], out.f2[2], out.df[2], out.df2[2]], [...ref]);
  assert.equal(momentsAt('tanh', 0.5, [], out), 0);
  assert.throws(() => momentsAt('tanh', -1, [0], out), /sigma: expected a finite standard deviation ≥ 0, found -1/);
  assert.throws(() => momentsAt('tanh', Infinity, [0], out), /sigma: expected a finite standard deviation ≥ 0, found Infinity/);
  assert.throws(() => momentsAt('tanh', 1, [0, 1, NaN], out), /mus\[2\]: expected a finite mean, found NaN/);
});
