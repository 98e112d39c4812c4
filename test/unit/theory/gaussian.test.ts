import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATIONS, ACTIVATION_TABLE, type ActivationName, activationOf } from '../../../src/core/activations.ts';
import { activationMoments, bivariateExpectation, checkTheoryActivation, expectAt } from '../../../src/theory/gaussian.ts';
import { gaussianExpectation, gaussianRule, integrate } from '../../../src/theory/quadrature.ts';
import { assertRel, monteCarlo, normals } from './helpers.ts';

const activate = (a: ActivationName, s: number): number => activationOf(a).f(s);
const derivative = (a: ActivationName, s: number): number => activationOf(a).df(s);
const { slope: LEAKY_RELU_SLOPE } = ACTIVATION_TABLE.leaky_relu.constants;
const { alpha: ELU_ALPHA } = ACTIVATION_TABLE.elu.constants;
const { alpha: SELU_ALPHA, scale: SELU_SCALE } = ACTIVATION_TABLE.selu.constants;

/** Standard normal CDF by its Taylor series Φ(x) = 1/2 + φ(x) Σ x^{2n+1}/(2n+1)!! (exact to rounding for |x| ≤ 3). */
function normalCdf(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (x * x) / (2 * n + 1);
    sum += term;
  }
  return 0.5 + (Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)) * sum;
}

test('integrate: polynomials exactly, a kink through a breakpoint, a bad interval named', () => {
  assertRel(integrate((x) => x ** 6, 0, 2).value, 2 ** 7 / 7, 1e-14, '∫x⁶');
  assertRel(integrate((x) => Math.abs(x - 0.3), -1, 1, [0.3]).value, (1.3 ** 2 + 0.7 ** 2) / 2, 1e-14, '∫|x − 0.3|');
  assert.equal(integrate(() => 1, 2, 2).value, 0);
  assert.throws(() => integrate(() => 1, 1, 0), /expected finite bounds a ≤ b, found a = 1, b = 0/);
});

test('closed forms: ReLU E[relu(√q ε)²] = q/2, E[relu′²] = 1/2, E[relu] = √(q/2π); linear E[s²] = q, E[1] = 1 — for q from 1e−12 to 1e6 to 1e−12', () => {
  for (let e = -12; e <= 6; e++) {
    const q = 10 ** e;
    const r = activationMoments('relu', q);
    assertRel(r.f2, q / 2, 1e-12, `relu f² at q=${q}`);
    assertRel(r.df2, 0.5, 1e-12, `relu f′² at q=${q}`);
    assertRel(r.f, Math.sqrt(q / (2 * Math.PI)), 1e-12, `relu f at q=${q}`);
    const lin = activationMoments('linear', q);
    assertRel(lin.f2, q, 1e-12, `linear f² at q=${q}`);
    assertRel(lin.df2, 1, 1e-12, `linear f′² at q=${q}`);
    const leaky = activationMoments('leaky_relu', q);
    assertRel(leaky.f2, (q * (1 + LEAKY_RELU_SLOPE ** 2)) / 2, 1e-12, `leaky f² at q=${q}`);
  }
});

test('closed forms: ELU and SELU means E[f(√q ε)] = a·√(q/2π) + b·(e^{q/2} Φ(−√q) − 1/2); sigmoid mean 1/2 by symmetry', () => {
  for (const q of [0.01, 0.5, 1, 4]) {
    const tail = Math.exp(q / 2) * normalCdf(-Math.sqrt(q)) - 0.5;
    // absolute tolerance on the scale √q of f (SELU's mean crosses 0 at q = 1)
    const elu = Math.sqrt(q / (2 * Math.PI)) + ELU_ALPHA * tail;
    assert.ok(Math.abs(activationMoments('elu', q).f - elu) <= 1e-12 * Math.sqrt(q), `elu mean at q=${q}`);
    const selu = SELU_SCALE * (Math.sqrt(q / (2 * Math.PI)) + SELU_ALPHA * tail);
    assert.ok(Math.abs(activationMoments('selu', q).f - selu) <= 1e-12 * Math.sqrt(q), `selu mean at q=${q}`);
    assertRel(activationMoments('sigmoid', q).f, 0.5, 1e-13, `sigmoid mean at q=${q}`);
  }
  // SELU's fixed point (Klambauer et al. 2017): mean 0 and variance 1 at q = 1
  const s = activationMoments('selu', 1);
  assert.ok(Math.abs(s.f) < 1e-6, `selu mean ${s.f}`);
  assertRel(s.f2, 1, 1e-6, 'selu second moment at q=1');
});

