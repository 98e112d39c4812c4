import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TRUNCATED_STD, INIT_NAMES, INIT_SCHEMES } from '../../../src/core/init-schemes.ts';
import { initScale } from '../../../src/nn/init.ts';

test('one record per init scheme, named as its key, citing the paper for its two schemes', () => {
  assert.deepEqual(Object.keys(INIT_SCHEMES), [...INIT_NAMES]);
  for (const name of INIT_NAMES) assert.equal(INIT_SCHEMES[name].name, name);
  assert.equal(INIT_SCHEMES.standard.source, 'eq. (1)');
  assert.match(INIT_SCHEMES.normalized.source, /^eq\. \(16\)/);
  assert.deepEqual(
    INIT_NAMES.map((n) => INIT_SCHEMES[n].distribution),
    ['uniform', 'uniform', 'normal', 'uniform', 'normal', 'uniform', 'normal', 'orthogonal', 'truncated_normal', 'truncated_normal'],
  );
});

test("the paper's worked bounds (SPEC.md §2) from the records' formulas", () => {
  const close = (a: number, b: number): boolean => Math.abs(a - b) < 5e-6;
  for (const [name, fanIn, fanOut, bound] of [
    ['standard', 1024, 1000, 0.03125],
    ['normalized', 1024, 1000, 0.05445],
    ['standard', 1000, 1000, 0.03162],
    ['normalized', 1000, 1000, 0.05477],
    ['normalized', 784, 1000, 0.05799],
    ['normalized', 3072, 1000, 0.03839],
    ['normalized', 1000, 10, 0.07708],
  ] as const) {
    const a = INIT_SCHEMES[name].scale(fanIn, fanOut, DEFAULT_TRUNCATED_STD);
    assert.ok(close(a, bound), `${name} ${fanIn}→${fanOut}: ${a} vs ${bound}`);
    // nn/init.ts applies the gain and reports the std of one weight, a/√3 for a uniform draw
    const r = initScale({ name, gain: 2 }, fanIn, fanOut);
    assert.equal(r.bound, 2 * a);
    assert.equal(r.std, (2 * a) / Math.sqrt(3));
  }
  // eq. (12): Var[W] = 2/(fanIn + fanOut) for normalized (uniform) and glorot_normal alike
  for (const name of ['normalized', 'glorot_normal'] as const) {
    assert.ok(Math.abs(initScale({ name }, 300, 500).std ** 2 - 2 / 800) < 1e-15, name);
  }
});
