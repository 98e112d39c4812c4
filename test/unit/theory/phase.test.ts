import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATION_TABLE, type ActivationName, activationOf } from '../../../src/core/activations.ts';
import { activationMoments } from '../../../src/theory/gaussian.ts';
import { chi1, correlationMap, criticalLine, criticalPoint, fixedPointLength, lengthMap, pairMap, phasePoint } from '../../../src/theory/phase.ts';
import { assertRel, monteCarlo, normals } from './helpers.ts';

const activate = (a: ActivationName, s: number): number => activationOf(a).f(s);
const { slope: LEAKY_RELU_SLOPE } = ACTIVATION_TABLE.leaky_relu.constants;
const { alpha: SELU_ALPHA, scale: SELU_SCALE } = ACTIVATION_TABLE.selu.constants;

test('the edge of chaos at σ_b² = 0: σ_w² = 1 for tanh and softsign, 2 for relu (to 1e−12); 2/(1+slope²) leaky relu, 1 elu, 2/(λ²(1+α²)) selu', () => {
  for (const a of ['tanh', 'softsign', 'elu'] as const) assert.ok(Math.abs(criticalPoint(a, 0).sigmaW2 - 1) <= 1e-12, `${a}: ${criticalPoint(a, 0).sigmaW2}`);
  assert.ok(Math.abs(criticalPoint('relu', 0).sigmaW2 - 2) <= 1e-12, `relu: ${criticalPoint('relu', 0).sigmaW2}`);
  assertRel(criticalPoint('leaky_relu', 0).sigmaW2, 2 / (1 + LEAKY_RELU_SLOPE ** 2), 1e-12, 'leaky relu');
  assertRel(criticalPoint('selu', 0).sigmaW2, 2 / (SELU_SCALE ** 2 * (1 + SELU_ALPHA ** 2)), 1e-12, 'selu');
  assert.equal(criticalPoint('tanh', 0).qStar, 0);
  // relu: χ₁ = σ_w²/2 whatever q, so the line is σ_w² = 2 at every σ_b² (with q* = ∞ when σ_b² > 0)
  const r = criticalPoint('relu', 0.3);
  assert.ok(Math.abs(r.sigmaW2 - 2) <= 1e-12 && r.qStar === Infinity);
});

test('every point of the critical line is critical: phasePoint(σ_w², σ_b²) finds χ₁ = 1 (±1e−8) at the q* the line was built from; the line rises with σ_b²', () => {
  for (const a of ['tanh', 'softsign', 'sigmoid', 'elu', 'selu'] as const) {
    const line = criticalLine(a, [0.01, 0.1, 0.5]);
    for (const p of line) {
      const pp = phasePoint(a, p.sigmaW2, p.sigmaB2);
      assert.ok(Math.abs(pp.chi1 - 1) <= 1e-8, `${a} at σ_b²=${p.sigmaB2}: χ₁ = ${pp.chi1}`);
      assertRel(pp.qStar, p.qStar, 1e-8, `${a} q* at σ_b²=${p.sigmaB2}`);
    }
    for (let i = 1; i < line.length; i++) assert.ok(line[i]!.sigmaW2 > line[i - 1]!.sigmaW2, `${a}: σ_w² grows along the line`);
  }
});

test('ordered below the line, chaotic above it; ξ_c = −1/ln χ₁ when ordered, c* = 0 for tanh at σ_b² = 0 when chaotic', () => {
  const crit = criticalPoint('tanh', 0.05).sigmaW2;
  const below = phasePoint('tanh', crit * 0.9, 0.05);
  const above = phasePoint('tanh', crit * 1.1, 0.05);
  assert.equal(below.phase, 'ordered');
  assert.equal(above.phase, 'chaotic');
  assert.equal(below.cStar, 1);
  assertRel(below.xiC, -1 / Math.log(below.chi1), 1e-12, 'ξ_c ordered');
  assert.ok(above.cStar < 1 && above.cStar > 0, `c* = ${above.cStar}`);
  const odd = phasePoint('tanh', 2, 0);
  assert.ok(Math.abs(odd.cStar) < 1e-8, `tanh σ_b² = 0: c* = ${odd.cStar}`);
  assert.equal(phasePoint('tanh', 1, 0).phase, 'critical');
  assert.equal(phasePoint('tanh', 1, 0).xiC, Infinity);
  // the paper's inits at σ_b² = 0 are ordered: χ₁ = σ_w² at q* = 0 (standard 1/3, normalized 1 for equal widths)
  assertRel(chi1('tanh', 1 / 3, 0), 1 / 3, 1e-12, 'standard init χ₁');
});

