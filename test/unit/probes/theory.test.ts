import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictedMeanSingularValue, predictVariances } from '../../../src/probes/theory.ts';
import { initScale } from '../../../src/nn/init.ts';

test('eqs. (5)–(7) by hand on a 3-layer net', () => {
  const th = predictVariances([4, 3, 2, 5], [0.1, 0.2, 0.3], 2, 7);
  assert.deepEqual(th.activation, [2, 2 * 4 * 0.1, 2 * 4 * 0.1 * 3 * 0.2]);
  // backward: Var[∂C/∂s^2] = 7; ^1 = 7·n_3·Var[W^2] = 7·5·0.3; ^0 = that · n_2·Var[W^1] = ·2·0.2
  const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  close(th.backpropGrad[2]!, 7);
  close(th.backpropGrad[1]!, 7 * 5 * 0.3);
  close(th.backpropGrad[0]!, 7 * 5 * 0.3 * 2 * 0.2);
  th.weightGrad.forEach((w, i) => close(w, th.activation[i]! * th.backpropGrad[i]!));
  assert.throws(() => predictVariances([4, 3], [0.1, 0.2], 1, 1), /expected one per layer \(1\)/);
});

test('eqs. (13)–(14): equal widths, standard init → back-propagated variance shrinks by n·Var = 1/3 per layer toward the input while the weight-gradient variance is the same in every layer', () => {
  const n = 1000;
  const v = initScale({ name: 'standard' }, n, n).std ** 2;
  const th = predictVariances([n, n, n, n, n, n], Array(5).fill(v), 1, 1);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(th.backpropGrad[i]! / th.backpropGrad[i + 1]! - 1 / 3) < 1e-12);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(th.activation[i + 1]! / th.activation[i]! - 1 / 3) < 1e-12);
  for (let i = 1; i < 5; i++) assert.ok(Math.abs(th.weightGrad[i]! / th.weightGrad[0]! - 1) < 1e-12);
  // normalized init with equal widths: every variance preserved (conditions 10 and 11)
  const vn = initScale({ name: 'normalized' }, n, n).std ** 2;
  const tn = predictVariances([n, n, n, n], Array(3).fill(vn), 1, 1);
  for (const a of [...tn.activation, ...tn.backpropGrad]) assert.ok(Math.abs(a - 1) < 1e-12);
});

test('random-matrix mean singular value: 0.490 standard, 0.849 normalized (SPEC.md §3)', () => {
  const n = 1000;
  assert.ok(Math.abs(predictedMeanSingularValue(n, initScale({ name: 'standard' }, n, n).std ** 2) - 0.490) < 5e-4);
  assert.ok(Math.abs(predictedMeanSingularValue(n, initScale({ name: 'normalized' }, n, n).std ** 2) - 0.849) < 5e-4);
});
