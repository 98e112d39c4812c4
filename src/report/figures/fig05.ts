/**
 * Fig. 5: the cost as a function of two weights, one in each layer, of a network with one tanh
 * hidden layer — cross-entropy vs the quadratic cost on the softmax output (SPEC.md §5; the paper
 * draws two 3-D surfaces, we draw two heat maps and a slice). The toy and its computation are in
 * src/probes/costSurface.ts; the reproduce job stores the surfaces in the run record and this file
 * only draws them.
 */
import type { CostSurfaces } from '../../core/artifacts.ts';
import { composeFigure, type FigureBuild, type Json, notRunFigure } from './common.ts';

/** `0.1` → `10%`. */
function percent(x: number): string {
  return `${Number((100 * x).toPrecision(6))}%`;
}

/** A number with a typographic minus sign. */
function signed(x: number): string {
  return String(x).replace('-', '−');
}

/** Heat-map rows {w1lo, w1hi, w2lo, w2hi, cost} of one surface. */
function heatRows(s: CostSurfaces, values: Float64Array): Json[] {
  const p = s.grid.length;
  const h = (s.grid[1]! - s.grid[0]!) / 2;
  const rows: Json[] = [];
  for (let i2 = 0; i2 < p; i2++) {
    for (let i1 = 0; i1 < p; i1++) {
      const w1 = s.grid[i1]!;
      const w2 = s.grid[i2]!;
      rows.push({ w1lo: w1 - h, w1hi: w1 + h, w2lo: w2 - h, w2hi: w2 + h, cost: values[i2 * p + i1]! });
    }
  }
  return rows;
}

/** Pixels per grid cell of a heat map: whole, so every cell's edges fall on whole pixels. */
const CELL_PX = 5;

/**
 * One heat map. Its cells are `CELL_PX` pixels on whole-pixel edges (rounded scales) and carry no
 * per-cell ARIA label: 3,721 cells × 2 maps of "w1: …; w2: …; cost: …" labels and 16-digit
 * coordinates made fig5.svg 2.5 MB (issue 15, item 16); the picture is the same.
 */
function heatPanel(title: string, rows: Json[], points: number, legend: string, scheme: string): Json {
  const side = points * CELL_PX;
  return {
    title,
    width: side,
    height: side,
    data: { values: rows },
    mark: { type: 'rect', aria: false },
    encoding: {
      x: { field: 'w1lo', type: 'quantitative', title: 'w1 (first layer: input → hidden)', scale: { nice: false, round: true } },
      x2: { field: 'w1hi' },
      y: { field: 'w2lo', type: 'quantitative', title: 'w2 (second layer: hidden → output)', scale: { nice: false, round: true } },
      y2: { field: 'w2hi' },
      color: { field: 'cost', type: 'quantitative', title: legend, scale: { scheme } },
    },
  };
}

/**
 * Fig. 5 (see the module comment).
 * @param surfaces the stored surfaces (`RunStore.costSurfaces()`), or null for a record made before
 *   glorot stored them: the figure then says so.
 */
export function buildFig5(surfaces: CostSurfaces | null): FigureBuild {
  const title = 'Cost surfaces over two weights of a one-hidden-layer tanh network: cross-entropy vs quadratic';
  if (surfaces === null) {
    return notRunFigure(
      5,
      title,
      'the record predates stored cost surfaces: run glorot reproduce here again',
      'The toy of Fig. 5 is computed by the reproduce job and stored in the run record ' +
        '(artifact fig5.cost_surfaces); this record was made before glorot stored it. ' +
        'Running the same glorot reproduce command again in this directory adds it (finished runs are skipped).',
      'not in this run record',
    );
  }
  const p = surfaces.grid.length;
  // slice at the grid point nearest w1 = 2: cost against w2
  let j = 0;
  for (let i = 0; i < p; i++) if (Math.abs(surfaces.grid[i]! - 2) < Math.abs(surfaces.grid[j]! - 2)) j = i;
  const slice: Json[] = [];
  for (let i2 = 0; i2 < p; i2++) {
    slice.push({ w2: surfaces.grid[i2]!, cost: surfaces.crossEntropy[i2 * p + j]!, kind: 'cross-entropy' });
    slice.push({ w2: surfaces.grid[i2]!, cost: surfaces.quadratic[i2 * p + j]!, kind: 'quadratic' });
  }
  const slicePanel: Json = {
    title: `slice at w1 = ${surfaces.grid[j]!.toFixed(1)}`,
    width: 280,
    height: 300,
    data: { values: slice },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'w2', type: 'quantitative', title: 'w2 (second layer)' },
      y: { field: 'cost', type: 'quantitative', title: 'mean cost' },
      color: { field: 'kind', type: 'nominal', title: 'cost', scale: { domain: ['cross-entropy', 'quadratic'], range: ['#222222', '#d62728'] } },
    },
  };
  const spec = composeFigure(
    `Fig. 5: ${title}`,
    `toy: x ~ N(0,1), ${surfaces.examples} examples, class = [x ≤ 0] with ` +
      `${percent(surfaces.labelNoise)} label noise; h = tanh(w1·x), logits (w2·h, 0); grid ${p}×${p}`,
    [
      heatPanel('cross-entropy (softmax NLL)', heatRows(surfaces, surfaces.crossEntropy), p, 'cross-entropy (nats)', 'viridis'),
      heatPanel('quadratic cost on the softmax output', heatRows(surfaces, surfaces.quadratic), p, 'quadratic cost', 'magma'),
      slicePanel,
    ],
    'h',
  );
  return {
    number: 5,
    id: 'fig5',
    title,
    caption:
      'Our toy (the paper does not give its setup): one input x ~ N(0,1), one tanh hidden ' +
        'unit h = tanh(w1·x), a softmax over two classes with logits (w2·h, 0), all biases 0; ' +
      `${surfaces.examples} examples, class 0 when x > 0 else 1, ${percent(surfaces.labelNoise)} of labels flipped; w1, w2 on a ${p}×${p} grid over ` +
        `[${signed(surfaces.grid[0]!)}, ${signed(surfaces.grid[p - 1]!)}]; mean cost over the examples, computed by the reproduce job with the project's ` +
          `Mlp on the reference backend and stored in the run record. ` +
      'Where w1·w2 < 0 the net is confidently wrong: the quadratic cost is a plateau (gradient ≈ 0) while the cross-entropy still slopes toward the good ' +
        'quadrants — the paper\'s point that the quadratic cost has more plateaus.',
    status: 'ok',
    notes: [],
    runs: [],
    spec: { ...spec, resolve: { scale: { color: 'independent' } } } as typeof spec,
  };
}
