import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATIONS } from '../../../src/kernels/backend.ts';
import { activate, derivative, maxSlope, sigmoid } from '../../../src/kernels/activations.ts';

test('every activation and derivative is finite in float32 at extreme finite inputs and at ±Infinity', () => {
  for (const a of ACTIVATIONS) {
    // SELU scales by 1.0507, so its value overflows float32 only above 3.2e38: test to 3e38
    for (const s of [0, 1e-30, -1e-30, 90, -90, 1000, -1000, 3e38, -3e38]) {
      const f = Math.fround(activate(a, s));
      const d = Math.fround(derivative(a, s));
      assert.ok(Number.isFinite(f), `${a}(${s}) = ${f}`);
      assert.ok(Number.isFinite(d) && d >= 0, `${a}'(${s}) = ${d}`);
    }
  }
  for (const a of ['sigmoid', 'tanh', 'softsign'] as const) {
    for (const s of [Infinity, -Infinity]) {
      assert.ok(Number.isFinite(activate(a, s)) && Number.isFinite(derivative(a, s)), `${a} at ${s}`);
    }
  }
});

test('known values: sigmoid at ±90 and ±1000, softsign at ±Infinity is ±1, derivatives from s', () => {
  assert.equal(sigmoid(1000), 1);
  assert.equal(sigmoid(-1000), 0);
  assert.ok(sigmoid(-90) > 0 && sigmoid(-90) < 1e-38);
  assert.ok(derivative('sigmoid', -90) > 0, 'from s, the sigmoid derivative at −90 is tiny but not 0');
  assert.equal(activate('softsign', Infinity), 1);
  assert.equal(activate('softsign', -Infinity), -1);
  assert.equal(activate('softsign', 3), 0.75);
  assert.equal(derivative('softsign', 3), 1 / 16);
  assert.equal(derivative('softsign', -3), 1 / 16);
  assert.equal(derivative('tanh', 0), 1);
  assert.equal(derivative('sigmoid', 0), 0.25);
  assert.equal(derivative('relu', 0), 0);
  assert.equal(derivative('leaky_relu', -2), 0.01);
  assert.ok(Math.abs(activate('selu', -1e9) - -1.7580993408473766) < 1e-12);
});

test('derivatives match central differences away from kinks; maxSlope is the supremum of f\'', () => {
  for (const a of ACTIVATIONS) {
    let sup = 0;
    for (let s = -6; s <= 6; s += 0.01) {
      const x = s + 0.005; // never exactly on a kink at 0
      const h = 1e-6;
      const fd = (activate(a, x + h) - activate(a, x - h)) / (2 * h);
      assert.ok(Math.abs(fd - derivative(a, x)) < 1e-6, `${a}'(${x}): ${derivative(a, x)} vs ${fd}`);
      sup = Math.max(sup, derivative(a, x));
    }
    assert.ok(sup <= maxSlope(a) + 1e-12 && sup > 0.98 * maxSlope(a), `${a}: sup ${sup} vs maxSlope ${maxSlope(a)}`);
  }
});

test('an unknown activation name throws in activate, derivative and maxSlope (instead of NaN or a slope of 1)', () => {
  const message = `unknown activation "gelu", expected one of ${ACTIVATIONS.join(', ')}`;
  const gelu = 'gelu' as (typeof ACTIVATIONS)[number];
  assert.throws(() => activate(gelu, 0.5), { name: 'RangeError', message });
  assert.throws(() => derivative(gelu, 0.5), { name: 'RangeError', message });
  assert.throws(() => maxSlope(gelu), { name: 'RangeError', message });
  assert.deepEqual(ACTIVATIONS.map(maxSlope), [0.25, 1, 1, 1, 1, 1, 1.0507009873554805 * 1.6732632423543772, 1]);
});
