/**
 * Fig. 5's toy: the cost as a function of two weights, one in each layer, of a network with one tanh
 * hidden unit — cross-entropy (the softmax negative log-likelihood) vs the quadratic cost on the
 * softmax output (SPEC.md §5; our choice of toy, SPEC.md §7 "Fig. 5 details"; docs/DECISIONS.md
 * "Report"). The reproduce job computes it and stores it in the run record (src/core/artifacts.ts);
 * the report only draws it.
 *
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
import type { CostSurfaces } from '../core/artifacts.ts';
import { createReferenceBackend } from '../kernels/reference.ts';
import { Mlp } from '../nn/mlp.ts';
import { deriveSeed, Rng } from '../core/rng.ts';

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

/**
 * Computes the two cost surfaces of the Fig. 5 toy (see the module comment): deterministic, about a
 * second on the reference backend.
 * @returns the grid and both costs, `points` × `points` values each.
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
  return { grid, crossEntropy, quadratic, examples: n, labelNoise: noise };
}
