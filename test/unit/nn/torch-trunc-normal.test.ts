/**
 * torch_trunc_normal against PyTorch's own torch.nn.init.trunc_normal_ (issue 15, item 9), from a
 * committed fixture (scripts/fixtures/torch-trunc-normal.py, Debian's python3-torch 1.13; torch is
 * never a dependency). For each (std, a, b): glorot's exact std and mean agree with PyTorch's sample
 * moments, and glorot's draws and the closed-form CDF agree with PyTorch's quantiles within the
 * Dvoretzky–Kiefer–Wolfowitz bound at 10⁻⁶ (a correct sampler fails with probability under 10⁻⁶).
 * Also: what truncated_normal (Keras: ±2σ, relative) is, and how it differs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { INIT_SCHEMES, TRUNCATION_STD_FACTOR } from '../../../src/core/init-schemes.ts';
import { Rng } from '../../../src/core/rng.ts';
import { initScale, initWeights } from '../../../src/nn/init.ts';
import { normalCdf, truncatedMoments } from '../../../src/nn/truncated-normal.ts';

interface TorchCase {
  readonly std: number;
  readonly a: number;
  readonly b: number;
  readonly mean: number;
  readonly sampleStd: number;
  readonly min: number;
  readonly max: number;
  readonly quantileValues: readonly number[];
}
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/torch-trunc-normal.json', import.meta.url), 'utf8')) as {
  torch: string;
  n: number;
  quantiles: readonly number[];
  cases: readonly TorchCase[];
};

/** DKW: sup |F_n − F| ≤ √(ln(2/δ)/(2n)) with probability 1 − δ. */
const dkw = (n: number, delta = 1e-6): number => Math.sqrt(Math.log(2 / delta) / (2 * n));

test('Φ from erfc: known values to 1e-13 and the tails without cancellation', () => {
  // Φ(x) at x = 0, ±1, ±2, ±3 (Abramowitz & Stegun Table 26.1), and deep tails (R's pnorm)
  const known: ReadonlyArray<readonly [number, number]> = [
    [0, 0.5],
    [1, 0.8413447460685429],
    [-1, 0.15865525393145705],
    [2, 0.9772498680518208],
    [-3, 0.0013498980316300946],
    [-5, 2.866515718791939e-7],
    [-10, 7.619853024160527e-24],
    [-30, 4.906713927148187e-198],
  ];
  for (const [x, p] of known) assert.ok(Math.abs(normalCdf(x) - p) <= 1e-13 * p + 1e-16, `Φ(${x}) = ${normalCdf(x)}, expected ${p}`);
  // the ±2 truncation constant of SPEC.md §2 follows from the same moments
  assert.ok(Math.abs(Math.sqrt(truncatedMoments(-2, 2).variance) - TRUNCATION_STD_FACTOR) < 1e-13);
});

test(`torch_trunc_normal matches PyTorch ${FIXTURE.torch} trunc_normal_ on ${FIXTURE.cases.length} (std, a, b) cases`, () => {
  const n = 400_000;
  for (const c of FIXTURE.cases) {
    const at = `std ${c.std}, [${c.a}, ${c.b}]`;
    const spec = { name: 'torch_trunc_normal', std: c.std, a: c.a, b: c.b } as const;
    const exact = initScale(spec, 1, 1);
    const t = truncatedMoments(c.a / c.std, c.b / c.std);
    // the exact moments against PyTorch's sample moments (6 standard errors)
    const se = exact.std / Math.sqrt(FIXTURE.n);
    assert.ok(Math.abs(c.std * t.mean - c.mean) < 6 * se, `${at}: mean ${c.std * t.mean} vs PyTorch's ${c.mean}`);
    assert.ok(Math.abs(exact.std / c.sampleStd - 1) < 6 / Math.sqrt(2 * FIXTURE.n) + 1e-3, `${at}: std ${exact.std} vs PyTorch's ${c.sampleStd}`);
    // glorot's draws
    const w = new Float32Array(n);
    initWeights(w, n, 1, spec, new Rng(7));
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of w) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    assert.ok(lo >= Math.fround(c.a) && hi <= Math.fround(c.b), `${at}: draws in [${lo}, ${hi}]`);
    const sorted = Float64Array.from(w).sort();
    const below = (x: number): number => {
      let l = 0;
      let r = sorted.length;
      while (l < r) {
        const m = (l + r) >> 1;
        if (sorted[m]! <= x) l = m + 1;
        else r = m;
      }
      return l / sorted.length;
    };
    FIXTURE.quantiles.forEach((p, k) => {
      const q = c.quantileValues[k]!;
      // the closed-form CDF at PyTorch's quantile (PyTorch's sample: one-sample DKW)
      const cdf = (normalCdf(q / c.std) - normalCdf(c.a / c.std)) / t.mass;
      assert.ok(Math.abs(cdf - p) < dkw(FIXTURE.n), `${at}: F(q${p}) = ${cdf}`);
      // glorot's sample at PyTorch's quantile (two samples: both DKW bounds)
      assert.ok(Math.abs(below(q) - p) < dkw(FIXTURE.n) + dkw(n), `${at}: glorot's share below PyTorch's q${p} = ${below(q)}`);
    });
  }
});

test('truncated_normal is Keras\' TruncatedNormal, not PyTorch\'s: ±2σ relative bounds, std 0.8796σ; torch_trunc_normal at the same σ keeps its absolute ±2', () => {
  assert.match(INIT_SCHEMES.truncated_normal.source, /^Keras TruncatedNormal/);
  assert.match(INIT_SCHEMES.torch_trunc_normal.source, /^PyTorch torch\.nn\.init\.trunc_normal_/);
  const keras = initScale({ name: 'truncated_normal' }, 3, 3);
  assert.ok(Math.abs(keras.std - 0.05 * TRUNCATION_STD_FACTOR) < 1e-15);
  // PyTorch's trunc_normal_(w, std=0.05) with its default a = −2, b = 2: 40 stds away, so N(0, 0.05²)
  const torch = initScale({ name: 'torch_trunc_normal', std: 0.05 }, 3, 3);
  assert.ok(Math.abs(torch.std - 0.05) < 1e-15);
  // the Keras case written with absolute bounds is the same distribution
  assert.ok(Math.abs(initScale({ name: 'torch_trunc_normal', std: 0.05, a: -0.1, b: 0.1 }, 3, 3).std - keras.std) < 1e-15);
  // gain scales std, never the absolute bounds; PyTorch's default std is 1
  assert.ok(Math.abs(initScale({ name: 'torch_trunc_normal', gain: 0.02 }, 3, 3).std - 0.02) < 1e-15);
  assert.ok(Math.abs(initScale({ name: 'torch_trunc_normal' }, 3, 3).std - TRUNCATION_STD_FACTOR) < 1e-13);
  assert.throws(() => initScale({ name: 'torch_trunc_normal', a: 1, b: 1 }, 3, 3), /init: expected bounds a < b, found a = 1, b = 1/);
  assert.throws(() => initScale({ name: 'truncated_normal', a: -1 }, 3, 3), /init\.a: only torch_trunc_normal takes absolute bounds/);
});
