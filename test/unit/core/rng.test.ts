import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/core/rng.ts';

test('uniforms(out, n) writes exactly what n successive uniform() calls return, and leaves the same state', () => {
  for (const seed of [0, 1, -1, 20100513]) {
    const a = new Rng(seed);
    const b = new Rng(seed);
    const out = new Float64Array(7).fill(-1);
    for (const n of [1, 4, 0, 7, 3]) {
      a.uniforms(out, n);
      for (let i = 0; i < n; i++) assert.equal(out[i], b.uniform(), `seed ${seed}, n ${n}, draw ${i}`);
      for (const v of out.subarray(0, n)) assert.ok(v >= 0 && v < 1);
    }
    assert.deepEqual(a.getState(), b.getState());
    assert.equal(a.int(1000), b.int(1000), 'int() continues the same stream');
  }
});

test('uniforms rejects a count that is not an integer within the buffer, naming it', () => {
  const r = new Rng(3);
  assert.throws(() => r.uniforms(new Float64Array(2), 3), /uniforms: n must be an integer in \[0, 2\], found 3/);
  assert.throws(() => r.uniforms(new Float64Array(2), 1.5), /found 1\.5/);
  assert.throws(() => r.uniforms(new Float64Array(2), -1), /found -1/);
});

test('int(n) is rejection sampling on nextUint32(), its definition (int reads the generator directly)', () => {
  const r = new Rng(7);
  const draws = Array.from({ length: 8 }, () => r.int(10));
  const again = new Rng(7);
  const viaUint32 = Array.from({ length: 8 }, () => {
    for (;;) {
      const v = again.nextUint32();
      if (v < 4294967296 - (4294967296 % 10)) return v % 10;
    }
  });
  assert.deepEqual(draws, viaUint32);
});

test('a restored state is checked: four 32-bit words, not all zero (the fixed point that draws 0 forever)', () => {
  assert.throws(() => Rng.fromState({ words: [0, 0, 0, 0], spare: null }), /^RangeError: rng state: words: expected four 32-bit integers not all 0 \(the all-zero state draws 0 forever\), found \[0,0,0,0\]$/);
  assert.throws(() => Rng.fromState({ words: [1, 2, 3], spare: null }), /rng state: words: expected four 32-bit integers, found \[1,2,3\]/);
  assert.throws(() => Rng.fromState({ words: [1, 2, 3, 2 ** 33], spare: null }), /rng state: words: expected four 32-bit integers/);
  assert.throws(() => Rng.fromState({ words: [1, 2, 3, 4], spare: Number.NaN }), /rng state: spare: expected a finite number or null, found NaN/);
  const r = new Rng(7);
  r.normal();
  const copy = Rng.fromState(r.getState());
  assert.equal(copy.nextUint32(), r.nextUint32());
});
