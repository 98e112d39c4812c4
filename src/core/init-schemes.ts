/**
 * The one home of the weight-initialisation schemes (SPEC.md §2): one record per scheme giving its
 * distribution, its source and the formula of its scale. src/nn/init.ts draws the weights; the
 * theory (src/probes/theory.ts) reads the exact std of one weight through nn/init.ts's `initScale`.
 * Weights are `[fanIn, fanOut]`; every scale is multiplied by the spec's `gain` (default 1).
 */

/** The initialisation schemes, by name. */
export const INIT_NAMES = [
  'standard',
  'normalized',
  'glorot_normal',
  'lecun_uniform',
  'lecun_normal',
  'he_uniform',
  'he_normal',
  'orthogonal',
  'truncated_normal',
  'torch_trunc_normal',
] as const;
/** One of {@link INIT_NAMES}. */
export type InitName = (typeof INIT_NAMES)[number];

/** How a scheme draws: the kind of distribution its {@link InitScheme.scale} parametrises. */
export type InitDistribution = 'uniform' | 'normal' | 'truncated_normal' | 'orthogonal';

/**
 * Std of a standard normal truncated to [−2, 2]: multiply the pre-truncation std by this to get the
 * std of the values drawn (SPEC.md §2: 0.87962566103423978).
 */
export const TRUNCATION_STD_FACTOR = 0.87962566103423978;

/** `truncated_normal`'s std before truncation when the spec gives none (Keras' default). */
export const DEFAULT_TRUNCATED_STD = 0.05;

/** `torch_trunc_normal`'s std before truncation when the spec gives none (PyTorch's `trunc_normal_` default, std = 1). */
export const DEFAULT_TORCH_TRUNC_STD = 1;

/** `torch_trunc_normal`'s absolute bounds [a, b] when the spec gives none (PyTorch's defaults, a = −2, b = 2). */
export const DEFAULT_TORCH_TRUNC_BOUNDS: readonly [number, number] = [-2, 2];

/** One initialisation scheme. */
export interface InitScheme {
  readonly name: InitName;
  readonly distribution: InitDistribution;
  /** Where it comes from, e.g. `eq. (16)` of the paper or `He et al. 2015`. */
  readonly source: string;
  /** The formula of {@link scale}, as the docs and messages print it. */
  readonly formula: string;
  /**
   * The scale before the gain, for a `[fanIn, fanOut]` layer: the bound `a` of U[−a, a] (uniform),
   * the std σ of N(0, σ²) (normal), the std of one weight (orthogonal), or σ before truncation
   * (truncated_normal, torch_trunc_normal: taken from the spec's `std`, default {@link defaultStd}).
   */
  readonly scale: (fanIn: number, fanOut: number, std: number) => number;
  /** The std before truncation when the spec gives none (the truncated schemes). */
  readonly defaultStd?: number;
}

/** The scheme records, by name (see {@link InitScheme}). */
export const INIT_SCHEMES: Readonly<Record<InitName, InitScheme>> = Object.freeze({
  standard: {
    name: 'standard',
    distribution: 'uniform',
    source: 'eq. (1)',
    formula: 'U[−1/√fanIn, 1/√fanIn]',
    scale: (fanIn) => 1 / Math.sqrt(fanIn),
  },
  normalized: {
    name: 'normalized',
    distribution: 'uniform',
    source: 'eq. (16) (Var[W] = 2/(fanIn+fanOut), the compromise of eq. (12))',
    formula: 'U[−√6/√(fanIn+fanOut), √6/√(fanIn+fanOut)]',
    scale: (fanIn, fanOut) => Math.sqrt(6) / Math.sqrt(fanIn + fanOut),
  },
  glorot_normal: {
    name: 'glorot_normal',
    distribution: 'normal',
    source: 'eq. (12) (Var[W] = 2/(fanIn+fanOut), drawn from a normal)',
    formula: 'N(0, 2/(fanIn+fanOut))',
    scale: (fanIn, fanOut) => Math.sqrt(2 / (fanIn + fanOut)),
  },
  lecun_uniform: {
    name: 'lecun_uniform',
    distribution: 'uniform',
    source: 'LeCun et al. 1998; meets eq. (10) exactly',
    formula: 'U[−√(3/fanIn), √(3/fanIn)]',
    scale: (fanIn) => Math.sqrt(3 / fanIn),
  },
  lecun_normal: {
    name: 'lecun_normal',
    distribution: 'normal',
    source: 'LeCun et al. 1998; meets eq. (10) exactly',
    formula: 'N(0, 1/fanIn)',
    scale: (fanIn) => Math.sqrt(1 / fanIn),
  },
  he_uniform: {
    name: 'he_uniform',
    distribution: 'uniform',
    source: 'He et al. 2015',
    formula: 'U[−√(6/fanIn), √(6/fanIn)]',
    scale: (fanIn) => Math.sqrt(6 / fanIn),
  },
  he_normal: {
    name: 'he_normal',
    distribution: 'normal',
    source: 'He et al. 2015',
    formula: 'N(0, 2/fanIn)',
    scale: (fanIn) => Math.sqrt(2 / fanIn),
  },
  orthogonal: {
    name: 'orthogonal',
    distribution: 'orthogonal',
    source: 'Saxe et al. 2014',
    formula: 'orthonormal rows or columns; std of one weight √(1/max(fanIn, fanOut))',
    scale: (fanIn, fanOut) => Math.sqrt(1 / Math.max(fanIn, fanOut)),
  },
  truncated_normal: {
    name: 'truncated_normal',
    distribution: 'truncated_normal',
    source: 'Keras TruncatedNormal, TensorFlow truncated_normal (bounds relative to std; not PyTorch trunc_normal_, see torch_trunc_normal)',
    formula: 'N(0, std²) restricted to [−2·std, 2·std] (draws outside are redrawn; not rescaled: the std of the draws is 0.8796·std)',
    scale: (_fanIn, _fanOut, std) => std,
    defaultStd: DEFAULT_TRUNCATED_STD,
  },
  torch_trunc_normal: {
    name: 'torch_trunc_normal',
    distribution: 'truncated_normal',
    source: 'PyTorch torch.nn.init.trunc_normal_(w, mean=0, std, a, b) (absolute bounds)',
    formula: 'N(0, std²) restricted to the absolute interval [a, b] (default std 1, a −2, b 2; the gain scales std, not a and b)',
    scale: (_fanIn, _fanOut, std) => std,
    defaultStd: DEFAULT_TORCH_TRUNC_STD,
  },
});
