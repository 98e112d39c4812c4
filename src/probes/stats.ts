/**
 * Numerically careful summaries of one tensor's values: moments, percentiles, histograms.
 * Float64 accumulation throughout; the variance is Welford's (never E[x²] − E[x]²), from its one
 * home, src/core/moments.ts.
 */

import { PERCENTILES } from '../core/metrics.ts';
import { meanVariance } from '../core/moments.ts';

/** Summary of the finite values of a tensor, with counts of the non-finite ones. */
export interface Summary {
  /** Number of values summarised (finite, plus ±Infinity for min/max/percentiles). */
  readonly count: number;
  /** Mean and population std of the FINITE values (NaN when there are none). */
  readonly mean: number;
  readonly std: number;
  /** Smallest and largest value including ±Infinity (NaN when empty). */
  readonly min: number;
  readonly max: number;
  /** Percentile q → value, for q in {@link PERCENTILES}, over all non-NaN values. */
  readonly percentiles: Readonly<Record<number, number>>;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
}

/**
 * Percentile `q` ∈ [0, 100] of an ascending array with no NaN, by linear interpolation between
 * order statistics (numpy's default `linear` method): q = 0 gives the exact minimum, q = 100 the
 * exact maximum, and the result never decreases as q grows. When an interpolation neighbour is
 * infinite, the nearer neighbour is returned (so ±Infinity inputs never yield NaN).
 * @throws RangeError when q is outside [0, 100].
 */