test('tanh small-q expansion: E[tanh²] = q − 2q² + 17q³/3 − …, E[tanh′²] = 1 − 2q + 7q² − …', () => {
  for (const q of [1e-4, 1e-3]) {
    const m = activationMoments('tanh', q);
    // the next terms are O(q⁴), relative O(q³)
    assertRel(m.f2, q - 2 * q * q + (17 / 3) * q ** 3, 30 * q ** 3, `E[tanh²] at q=${q}`);
    assertRel(m.df2, 1 - 2 * q + 7 * q * q, 100 * q ** 3, `E[tanh′²] at q=${q}`);
  }
});

test('Monte Carlo: every activation, E[f], E[f²], E[f′], E[f′²] at q ∈ {0.1, 1, 10}: within 4.5 standard errors of 200,000 draws', () => {
  const draw = normals(11);
  for (const a of ACTIVATIONS) {
    for (const q of [0.1, 1, 10]) {
      const m = activationMoments(a, q);
      const eps = Float64Array.from({ length: 200_000 }, draw);
      let k = 0;
      const sample = (g: (s: number) => number) => monteCarlo(eps.length, () => g(Math.sqrt(q) * eps[k++ % eps.length]!));
      for (const [name, g, value] of [
        ['f', (s: number) => activate(a, s), m.f],
        ['f²', (s: number) => activate(a, s) ** 2, m.f2],
        ["f′", (s: number) => derivative(a, s), m.df],
        ["f′²", (s: number) => derivative(a, s) ** 2, m.df2],
      ] as const) {
        k = 0;
        const mc = sample(g);
        assert.ok(Math.abs(value - mc.mean) <= 4.5 * mc.se + 1e-12, `${a} E[${name}] at q=${q}: quadrature ${value}, Monte Carlo ${mc.mean} ± ${mc.se}`);
      }
    }
  }
});

test('never NaN: every activation and moment finite, and within its bounds, for q from 1e−12 to 1e6 (and q = 0 as the limit 0⁺)', () => {
  for (const a of ACTIVATIONS) {
    for (let e = -12; e <= 6; e += 0.5) {
      const q = 10 ** e;
      const m = activationMoments(a, q);
      for (const [k, v] of Object.entries(m)) assert.ok(Number.isFinite(v), `${a} ${k} at q=${q}: ${v}`);
      assert.ok(m.f2 >= 0 && m.df2 >= 0, `${a} second moments ≥ 0 at q=${q}`);
      if (a === 'tanh' || a === 'softsign') assert.ok(m.f2 <= 1 && m.df2 <= 1, `${a} bounded at q=${q}`);
      assert.ok(m.f * m.f <= m.f2 * (1 + 1e-12) && m.df * m.df <= m.df2 * (1 + 1e-12), `${a} Jensen at q=${q}`);
    }
    assert.ok(Object.values(activationMoments(a, 0)).every(Number.isFinite));
  }
  // the limit q → 0⁺ keeps both sides of a step
  assertRel(activationMoments('relu', 0).df2, 0.5, 1e-14, 'E[relu′²] as q → 0⁺');
  assertRel(activationMoments('tanh', 0).df2, 1, 1e-14, 'E[tanh′²] as q → 0⁺');
});

