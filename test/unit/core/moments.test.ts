/**
 * Running moments have one home (src/core/moments.ts, Welford's method), and every summary in glorot
 * uses it: the probes' statistics and `glorot data info`'s pixel statistics (issue 15, item 9). Each
 * is checked against a two-pass float64 reference on data far from 0, where E[x²] − E[x]² cancels
 * (data info's old formula, kept here as `naiveVariance`, is shown to fail on the same inputs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanVariance, RunningMoments } from '../../../src/core/moments.ts';
import { tableSplit } from '../../../src/data/splits.ts';
import { summarizeSplit } from '../../../src/data/stats.ts';
import { summarize } from '../../../src/probes/stats.ts';
import { mulberry32 } from '../../helpers/random.ts';

/** Mean and population variance by two passes in float64: the reference. */
function twoPass(x: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const mean = s / x.length;
  let q = 0;
  for (let i = 0; i < x.length; i++) q += (x[i]! - mean) ** 2;
  return { mean, variance: q / x.length };
}

/** The one-pass E[x²] − E[x]² that `glorot data info` used before (issue 15, item 9). */
function naiveVariance(x: ArrayLike<number>): number {
  let s = 0;
  let q = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i]!;
    q += x[i]! * x[i]!;
  }
  return Math.max(0, q / x.length - (s / x.length) ** 2);
}

/** Float32 data: `offset` plus uniform noise of half-width `spread`. */
function offsetData(n: number, offset: number, spread: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => offset + spread * (2 * r() - 1));
}

// offset, spread: from pixel-like data in [0, 1] to data far from 0 (a folder of nearly white images,
// an IDX set written as offset bytes)
const CASES: ReadonlyArray<readonly [number, number]> = [
  [0.5, 0.5],
  [0.999, 0.001],
  [255, 0.5],
  [1e4, 0.5],
  [1e6, 1],
  [-3e4, 2],
];

test('RunningMoments and meanVariance agree with a two-pass float64 reference where E[x²] − E[x]² fails', () => {
  let naiveFailures = 0;
  CASES.forEach(([offset, spread], k) => {
    const x = offsetData(20_000, offset, spread, k + 1);
    const ref = twoPass(x);
    const m = new RunningMoments();
    for (const v of x) m.add(v);
    for (const got of [m.result(), meanVariance(x)]) {
      assert.ok(Math.abs(got.mean - ref.mean) <= 1e-12 * Math.abs(ref.mean) + 1e-15, `offset ${offset}: mean ${got.mean} vs ${ref.mean}`);
      assert.ok(Math.abs(got.variance - ref.variance) <= 1e-9 * ref.variance, `offset ${offset}: variance ${got.variance} vs ${ref.variance}`);
    }
    if (Math.abs(naiveVariance(x) - ref.variance) > 1e-6 * ref.variance) naiveFailures++;
  });
  assert.ok(naiveFailures >= 3, `E[x²] − E[x]² should be visibly wrong on the offset cases, was wrong on ${naiveFailures}`);
  // empty, and the non-finite values meanVariance skips
  assert.deepEqual(new RunningMoments().result(), { mean: NaN, variance: NaN, count: 0 });
  assert.deepEqual(meanVariance([1, NaN, 3, Infinity, -Infinity]), { mean: 2, variance: 1, count: 2 });
});

test('every summary uses the one implementation: the probes and data info give its bits exactly', () => {
  CASES.forEach(([offset, spread], k) => {
    const rows = 50;
    const inputSize = 40;
    const x = offsetData(rows * inputSize, offset, spread, 100 + k);
    const one = meanVariance(x);
    // the probes' summary of a tensor
    const probe = summarize(x);
    assert.equal(probe.mean, one.mean, `probe mean, offset ${offset}`);
    assert.equal(probe.std, Math.sqrt(one.variance), `probe std, offset ${offset}`);
    // data info's summary of a split, read in chunks
    const split = tableSplit({ pixels: x, labels: new Int32Array(rows), n: rows, inputSize }, 'offset');
    const info = summarizeSplit(split, inputSize, 1);
    assert.equal(info.pixels.mean, one.mean, `data info mean, offset ${offset}`);
    assert.equal(info.pixels.std, Math.sqrt(one.variance), `data info std, offset ${offset}`);
  });
});