export function percentileSorted(sorted: ArrayLike<number>, n: number, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile must be in [0, 100], found ${q}`);
  if (n === 0) return NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const f = pos - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  if (f === 0 || a === b) return a;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return f < 0.5 ? a : b;
  const v = a + (b - a) * f;
  return v < a ? a : v > b ? b : v; // rounding can never leave [a, b]
}

/** Reusable scratch for {@link summarize}, so repeated probes do not allocate. */
export class Scratch {
  private buf = new Float32Array(0);
  /** A Float32Array of at least n elements (contents undefined). */
  get(n: number): Float32Array {
    if (this.buf.length < n) this.buf = new Float32Array(Math.max(n, Math.ceil(this.buf.length * 1.5)));
    return this.buf;
  }
}

/**
 * Summary of `x[0 … n)`: moments of the finite values; min, max and percentiles of all non-NaN
 * values (so ±Infinity show up as the extremes); NaN and ±Infinity counted separately.
 * Works on unsorted input (copies into `scratch` and sorts the copy).
 */
export function summarize(x: Float32Array, n = x.length, scratch: Scratch = new Scratch()): Summary {
  const { mean, variance } = meanVariance(x, n);
  const s = scratch.get(n);
  let m = 0;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v !== v) {
      nan++;
      continue;
    }
    if (v === Infinity) posInf++;
    else if (v === -Infinity) negInf++;
    s[m++] = v;
  }
  // Only the order statistics the percentiles need are placed (multi-quickselect, O(m)), not a full
  // O(m log m) sort: a probe summarises ~10^6 weight gradients per layer (bench: probe overhead).
  const values = s.subarray(0, m);
  const ranks = new Set<number>([0, m - 1]);
  for (const q of PERCENTILES) {
    const pos = (q / 100) * (m - 1);
    ranks.add(Math.floor(pos));
    ranks.add(Math.min(Math.floor(pos) + 1, m - 1));
  }
  const sortedRanks = [...ranks].filter((r) => r >= 0).sort((a, b) => a - b);
  selectRanks(values, 0, m - 1, sortedRanks, 0, sortedRanks.length);
  const sorted = values; // correct at every rank in sortedRanks, which is all percentileSorted reads
  const percentiles: Record<number, number> = {};
  for (const q of PERCENTILES) percentiles[q] = percentileSorted(sorted, m, q);
  return {
    count: m,
    mean,
    std: Math.sqrt(variance),
    min: m > 0 ? sorted[0]! : NaN,
    max: m > 0 ? sorted[m - 1]! : NaN,
    percentiles,
    nan,
    posInf,
    negInf,
  };
}

/**
 * Rearranges `a[left … right]` so that, for every rank r in `ranks[rLo … rHi)` (ascending, within
 * [left, right]), `a[r]` holds the value a full ascending sort would put there (multi-quickselect:
 * median-of-three pivots, Hoare partition, insertion sort for short ranges). No NaN allowed.
 */
export function selectRanks(a: Float32Array, left: number, right: number, ranks: readonly number[], rLo: number, rHi: number): void {
  while (rLo < rHi && right > left) {
    if (right - left < 24) {
      for (let i = left + 1; i <= right; i++) {
        const v = a[i]!;
        let j = i - 1;
        while (j >= left && a[j]! > v) {
          a[j + 1] = a[j]!;
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    const mid = (left + right) >>> 1;
    const x = a[left]!;
    const y = a[mid]!;
    const z = a[right]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    // now a[left … j] ≤ pivot, a[i … right] ≥ pivot, and a[j+1 … i−1] (if any) equal the pivot
    let split = rLo;
    while (split < rHi && ranks[split]! <= j) split++;
    let rightStart = split;
    while (rightStart < rHi && ranks[rightStart]! < i) rightStart++;
    // recurse into the side with fewer ranks, loop on the other
    if (split - rLo < rHi - rightStart) {
      selectRanks(a, left, j, ranks, rLo, split);
      left = i;
      rLo = rightStart;
    } else {
      selectRanks(a, i, right, ranks, rightStart, rHi);
      right = j;
      rHi = split;
    }
  }
}

/** A histogram of one tensor: `bins` equal-width bins over [edges[0], edges[bins]]. */
export interface Histogram {
  /** `bins + 1` strictly increasing finite edges. */
  readonly edges: Float64Array;
  /** Count per bin; values equal to the last edge fall in the last bin. */
  readonly counts: Float64Array;
  /** Finite values below the first edge / above the last (0 with an automatic range). */
  readonly below: number;
  readonly above: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
}

/**
 * A valid range for a histogram: `[lo, hi]` itself when finite with lo < hi; when lo == hi (all
 * values equal) a range centred on the value, ±max(|v|/2, 1e-30), so no bin has zero width; when
 * lo or hi is not finite (no finite values), [−1, 1].
 */
export function safeRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) return [-1, 1];
  if (hi > lo) return [lo, hi];
  const half = Math.max(Math.abs(lo) / 2, 1e-30);
  return [lo - half, lo + half];
}

/**
 * Histogram of `x[0 … n)` with `bins` equal bins over `range`, or over [min, max] of the finite
 * values when `range` is null (see {@link safeRange}). NaN and ±Infinity are counted apart, never
 * binned. `normalized` histograms (the paper's Figs. 4, 6–8) are `counts / total` at display time.
 * @throws RangeError when bins is not a positive integer.
 */
export function histogram(x: Float32Array, n: number, bins: number, range: readonly [number, number] | null): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, found ${bins}`);
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  let lo = range ? range[0] : Infinity;
  let hi = range ? range[1] : -Infinity;
  if (!range) {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      if (v - v !== 0) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  [lo, hi] = safeRange(lo, hi);
  const edges = new Float64Array(bins + 1);
  for (let k = 0; k <= bins; k++) edges[k] = lo + ((hi - lo) * k) / bins;
  edges[bins] = hi;
  const counts = new Float64Array(bins);
  const scale = bins / (hi - lo);
  let below = 0;
  let above = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v !== v) nan++;
    else if (v === Infinity) posInf++;
    else if (v === -Infinity) negInf++;
    else if (v < lo) below++;
    else if (v > hi) above++;
    else {
      let k = Math.floor((v - lo) * scale);
      if (k >= bins) k = bins - 1;
      counts[k]!++;
    }
  }
  return { edges, counts, below, above, nan, posInf, negInf };
}