test('a feature narrower than the Kronrod nodes is resolved: E[tanh(√q ε)²] at q = 10⁶ equals 1 − E[sech²] ≈ 1 − 2·0.39894/√q·(…)', () => {
  // for large σ, E[1 − tanh²(σε)] = ∫ sech²(σx) φ(x) dx ≈ φ(0)·2/σ (∫ sech² = 2)
  const sigma = 1000;
  const r = gaussianExpectation((s) => 1 - Math.tanh(s) ** 2, 0, sigma);
  assertRel(r.value, (2 / sigma) / Math.sqrt(2 * Math.PI), 1e-5, 'E[sech²(1000 ε)]');
});

test('bivariate: ReLU arc-cosine kernel (Cho & Saul 2009) and tanh at c = 1 and c = 0', () => {
  const relu = (s: number) => activate('relu', s);
  for (const c of [-0.9, -0.3, 0, 0.5, 0.99, 1]) {
    const q1 = 2;
    const q2 = 0.5;
    const th = Math.acos(c);
    const exact = (Math.sqrt(q1 * q2) / (2 * Math.PI)) * (Math.sin(th) + (Math.PI - th) * c);
    assertRel(bivariateExpectation(relu, relu, q1, q2, c), exact, 1e-8, `relu kernel at c=${c}`);
  }
  const tanh = Math.tanh;
  assertRel(bivariateExpectation(tanh, tanh, 0.7, 0.7, 1), activationMoments('tanh', 0.7).f2, 1e-8, 'tanh at c = 1');
  assert.ok(Math.abs(bivariateExpectation(tanh, tanh, 0.7, 1.3, 0)) < 1e-12, 'odd f at c = 0');
  assert.throws(() => bivariateExpectation(tanh, tanh, 1, 1, 1.5), /c: expected a correlation in \[−1, 1\], found 1.5/);
});

test('bivariate vs Monte Carlo: E[f(u₁)f(u₂)] for tanh, softsign, selu at c = 0.6, q₁ = 1.5, q₂ = 0.4: within 4.5 standard errors of 200,000 pairs', () => {
  const draw = normals(5);
  const pairs = Array.from({ length: 200_000 }, () => [draw(), draw()] as const);
  for (const a of ['tanh', 'softsign', 'selu'] as const) {
    const f = (s: number) => activate(a, s);
    const c = 0.6;
    let k = 0;
    const mc = monteCarlo(pairs.length, () => {
      const [z1, z2] = pairs[k++]!;
      return f(Math.sqrt(1.5) * z1) * f(Math.sqrt(0.4) * (c * z1 + Math.sqrt(1 - c * c) * z2));
    });
    const v = bivariateExpectation(f, f, 1.5, 0.4, c);
    assert.ok(Math.abs(v - mc.mean) <= 4.5 * mc.se, `${a}: ${v} vs ${mc.mean} ± ${mc.se}`);
  }
});

test('the fixed rule: weights sum to 1 and it reproduces the adaptive expectations to 1e−10', () => {
  for (const sigma of [1e-3, 1, 30, 1000]) {
    const rule = gaussianRule(0, sigma);
    assertRel(rule.weights.reduce((a, b) => a + b, 0), 1, 1e-12, `Σw at σ=${sigma}`);
    let v = 0;
    for (let k = 0; k < rule.points.length; k++) v += rule.weights[k]! * derivative('tanh', rule.points[k]!) ** 2;
    assertRel(v, expectAt(sigma * sigma, (s) => derivative('tanh', s) ** 2), 1e-10, `E[tanh′²] at σ=${sigma}`);
  }
});

test('an activation the theory does not cover is named with the ones it does', () => {
  assert.throws(() => checkTheoryActivation('softmax'), /activation: the mean-field theory covers sigmoid, tanh, softsign, relu, leaky_relu, elu, selu, linear; found "softmax"/);
  assert.throws(() => activationMoments('gelu' as never, 1), /found "gelu"/);
  assert.throws(() => activationMoments('tanh', -1), /q: expected a finite variance ≥ 0, found -1/);
  assert.throws(() => activationMoments('tanh', NaN), /found NaN/);
});
