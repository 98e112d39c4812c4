/** Shared helpers of the theory tests: seeded normal draws and Monte Carlo means with their standard errors. */
import assert from 'node:assert/strict';
import { mulberry32 } from '../../helpers/random.ts';

/** A seeded N(0, 1) generator (Box–Muller on mulberry32). */
export function normals(seed: number): () => number {
  const u = mulberry32(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const t = 2 * Math.PI * u();
    spare = r * Math.sin(t);
    return r * Math.cos(t);
  };
}

/** Mean and standard error of `n` draws of `sample()`. */
export function monteCarlo(n: number, sample: () => number): { mean: number; se: number } {
  let m = 0;
  let m2 = 0;
  for (let i = 1; i <= n; i++) {
    const v = sample();
    const d = v - m;
    m += d / i;
    m2 += d * (v - m);
  }
  return { mean: m, se: Math.sqrt(m2 / (n - 1) / n) };
}

/** Asserts |a − b| ≤ tol·|b| (relative), with a message naming what is compared. */
export function assertRel(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${what}: ${a} vs ${b} (relative error ${(Math.abs(a - b) / Math.abs(b)).toExponential(2)} > ${tol})`);
}
