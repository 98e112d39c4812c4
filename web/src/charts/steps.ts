/**
 * Several stored histograms overlaid as step lines on one value axis, each over its own exact edges
 * (Figs. 4, 6–8; the compare view's one layer of many runs). uPlot needs one x array, so x is the
 * union of every histogram's edges; each histogram's value at an x is that of its own bin holding
 * x — its steps fall exactly on its own edges, nothing is rebinned.
 */

/** How a histogram's counts are scaled for display. */
export type HistNorm = 'fraction' | 'density' | 'count';

/** Labels of {@link HistNorm}. */
export const NORM_LABELS: Readonly<Record<HistNorm, string>> = {
  fraction: 'fraction per bin',
  density: 'density (fraction / bin width)',
  count: 'count',
};

/** One histogram to overlay. */
export interface StepInput {
  readonly edges: readonly number[];
  readonly counts: readonly number[];
}

/**
 * The union x and one value array per histogram: at x in [edges[j], edges[j+1]) the bin's scaled
 * count, 0 at the last edge (the line drops back), null outside the histogram's range.
 * @param hists histograms with `counts.length + 1` ascending edges each.
 * @returns x (ascending, unique) and ys[i] for hists[i], each as long as x.
 */
export function stepData(hists: readonly StepInput[], norm: HistNorm): { x: number[]; ys: (number | null)[][] } {
  const all = new Set<number>();
  for (const hst of hists) for (const e of hst.edges) all.add(e);
  const x = [...all].sort((a, b) => a - b);
  const ys = hists.map((hst) => {
    let total = 0;
    for (const c of hst.counts) total += c;
    const scale = (j: number): number => {
      const c = hst.counts[j];
      if (norm === 'count') return c;
      const f = total > 0 ? c / total : 0;
      return norm === 'fraction' ? f : f / (hst.edges[j + 1] - hst.edges[j]);
    };
    const n = hst.counts.length;
    const out: (number | null)[] = new Array<number | null>(x.length).fill(null);
    let j = 0;
    for (let i = 0; i < x.length && n > 0; i++) {
      const v = x[i];
      if (v < hst.edges[0] || v > hst.edges[n]) continue;
      if (v === hst.edges[n]) {
        out[i] = 0;
        continue;
      }
      while (j < n - 1 && v >= hst.edges[j + 1]) j++;
      out[i] = scale(j);
    }
    return out;
  });
  return { x, ys };
}

/** Whether every histogram has the same edges (then "fraction per bin" compares like with like). */
export function sameEdges(hists: readonly StepInput[]): boolean {
  const first = hists[0]?.edges;
  return hists.every((hst) => hst.edges.length === first.length && hst.edges.every((e, i) => e === first[i]));
}
