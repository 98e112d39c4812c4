import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ActivationName, activationOf } from '../../../src/core/activations.ts';
import { jsSingularValues } from '../../../src/probes/jacobian.ts';
import { jacobianMoments, meanSqrtEigenvalue } from '../../../src/theory/spectrum.ts';
import { assertRel, normals } from './helpers.ts';

const derivative = (a: ActivationName, s: number): number => activationOf(a).df(s);

test('f′ = 1, square iid weights: the mean singular value is the quarter-circle law’s (8/(3π))·σ_w (SPEC.md §3), to 1e−6', () => {
  for (const sigmaW2 of [1 / 3, 1, 2]) {
    const m = jacobianMoments('linear', [1], { fanIn: 500, fanOut: 500, weightVariance: sigmaW2 / 500, distribution: 'uniform' });
    assertRel(m.meanSingularValue!, (8 / (3 * Math.PI)) * Math.sqrt(sigmaW2), 1e-6, `σ_w² = ${sigmaW2}`);
    assertRel(m.meanSquaredSingularValue, sigmaW2, 1e-12, 'mean s²');
  }
});

test('f′ = 1, rectangular M = 4N: Marchenko–Pastur (ratio 1/4) mean of √λ by direct integration of its density, to 1e−6', () => {
  // J = W (400×100, Var = 1/400): JᵀJ is a Wishart matrix whose 100 eigenvalues follow Marchenko–Pastur
  // with ratio γ = N/M = 1/4 and unit scale, density ∝ √((b − λ)(λ − a))/λ on [(1 − √γ)², (1 + √γ)²];
  // the mean singular value is ∫√λ dρ (substitution λ = (a+b)/2 − (b−a)/2·cos θ removes the square-root ends)
  const gamma = 0.25;
  const a = (1 - Math.sqrt(gamma)) ** 2;
  const b = (1 + Math.sqrt(gamma)) ** 2;
  const n = 400_000;
  let num = 0;
  let den = 0;
  for (let k = 0; k < n; k++) {
    const th = ((k + 0.5) / n) * Math.PI;
    const lam = (a + b) / 2 - ((b - a) / 2) * Math.cos(th);
    const w = (Math.sqrt((b - lam) * (lam - a)) / lam) * ((b - a) / 2) * Math.sin(th);
    num += Math.sqrt(lam) * w;
    den += w;
  }
  const expected = num / den;
  const m = jacobianMoments('linear', [1], { fanIn: 400, fanOut: 100, weightVariance: 1 / 400, distribution: 'normal' });
  assertRel(m.meanSingularValue!, expected, 1e-6, 'MP mean singular value');
  // mean s² over the min(M, N) = N singular values: ‖J‖_F²/N = M·N·v/N = 1
  assertRel(m.meanSquaredSingularValue, (400 * 100 * (1 / 400)) / 100, 1e-12, 'mean s²');
  assert.ok(meanSqrtEigenvalue(0.25, Float64Array.of(0), Float64Array.of(1)) === 0, 'an all-zero law has no spectrum');
});

test('Monte Carlo: tanh Jacobians W·diag(tanh′(s_j)) of 8 random 200×200 and 300×150 matrices: the mean singular value within 1% of Silverstein’s equation on each matrix’s own f′ values, and the law-level prediction (s ~ N(0, q)) within 4 standard errors of the 8 matrices for the mean s and the mean s²', () => {
  const draw = normals(23);
  for (const [M, N, q, sigmaW2] of [[200, 200, 0.8, 1], [300, 150, 2, 1.5]] as const) {
    const trials = 8;
    const means: number[] = [];
    const means2: number[] = [];
    let predictedHere = 0;
    for (let t = 0; t < trials; t++) {
      // the N values of f′ are a sample: their own mean moves the spectrum by ≈ 1/√N (2–3% here)
      const d = Float64Array.from({ length: N }, () => derivative('tanh', Math.sqrt(q) * draw()));
      const a = new Float64Array(M * N);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) a[i * N + j] = Math.sqrt(sigmaW2 / M) * draw() * d[j]!;
      const sv = jsSingularValues(a, M, N);
      means.push(sv.reduce((s, x) => s + x, 0) / sv.length);
      means2.push(sv.reduce((s, x) => s + x * x, 0) / sv.length);
      const atoms = Float64Array.from(d, (x) => sigmaW2 * x * x);
      const weights = new Float64Array(N).fill(1 / N);
      predictedHere += ((M / Math.min(M, N)) * meanSqrtEigenvalue(N / M, atoms, weights)) / trials;
    }
    const stats = (v: number[]) => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return { m, se: Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1) / v.length) };
    };
    const sv1 = stats(means);
    const sv2 = stats(means2);
    assertRel(predictedHere, sv1.m, 0.01, `${M}×${N} mean singular value on the matrices' own f′`);
    const th = jacobianMoments('tanh', [q], { fanIn: M, fanOut: N, weightVariance: sigmaW2 / M, distribution: 'normal' });
    assert.ok(Math.abs(th.meanSingularValue! - sv1.m) <= 4 * sv1.se, `${M}×${N} mean s: ${th.meanSingularValue} vs ${sv1.m} ± ${sv1.se}`);
    assert.ok(Math.abs(th.meanSquaredSingularValue - sv2.m) <= 4 * sv2.se, `${M}×${N} mean s²: ${th.meanSquaredSingularValue} vs ${sv2.m} ± ${sv2.se}`);
  }
});

test('orthogonal weights with fanIn ≥ fanOut: the singular values are gain·|f′(s_j)|, mean σ_w·E[|f′|]; fanIn < fanOut is not covered (null), the mean s² still is', () => {
  const q = 1.3;
  const m = jacobianMoments('tanh', [q], { fanIn: 300, fanOut: 200, weightVariance: 1 / 300, distribution: 'orthogonal' });
  // E[tanh′(s)] for s ~ N(0, 1.3) by a fine sum
  const draw = normals(3);
  let e = 0;
  const n = 400_000;
  for (let i = 0; i < n; i++) e += derivative('tanh', Math.sqrt(q) * draw()) / n;
  assertRel(m.meanSingularValue!, e, 0.005, 'orthogonal mean singular value');
  const wide = jacobianMoments('tanh', [q], { fanIn: 200, fanOut: 300, weightVariance: 1 / 300, distribution: 'orthogonal' });
  assert.equal(wide.meanSingularValue, null);
  assert.ok(wide.meanSquaredSingularValue > 0);
});

test('bad input is named', () => {
  assert.throws(() => jacobianMoments('tanh', [], { fanIn: 2, fanOut: 2, weightVariance: 1, distribution: 'normal' }), /q: expected one pre-activation variance per example, found none/);
  assert.throws(() => jacobianMoments('tanh', [1], { fanIn: 0, fanOut: 2, weightVariance: 1, distribution: 'normal' }), /fanIn and fanOut must be positive integers, found 0 × 2/);
  assert.throws(() => jacobianMoments('tanh', [1], { fanIn: 2, fanOut: 2, weightVariance: 0, distribution: 'normal' }), /weightVariance: expected a finite number > 0, found 0/);
  assert.throws(() => jacobianMoments('tanh', [-1], { fanIn: 2, fanOut: 2, weightVariance: 1, distribution: 'normal' }), /q\[0\]: expected a finite variance ≥ 0, found -1/);
});
