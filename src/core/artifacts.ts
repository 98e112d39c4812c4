/**
 * Artifacts: results of a reproduce job that belong to no run, kept in the run record's `artifacts`
 * table (docs/STORE.md) so that the report only reads. The reproduce job (src/run) computes and
 * stores them; the report (src/report) draws them.
 */

/** The artifact holding Fig. 5's cost surfaces. */
export const COST_SURFACES_ARTIFACT = 'fig5.cost_surfaces';

/** Name prefix of Fig. 1's example sheets: `fig1.examples.<dataset>`. */
export const EXAMPLE_SHEET_PREFIX = 'fig1.examples.';

/** Name prefix of a dataset's class priors: `class_priors.<dataset>`. */
export const CLASS_PRIORS_PREFIX = 'class_priors.';

/** An artifact's name: {@link COST_SURFACES_ARTIFACT}, an example sheet's or a dataset's class priors. */
export type ArtifactName = typeof COST_SURFACES_ARTIFACT | `${typeof EXAMPLE_SHEET_PREFIX}${string}` | `${typeof CLASS_PRIORS_PREFIX}${string}`;

/**
 * Fig. 5's toy: the mean cross-entropy and quadratic cost of a one-hidden-unit tanh network over a
 * grid of its two weights (src/probes/costSurface.ts says how it is made).
 */
export interface CostSurfaces {
  /** Grid values of w1 (and w2), ascending: `points` of them. */
  readonly grid: Float64Array;
  /** `[i2 * points + i1]`: mean cross-entropy (nats) at (w1 = grid[i1], w2 = grid[i2]). */
  readonly crossEntropy: Float64Array;
  /** Same layout: mean quadratic cost ½·Σ_c (softmax_c − onehot_c)². */
  readonly quadratic: Float64Array;
  /** Number of toy examples the costs are averaged over. */
  readonly examples: number;
  /** Probability with which each toy label was flipped. */
  readonly labelNoise: number;
}

/** Fig. 1's sheet of example images of one dataset: one row per class, labelled (src/data/preview.ts). */
export interface ExampleSheet {
  /** Dataset name as openDataset understands it, e.g. `shapeset`, `fashion-mnist`. */
  readonly dataset: string;
  /** How the sheet shows the data, for its panel title, e.g. `shown at 64×64; trained at 32×32`. */
  readonly note: string;
  /** The sheet as a PNG file. */
  readonly png: Uint8Array;
  /** Its size in pixels. */
  readonly width: number;
  readonly height: number;
}

/**
 * A dataset's class priors, for its chance level (the majority-class error): Shapeset-3×2's from its
 * generator's sampling rule (src/data/shapeset/params.ts `shapesetClassPriors`).
 */
export interface ClassPriors {
  /** Dataset name, e.g. `shapeset`. */
  readonly dataset: string;
  /** Probability of each class, by label; they sum to 1. */
  readonly priors: readonly number[];
}
