import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogram, percentileSorted, safeRange, selectRanks, summarize } from '../../../src/probes/stats.ts';
import { mulberry32 } from '../../helpers/random.ts';

test('percentiles: unsorted input, exact min at 0 and max at 100, numpy linear interpolation, non-decreasing', () => {
  const r = mulberry32(1);
  const x = Float32Array.from({ length: 101 }, () => r() * 10 - 5);
  const sorted = Float64Array.from(x).sort();
  const s = summarize(x);
  assert.equal(s.min, sorted[0]);
  assert.equal(s.max, sorted[100]);
  assert.equal(s.percentiles[50], sorted[50]);
  assert.equal(percentileSorted(sorted, 101, 0), sorted[0]);
  assert.equal(percentileSorted(sorted, 101, 100), sorted[100]);
  // numpy: percentile([1,2,3,4], 40) = 2.2
  assert.ok(Math.abs(percentileSorted([1, 2, 3, 4], 4, 40) - 2.2) < 1e-12);
  let prev = -Infinity;
  for (let q = 0; q <= 100; q += 0.25) {
    const v = percentileSorted(sorted, 101, q);
    assert.ok(v >= prev, `q=${q}`);
    prev = v;
  }
  assert.throws(() => percentileSorted(sorted, 101, 101), /percentile must be in \[0, 100\], found 101/);
});

test('±Infinity never yield NaN percentiles; NaN and infinities are counted apart', () => {
  const x = Float32Array.of(NaN, Infinity, -Infinity, 1, 2, Infinity, NaN);
  const s = summarize(x);
  assert.equal(s.nan, 2);
  assert.equal(s.posInf, 2);
  assert.equal(s.negInf, 1);
  assert.equal(s.min, -Infinity);
  assert.equal(s.max, Infinity);
  for (const q of [1, 2, 50, 98, 99]) assert.ok(!Number.isNaN(s.percentiles[q]), `p${q}`);
  assert.equal(s.mean, 1.5);
  let prev = -Infinity;
  const sorted = [-Infinity, 1, 2, Infinity, Infinity];
  for (let q = 0; q <= 100; q += 1) {
    const v = percentileSorted(sorted, 5, q);
    assert.ok(!Number.isNaN(v) && v >= prev, `q=${q}: ${v}`);
    prev = v;
  }
  assert.equal(percentileSorted([-Infinity, Infinity], 2, 50), Infinity);
});

test('empty input: NaN summary, no throw; histogram of empty input has a valid range', () => {
  const s = summarize(new Float32Array(0));
  assert.equal(s.count, 0);
  assert.ok(Number.isNaN(s.mean) && Number.isNaN(s.min) && Number.isNaN(s.percentiles[50]!));
  const h = histogram(new Float32Array(0), 0, 10, null);
  assert.deepEqual([h.edges[0], h.edges[10]], [-1, 1]);
  assert.equal(h.counts.reduce((a, b) => a + b, 0), 0);
});

test('histograms: all-equal values get non-zero-width bins, edges strictly increasing and finite', () => {
  for (const v of [0, 3, -7e-20, 1e30, 2e-45]) {
    const x = new Float32Array(50).fill(v);
    const h = histogram(x, 50, 20, null);
    for (let k = 0; k < 20; k++) assert.ok(h.edges[k + 1]! > h.edges[k]!, `v=${v} bin ${k}`);
    assert.ok(h.edges.every(Number.isFinite));
    assert.equal(h.counts.reduce((a, b) => a + b, 0), 50, `v=${v} all counted`);
  }
  assert.deepEqual(safeRange(NaN, 1), [-1, 1]);
});

test('histograms: fixed range counts below/above; the max lands in the last bin; non-finite apart', () => {
  const x = Float32Array.of(-2, -1, -0.5, 0, 0.5, 1, 2, NaN, Infinity, -Infinity);
  const h = histogram(x, x.length, 4, [-1, 1]);
  assert.deepEqual(Array.from(h.edges), [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(Array.from(h.counts), [1, 1, 1, 2]);
  assert.equal(h.below, 1);
  assert.equal(h.above, 1);
  assert.deepEqual([h.nan, h.posInf, h.negInf], [1, 1, 1]);
  assert.throws(() => histogram(x, 3, 0, null), /bins must be a positive integer, found 0/);
});

test('selectRanks places every requested order statistic exactly as a full sort would (duplicates, infinities, ±0)', () => {
  const r = mulberry32(77);
  for (const n of [1, 2, 3, 25, 100, 1000, 20_000]) {
    for (const kind of ['uniform', 'few-values', 'sorted', 'reversed', 'with-inf'] as const) {
      const a = Float32Array.from({ length: n }, (_, i) =>
        kind === 'uniform' ? r() - 0.5 : kind === 'few-values' ? Math.floor(r() * 3) - 1 : kind === 'sorted' ? i : kind === 'reversed' ? -i : r() < 0.1 ? (r() < 0.5 ? Infinity : -Infinity) : r());
      if (kind === 'few-values' && n > 2) a[0] = -0;
      const sorted = Float32Array.from(a).sort();
      const ranks = [...new Set([0, n - 1, Math.floor(n / 100), Math.floor(n / 2), Math.max(0, n - 2), Math.floor(n * 0.98)])].filter((k) => k < n).sort((x, y) => x - y);
      selectRanks(a, 0, n - 1, ranks, 0, ranks.length);
      for (const k of ranks) assert.ok(a[k] === sorted[k], `${kind} n=${n} rank ${k}: ${a[k]} vs ${sorted[k]}`);
      // nothing lost: the multiset is unchanged
      assert.deepEqual(Float32Array.from(a).sort(), sorted);
    }
  }
});