test('c* is a fixed point of the correlation map, and χ_c its slope there (finite difference, 1e−5); ξ_q is −1/ln of the length map’s slope at q*', () => {
  const p = phasePoint('tanh', 4, 0.05);
  const map = (c: number) => correlationMap('tanh', 4, 0.05, c, p.qStar);
  assert.ok(Math.abs(map(p.cStar) - p.cStar) < 1e-9, `map(c*) − c* = ${map(p.cStar) - p.cStar}`);
  const h = 1e-4;
  assertRel((map(p.cStar + h) - map(p.cStar - h)) / (2 * h), p.chiC, 1e-5, 'χ_c');
  const hq = 1e-5 * p.qStar;
  const slope = (lengthMap('tanh', 4, 0.05, p.qStar + hq) - lengthMap('tanh', 4, 0.05, p.qStar - hq)) / (2 * hq);
  assertRel(-1 / Math.log(slope), p.xiQ, 1e-5, 'ξ_q');
});

test('q*: relu in closed form σ_b²/(1 − σ_w²/2) (∞ beyond σ_w² = 2); tanh agrees with 300 iterations of the length map (ξ_q < 5 at these points)', () => {
  assertRel(fixedPointLength('relu', 1.5, 0.2), 0.2 / (1 - 0.75), 1e-14, 'relu q*');
  assert.equal(fixedPointLength('relu', 2.5, 0.2), Infinity);
  for (const [w, b] of [[1.5, 0], [1.2, 0.1], [0.8, 0.3], [3, 1]] as const) {
    let q = 1;
    for (let i = 0; i < 300; i++) q = lengthMap('tanh', w, b, q);
    assertRel(fixedPointLength('tanh', w, b), q, 1e-9, `tanh q* at (${w}, ${b})`);
  }
  assert.equal(fixedPointLength('tanh', 0.9, 0), 0);
});

test('Monte Carlo on random layers: one tanh layer (2000 → 200 units) maps two inputs’ (q₁, q₂, c) as pairMap predicts, within 4 standard errors of 40 layers', () => {
  const draw = normals(17);
  const n0 = 200;
  const n1 = 2000;
  const sigmaW2 = 1.8;
  const sigmaB2 = 0.1;
  // two inputs with q = 1.2, 0.6 (as pre-activations) and correlation 0.5
  const state = { q1: 1.2, q2: 0.6, c: 0.5 };
  const pred = pairMap('tanh', sigmaW2, sigmaB2, state);
  const z1 = new Float64Array(n1);
  const z2 = new Float64Array(n1);
  const samples: number[][] = [];
  for (let t = 0; t < 40; t++) {
    for (let j = 0; j < n1; j++) {
      const a = draw();
      const b = draw();
      z1[j] = activate('tanh', Math.sqrt(state.q1) * a);
      z2[j] = activate('tanh', Math.sqrt(state.q2) * (state.c * a + Math.sqrt(1 - state.c ** 2) * b));
    }
    // next layer: s = z·W + b over n0 output units, W ~ N(0, σ_w²/n1), b ~ N(0, σ_b²)
    let s11 = 0;
    let s22 = 0;
    let s12 = 0;
    for (let k = 0; k < n0; k++) {
      let u = 0;
      let v = 0;
      for (let j = 0; j < n1; j++) {
        const w = draw() * Math.sqrt(sigmaW2 / n1);
        u += z1[j]! * w;
        v += z2[j]! * w;
      }
      const bias = draw() * Math.sqrt(sigmaB2);
      s11 += (u + bias) ** 2 / n0;
      s22 += (v + bias) ** 2 / n0;
      s12 += ((u + bias) * (v + bias)) / n0;
    }
    samples.push([s11, s22, s12 / Math.sqrt(s11 * s22)]);
  }
  for (const [i, name, value] of [[0, 'q1', pred.q1], [1, 'q2', pred.q2], [2, 'c', pred.c]] as const) {
    let k = 0;
    const mc = monteCarlo(samples.length, () => samples[k++]![i]!);
    assert.ok(Math.abs(mc.mean - value) <= 4 * mc.se, `${name}: predicted ${value}, measured ${mc.mean} ± ${mc.se}`);
  }
});

test('bad input names the parameter, what was expected and what was found', () => {
  assert.throws(() => phasePoint('tanh', 0, 0), /sigmaW2: expected a finite number > 0, found 0/);
  assert.throws(() => phasePoint('tanh', -1, 0), /sigmaW2: expected a finite number > 0, found -1/);
  assert.throws(() => fixedPointLength('tanh', 1, -0.1), /sigmaB2: expected a finite number ≥ 0, found -0.1/);
  assert.throws(() => chi1('softmax' as never, 1, 0), /activation: the mean-field theory covers .*; found "softmax"/);
  assert.throws(() => criticalPoint('tanh', NaN), /sigmaB2: expected a finite number ≥ 0, found NaN/);
  assert.throws(() => criticalPoint('tanh', 1e13), /sigmaB2: the critical line of tanh reaches σ_b² up to/);
});

test('the q → 0⁺ limit keeps the kink of relu: χ₁ = σ_w²/2 at any q, including q* = 0', () => {
  for (const q of [0, 1e-12, 1, 1e6]) assertRel(chi1('relu', 1.3, 0, q), 0.65, 1e-12, `relu χ₁ at q=${q}`);
  assertRel(activationMoments('relu', 0).df2 * 2, 1, 1e-14, 'relu');
  assert.equal(activate('relu', 0), 0);
});
