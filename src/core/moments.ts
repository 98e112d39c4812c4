/**
 * The one implementation of running moments (issue 15, item 9): Welford's one-pass mean and
 * variance (B. P. Welford, "Note on a method for calculating corrected sums of squares and
 * products", Technometrics 4(3), 1962; Knuth, TAOCP vol. 2, §4.2.2). Float64 throughout; never
 * E[x²] − E[x]², which cancels catastrophically on data far from 0 (`glorot data info` once showed
 * a pixel std 78% low on offset data). The probes (src/probes/stats.ts) and the dataset summaries
 * (src/data/stats.ts) both use it.
 */

/** Running count, mean and population variance of the values added so far. */
export class RunningMoments {
  /** Values added. */
  count = 0;
  /** Their mean (0 while none was added; see {@link result}). */
  mean = 0;
  /** Σ (x − mean)² so far. */
  private m2 = 0;

  /** Adds one value: n ← n + 1, δ = x − mean, mean ← mean + δ/n, M2 ← M2 + δ·(x − mean). */
  add(x: number): void {
    this.count++;
    const d = x - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (x - this.mean);
  }

  /** The population variance M2/n (NaN when nothing was added). */
  get variance(): number {
    return this.count === 0 ? Number.NaN : this.m2 / this.count;
  }

  /** Count, mean and population variance; mean and variance NaN when nothing was added. */
  result(): { mean: number; variance: number; count: number } {
    return this.count === 0 ? { mean: Number.NaN, variance: Number.NaN, count: 0 } : { mean: this.mean, variance: this.variance, count: this.count };
  }
}

/**
 * Mean and population variance of the FINITE values of `x[0 … n)` (NaN and ±Infinity are skipped),
 * by {@link RunningMoments}.
 * @returns mean, population variance, and the count of finite values (0 → NaN, NaN).
 */
export function meanVariance(x: ArrayLike<number>, n = x.length): { mean: number; variance: number; count: number } {
  const m = new RunningMoments();
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v - v === 0) m.add(v); // skips NaN and ±Infinity
  }
  return m.result();
}
