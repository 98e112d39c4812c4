/**
 * Several series (different layers, different runs) on one x axis, as uPlot draws them. No DOM:
 * unit-tested in Node.
 */
import type { ScalarSeries } from './source.ts';

/** Series aligned on the union of their x values: cols[i][j] is series i's value at x[j], or null. */
export interface Aligned {
  readonly x: number[];
  readonly cols: (number | null)[][];
}

/** Aligns series given as (updates, values) pairs on the union of their updates. */
export function align(series: readonly { readonly updates: readonly number[]; readonly values: readonly (number | null)[] }[]): Aligned {
  const all = new Set<number>();
  for (const s of series) for (const u of s.updates) all.add(u);
  const x = [...all].sort((a, b) => a - b);
  const at = new Map(x.map((u, i) => [u, i]));
  const cols = series.map((s) => {
    const col = new Array<number | null>(x.length).fill(null);
    s.updates.forEach((u, i) => (col[at.get(u)!] = s.values[i]));
    return col;
  });
  return { x, cols };
}

/** The layers (ascending) a scalar has in a run, leaving out the network-level −1. */
export function layersOf(series: ReadonlyMap<number, ScalarSeries>): number[] {
  return [...series.keys()].filter((l) => l >= 1).sort((a, b) => a - b);
}

/** Element-wise map over two aligned columns (null when either is null). */
export function zip(a: readonly (number | null)[], b: readonly (number | null)[], f: (x: number, y: number) => number): (number | null)[] {
  return a.map((x, i) => (x === null || b[i] === null ? null : f(x, b[i]!)));
}
