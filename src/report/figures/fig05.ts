/**
 * Fig. 5: the cost as a function of two weights, one in each layer, of a network with one tanh
 * hidden layer — cross-entropy (the softmax negative log-likelihood) vs the quadratic cost on the
 * softmax output (SPEC.md §5; the paper draws two 3-D surfaces, we draw two heat maps and a slice).
 *
 * The toy (our choice, SPEC.md §7 "Fig. 5 details"; docs/DECISIONS.md "Report"):
 * - network widths [1, 1, 2]: one input x, one tanh hidden unit h = tanh(w1·x), a softmax over two
 *   classes with logits (w2·h, 0); every bias 0. w1 = W^0[0,0] (first layer), w2 = W^1[0,0]
 *   (output layer); W^1[0,1] = 0.
 * - data: 1000 inputs x ~ N(0, 1) drawn with `Rng(deriveSeed(0, 'report/fig5'))`; class 0 when x > 0,
 *   else 1, each label flipped with probability 0.1 (so the cross-entropy minimum is finite).
 * - grid: w1, w2 ∈ [−6, 6], 61 × 61 points (step 0.2); cost = mean over the 1000 examples.
 * Computed with the project's own network (`Mlp`) and the float64-accumulating reference backend.
 * Where w1·w2 < 0 the network predicts the wrong class with confidence: the quadratic cost is flat
 * there (a plateau, gradient ≈ 0) while the cross-entropy keeps a slope toward the good region.
 */
import { createReferenceBackend } from '../../kernels/reference.ts';
import { Mlp } from '../../nn/mlp.ts';
import { deriveSeed, Rng } from '../../random/rng.ts';
import { composeFigure, type FigureBuild, type Json } from './common.ts';

/** The toy's settings (defaults in the module comment). */
export interface CostSurfaceOptions {
  /** Examples (default 1000). */
  readonly examples?: number;
  /** Probability of flipping a label (default 0.1). */
  readonly labelNoise?: number;
  /** Half-width of the grid for both weights (default 6). */
  readonly extent?: number;
  /** Grid points per axis (default 61). */
  readonly points?: number;
}

/** Both costs on the grid. */
export interface CostSurfaces {
  /** Grid values of w1 (and w2), ascending. */
  readonly grid: Float64Array;
  /** `[i2 * points + i1]`: mean cross-entropy (nats) at (w1 = grid[i1], w2 = grid[i2]). */
  readonly crossEntropy: Float64Array;
  /** Same layout: mean quadratic cost ½·Σ_c (softmax_c − onehot_c)². */
  readonly quadratic: Float64Array;
  readonly examples: number;
}

/**
 * Computes the two cost surfaces of the Fig. 5 toy.
 * @throws RangeError for a non-positive number of examples or points < 2.
 */
export function costSurfaces(options: CostSurfaceOptions = {}): CostSurfaces {
  const n = options.examples ?? 1000;
  const noise = options.labelNoise ?? 0.1;
  const extent = options.extent ?? 6;
  const points = options.points ?? 61;
  if (!(Number.isInteger(n) && n > 0) || !(Number.isInteger(points) && points >= 2)) {
    throw new RangeError(`cost surfaces: need examples > 0 and points ≥ 2, found ${n}, ${points}`);
  }
  const rng = new Rng(deriveSeed(0, 'report/fig5'));
  const x = new Float32Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    const clean = x[i]! > 0 ? 0 : 1;
    y[i] = rng.uniform() < noise ? 1 - clean : clean;
  }
  const backend = createReferenceBackend();
  const mlp = new Mlp(backend, { widths: [1, 1, 2], activation: 'tanh', init: { name: 'standard' }, seed: 0 });
  const grid = Float64Array.from({ length: points }, (_, i) => -extent + (2 * extent * i) / (points - 1));
  const crossEntropy = new Float64Array(points * points);
  const quadratic = new Float64Array(points * points);
  try {
    const [first, output] = mlp.layers;
    output!.W.fill(0);
    for (let i2 = 0; i2 < points; i2++) {
      output!.W[0] = grid[i2]!; // w2 = W^1[0,0]: hidden unit → logit of class 0
      for (let i1 = 0; i1 < points; i1++) {
        first!.W[0] = grid[i1]!; // w1 = W^0[0,0]: input → hidden unit
        const logits = mlp.forward(x, n);
        crossEntropy[i2 * points + i1] = backend.softmaxNll(logits, y, n, 2, null, 1) / n;
        quadratic[i2 * points + i1] = backend.softmaxQuadratic(logits, y, n, 2, null, 1) / n;
      }
    }
  } finally {
    mlp.dispose();
    backend.dispose();
  }
  return { grid, crossEntropy, quadratic, examples: n };
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

function heatPanel(title: string, rows: Json[], legend: string, scheme: string): Json {
  return {
    title,
    width: 300,
    height: 300,
    data: { values: rows },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'w1lo', type: 'quantitative', title: 'w1 (first layer: input → hidden)', scale: { nice: false } },
      x2: { field: 'w1hi' },
      y: { field: 'w2lo', type: 'quantitative', title: 'w2 (second layer: hidden → output)', scale: { nice: false } },
      y2: { field: 'w2hi' },
      color: { field: 'cost', type: 'quantitative', title: legend, scale: { scheme } },
    },
  };
}

/** Fig. 5 (see the module comment). */
export function buildFig5(surfaces: CostSurfaces = costSurfaces()): FigureBuild {
  const title = 'Cost surfaces over two weights of a one-hidden-layer tanh network: cross-entropy vs quadratic';
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
    `toy: x ~ N(0,1), ${surfaces.examples} examples, class = [x ≤ 0] with 10% label noise; h = tanh(w1·x), logits (w2·h, 0); grid ${p}×${p}`,
    [
      heatPanel('cross-entropy (softmax NLL)', heatRows(surfaces, surfaces.crossEntropy), 'cross-entropy (nats)', 'viridis'),
      heatPanel('quadratic cost on the softmax output', heatRows(surfaces, surfaces.quadratic), 'quadratic cost', 'magma'),
      slicePanel,
    ],
    'h',
  );
  return {
    number: 5,
    id: 'fig5',
    title,
    caption:
      'Our toy (the paper does not give its setup): one input x ~ N(0,1), one tanh hidden unit h = tanh(w1·x), a softmax over two classes with logits (w2·h, 0), all biases 0; ' +
      `${surfaces.examples} examples, class 0 when x > 0 else 1, 10% of labels flipped; w1, w2 on a ${p}×${p} grid over [−6, 6]; mean cost over the examples, computed with the project's Mlp on the reference backend. ` +
      'Where w1·w2 < 0 the net is confidently wrong: the quadratic cost is a plateau (gradient ≈ 0) while the cross-entropy still slopes toward the good quadrants — the paper\'s point that the quadratic cost has more plateaus.',
    status: 'ok',
    notes: [],
    runs: [],
    spec: { ...spec, resolve: { scale: { color: 'independent' } } } as typeof spec,
  };
}
