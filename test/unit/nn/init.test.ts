import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INIT_NAMES, INIT_SCHEMES, TRUNCATION_STD_FACTOR } from '../../../src/core/init-schemes.ts';
import { type InitSpec, initScale, initWeights } from '../../../src/nn/init.ts';
import { Rng } from '../../../src/core/rng.ts';

function stats(w: Float32Array): { mean: number; variance: number; min: number; max: number } {
  let mean = 0;
  let m2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < w.length; i++) {
    const v = w[i]!;
    const d = v - mean;
    mean += d / (i + 1);
    m2 += d * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean, variance: m2 / w.length, min, max };
}

test('worked bounds of SPEC.md §2', () => {
  const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 5e-6, `${a} vs ${b}`);
  close(initScale({ name: 'standard' }, 1024, 1000).bound!, 0.03125);
  close(initScale({ name: 'normalized' }, 1024, 1000).bound!, 0.05445);
  close(initScale({ name: 'standard' }, 1000, 1000).bound!, 0.03162);
  close(initScale({ name: 'normalized' }, 1000, 1000).bound!, 0.05477);
  close(initScale({ name: 'normalized' }, 784, 1000).bound!, 0.05799);
  close(initScale({ name: 'normalized' }, 3072, 1000).bound!, 0.03839);
  close(initScale({ name: 'normalized' }, 1000, 10).bound!, 0.07708);
  // standard: n·Var = 1/3 (eq. (15)); normalized: Var = 2/(fanIn+fanOut) (eq. (12))
  assert.ok(Math.abs(1000 * initScale({ name: 'standard' }, 1000, 1000).std ** 2 - 1 / 3) < 1e-12);
  assert.ok(Math.abs(initScale({ name: 'normalized' }, 1000, 500).std ** 2 - 2 / 1500) < 1e-12);
  assert.ok(Math.abs(initScale({ name: 'glorot_normal' }, 1000, 500).std ** 2 - 2 / 1500) < 1e-12);
});

test('He and LeCun use fanIn (the first axis of [fanIn, fanOut]) on non-square layers', () => {
  assert.equal(initScale({ name: 'he_normal' }, 784, 10).std, Math.sqrt(2 / 784));
  assert.equal(initScale({ name: 'lecun_normal' }, 784, 10).std, Math.sqrt(1 / 784));
  assert.equal(initScale({ name: 'he_uniform' }, 784, 10).bound, Math.sqrt(6 / 784));
  assert.equal(initScale({ name: 'lecun_uniform' }, 10, 784).bound, Math.sqrt(3 / 10));
});

test('10^6 draws: every scheme matches its bound and variance within 1.5%', () => {
  const fanIn = 1000;
  const fanOut = 1000;
  for (const name of INIT_NAMES) {
    const w = new Float32Array(fanIn * fanOut);
    const r = initWeights(w, fanIn, fanOut, { name, gain: 1.3 }, new Rng(11));
    const s = stats(w);
    assert.ok(Math.abs(s.mean) < 0.01 * r.std, `${name}: mean ${s.mean}`);
    assert.ok(Math.abs(s.variance / r.std ** 2 - 1) < 0.015, `${name}: variance ${s.variance} vs ${r.std ** 2}`);
    if (r.bound !== null) {
      assert.ok(s.max <= r.bound && s.min >= -r.bound, `${name}: draws inside ±${r.bound}`);
      assert.ok(s.max > 0.999 * r.bound && s.min < -0.999 * r.bound, `${name}: draws reach the bound`);
    }
  }
});

test('He normal on a 784→10 layer has std √(2/784) (measured)', () => {
  const w = new Float32Array(784 * 10 * 128);
  // 128 independent layers' worth of draws for a tight estimate
  const rng = new Rng(3);
  for (let k = 0; k < 128; k++) initWeights(w.subarray(k * 7840), 784, 10, { name: 'he_normal' }, rng);
  assert.ok(Math.abs(Math.sqrt(stats(w).variance) / Math.sqrt(2 / 784) - 1) < 0.01);
});

test('truncated normal: std is before truncation, draws within ±2σ, after-truncation std = 0.8796σ', () => {
  const w = new Float32Array(1_000_000);
  const r = initWeights(w, 1000, 1000, { name: 'truncated_normal', std: 0.1 }, new Rng(5));
  const s = stats(w);
  assert.ok(s.max <= 0.2 + 1e-7 && s.min >= -0.2 - 1e-7);
  assert.ok(Math.abs(r.std - 0.1 * TRUNCATION_STD_FACTOR) < 1e-15);
  assert.ok(Math.abs(Math.sqrt(s.variance) / r.std - 1) < 0.01, `std ${Math.sqrt(s.variance)}`);
});

