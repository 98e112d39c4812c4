import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACTIVATIONS,
  ACTIVATION_TABLE,
  type ActivationName,
  SATURATION_SLOPE_FRACTION,
  activationOf,
  isActivationName,
} from '../../../src/core/activations.ts';

const activate = (a: ActivationName, s: number): number => activationOf(a).f(s);
const derivative = (a: ActivationName, s: number): number => activationOf(a).df(s);

test('one record per activation, named as its key, with stable codes 0…7 in the order of ACTIVATIONS', () => {
  assert.deepEqual(Object.keys(ACTIVATION_TABLE), [...ACTIVATIONS]);
  // the codes are shared with the kernels (generated C and AssemblyScript tables): never renumber
  assert.deepEqual(
    ACTIVATIONS.map((a) => [ACTIVATION_TABLE[a].name, ACTIVATION_TABLE[a].code]),
    [['sigmoid', 0], ['tanh', 1], ['softsign', 2], ['relu', 3], ['leaky_relu', 4], ['elu', 5], ['selu', 6], ['linear', 7]],
  );
  assert.deepEqual(
    Object.fromEntries(ACTIVATIONS.map((a) => [a, ACTIVATION_TABLE[a].constants])),
    {
      sigmoid: {}, tanh: {}, softsign: {}, relu: {}, linear: {},
      leaky_relu: { slope: 0.01 },
      elu: { alpha: 1 },
      selu: { alpha: 1.6732632423543772, scale: 1.0507009873554805 },
    },
  );
});

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
  const sigmoid = ACTIVATION_TABLE.sigmoid.f;
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

test("derivatives match central differences away from kinks; maxSlope is the supremum of f'", () => {
  for (const a of ACTIVATIONS) {
    let sup = 0;
    for (let s = -6; s <= 6; s += 0.01) {
      const x = s + 0.005; // never exactly on a kink at 0
      const h = 1e-6;
      const fd = (activate(a, x + h) - activate(a, x - h)) / (2 * h);
      assert.ok(Math.abs(fd - derivative(a, x)) < 1e-6, `${a}'(${x}): ${derivative(a, x)} vs ${fd}`);
      sup = Math.max(sup, derivative(a, x));
    }
    const { maxSlope } = ACTIVATION_TABLE[a];
    assert.ok(sup <= maxSlope + 1e-12 && sup > 0.98 * maxSlope, `${a}: sup ${sup} vs maxSlope ${maxSlope}`);
  }
  assert.deepEqual(ACTIVATIONS.map((a) => ACTIVATION_TABLE[a].maxSlope), [0.25, 1, 1, 1, 1, 1, 1.0507009873554805 * 1.6732632423543772, 1]);
});

test('the saturation rule: f′ below a tenth of the largest slope (tanh |z| > 0.949, sigmoid z ∉ [0.026, 0.974], a dead ReLU)', () => {
  for (const a of ACTIVATIONS) assert.equal(ACTIVATION_TABLE[a].saturationSlope, SATURATION_SLOPE_FRACTION * ACTIVATION_TABLE[a].maxSlope, a);
  const saturated = (a: ActivationName, s: number): boolean => derivative(a, s) < ACTIVATION_TABLE[a].saturationSlope;
  assert.ok(saturated('tanh', Math.atanh(0.95)) && !saturated('tanh', Math.atanh(0.948)));
  const logit = (p: number): number => Math.log(p / (1 - p));
  assert.ok(saturated('sigmoid', logit(0.975)) && !saturated('sigmoid', logit(0.973)) && saturated('sigmoid', logit(0.025)));
  assert.ok(saturated('relu', 0) && saturated('relu', -1) && !saturated('relu', 1e-9));
  assert.ok(!saturated('linear', 1e30) && saturated('leaky_relu', -5), 'the negative side of leaky ReLU (slope 0.01) counts');
});

test('histogram ranges: the fixed value range of the bounded activations, the data\'s own range for the others', () => {
  assert.deepEqual(
    Object.fromEntries(ACTIVATIONS.map((a) => [a, ACTIVATION_TABLE[a].histogramRange])),
    { sigmoid: [0, 1], tanh: [-1, 1], softsign: [-1, 1], relu: null, leaky_relu: null, elu: null, selu: null, linear: null },
  );
  for (const a of ['sigmoid', 'tanh', 'softsign'] as const) {
    const [lo, hi] = ACTIVATION_TABLE[a].histogramRange!;
    for (const s of [-1e9, -3, 0, 3, 1e9]) assert.ok(activate(a, s) >= lo && activate(a, s) <= hi, `${a}(${s}) in range`);
  }
});

test('recommended gains: PyTorch table plus softsign and elu', () => {
  const gain = (a: ActivationName): number => ACTIVATION_TABLE[a].gain;
  assert.equal(gain('tanh'), 5 / 3);
  assert.equal(gain('relu'), Math.SQRT2);
  assert.equal(gain('sigmoid'), 1);
  assert.equal(gain('selu'), 0.75);
  assert.equal(gain('linear'), 1);
  assert.equal(gain('elu'), 1);
  assert.equal(gain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  // softsign: 1/√E[softsign(z)²], z ~ N(0,1), by quadrature
  let e2 = 0;
  const h = 1e-3;
  for (let x = -12; x <= 12; x += h) e2 += ((x / (1 + Math.abs(x))) ** 2 * Math.exp(-x * x / 2) * h) / Math.sqrt(2 * Math.PI);
  assert.ok(Math.abs(gain('softsign') - 1 / Math.sqrt(e2)) < 0.005, `${1 / Math.sqrt(e2)}`);
});

test('an unknown activation name is a RangeError naming the valid ones (also for inherited property names)', () => {
  for (const name of ['gelu', 'toString', 'Sigmoid', '__proto__']) {
    const message = `unknown activation ${JSON.stringify(name)}, expected one of ${ACTIVATIONS.join(', ')}`;
    assert.throws(() => activationOf(name as ActivationName), { name: 'RangeError', message });
    assert.equal(isActivationName(name), false);
  }
  assert.throws(() => activationOf(3 as unknown as ActivationName), { name: 'RangeError', message: /unknown activation 3, expected one of sigmoid/ });
  for (const a of ACTIVATIONS) assert.equal(activationOf(a), ACTIVATION_TABLE[a]);
});