test('orthogonal: columns (fanIn ≥ fanOut) or rows (fanIn < fanOut) are orthonormal, times gain', () => {
  for (const [fanIn, fanOut] of [
    [40, 20],
    [20, 40],
    [30, 30],
  ] as const) {
    const w = new Float32Array(fanIn * fanOut);
    initWeights(w, fanIn, fanOut, { name: 'orthogonal', gain: 2 }, new Rng(1));
    const small = Math.min(fanIn, fanOut);
    for (let a = 0; a < small; a++) {
      for (let b = 0; b < small; b++) {
        let dot = 0;
        const big = Math.max(fanIn, fanOut);
        for (let k = 0; k < big; k++) {
          dot += fanIn >= fanOut ? w[k * fanOut + a]! * w[k * fanOut + b]! : w[a * fanOut + k]! * w[b * fanOut + k]!;
        }
        assert.ok(Math.abs(dot - (a === b ? 4 : 0)) < 1e-5, `${fanIn}x${fanOut} (${a},${b}) = ${dot}`);
      }
    }
  }
});

test('every scheme honours the seed, and an explicit gain of 0 is honoured', () => {
  for (const name of INIT_NAMES) {
    const a = new Float32Array(60);
    const b = new Float32Array(60);
    const c = new Float32Array(60);
    initWeights(a, 6, 10, { name }, new Rng(1));
    initWeights(b, 6, 10, { name }, new Rng(1));
    initWeights(c, 6, 10, { name }, new Rng(2));
    assert.deepEqual(a, b, `${name}: same seed`);
    assert.notDeepEqual(a, c, `${name}: different seed`);
    const z = new Float32Array(60).fill(9);
    initWeights(z, 6, 10, { name, gain: 0 }, new Rng(1));
    assert.ok(z.every((v) => v === 0), `${name}: gain 0 gives zeros`);
  }
  const z = new Float32Array(60).fill(9);
  initWeights(z, 6, 10, { name: 'truncated_normal', std: 0 }, new Rng(1));
  assert.ok(z.every((v) => v === 0), 'std 0 gives zeros');
});

test('normal draws are finite even when the uniform source returns exactly 0 or just below 1', () => {
  for (const u of [0, 1 - 2 ** -53]) {
    const rng = new Rng(1);
    rng.uniform = (): number => u;
    for (let i = 0; i < 4; i++) assert.ok(Number.isFinite(rng.normal()), `u=${u}`);
  }
});

test('invalid arguments are clear errors', () => {
  assert.throws(() => initScale({ name: 'standard' }, 0, 3), /fanIn must be a positive integer, found 0/);
  assert.throws(() => initScale({ name: 'standard', gain: -1 }, 3, 3), /gain must be a finite number ≥ 0, found -1/);
  assert.throws(() => initWeights(new Float32Array(5), 2, 3, { name: 'standard' }, new Rng(1)), /needs 2×3 = 6/);
});

test('an unknown scheme, a spec that is not an object or a gain/std that is not a number is a clear error (initScale and initWeights)', () => {
  const names = INIT_NAMES.join(', ');
  const cases: Array<[string, unknown, typeof Error, string]> = [
    // used to throw "Cannot read properties of undefined (reading 'distribution')" from initWeights
    ['unknown name', { name: 'xavier' }, RangeError, `init.name: unknown initialisation "xavier", expected one of ${names}`],
    ['missing name', {}, RangeError, `init.name: unknown initialisation undefined, expected one of ${names}`],
    ['a string', 'normalized', TypeError, 'init: expected a scheme object { name, gain?, std? }, found "normalized" (a string) (write { name: "normalized" })'],
    ['null', null, TypeError, 'init: expected a scheme object { name, gain?, std? }, found null'],
    ['string gain', { name: 'standard', gain: '2' }, RangeError, 'init.gain must be a finite number ≥ 0, found "2" (a string)'],
    ['NaN std', { name: 'truncated_normal', std: NaN }, RangeError, 'init.std must be a finite number ≥ 0, found NaN'],
  ];
  for (const [what, spec, cls, message] of cases) {
    for (const call of [
      () => initScale(spec as InitSpec, 3, 3),
      () => initWeights(new Float32Array(9), 3, 3, spec as InitSpec, new Rng(1)),
    ]) {
      assert.throws(call, (e: unknown) => {
        assert.ok(e instanceof cls, `${what}: expected a ${cls.name}, got ${String(e)}`);
        assert.equal(e.message, message, what);
        return true;
      });
    }
  }
  // every valid name still passes, with its real scale
  for (const name of INIT_NAMES) assert.ok(initScale({ name }, 3, 3).std > 0, name);
  assert.equal(initScale({ name: 'standard', gain: 2 }, 4, 9).bound, 1);
});
