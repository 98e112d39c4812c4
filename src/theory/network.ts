/**
 * The description of a network the mean-field theory needs, and its checks: widths, the hidden
 * activations, each layer's weight law (distribution and per-weight variance) and bias variance.
 *
 * Conventions (SPEC.md §1, as src/probes/theory.ts): weight layers i = 0 … L−1, `s^i = z^i W^i + b^i`,
 * `W^i` is `n_i × n_{i+1}` (fanIn × fanOut), `z^{i+1} = f(s^i)` for i < L−1, and `s^{L−1}` feeds the
 * softmax. The weight scale of layer i is `σ_w² = n_i · Var[W^i]` (fan-in convention of Poole et al.
 * 2016 and Schoenholz et al. 2017); the bias variance `σ_b² = Var[b^i]`.
 */
import type { ActivationName } from '../core/activations.ts';
import { checkTheoryActivation } from './gaussian.ts';

/**
 * How the weights of one layer are drawn. Only `orthogonal` differs from the others in the theory
 * (its singular values are all equal); uniform, normal and truncated normal weights enter through
 * their variance alone (the central limit theorem over the fan-in).
 */
export type WeightDistribution = 'uniform' | 'normal' | 'truncated_normal' | 'orthogonal';

/** The law of one layer's weights and biases at init. */
export interface LayerLaw {
  /** Var[W^i] of one weight (e.g. `initScale(...).std²`; for orthogonal, gain²/max(n_i, n_{i+1})). */
  readonly weightVariance: number;
  /** The weights' distribution (default `uniform`, as the paper's inits). */
  readonly distribution?: WeightDistribution;
  /** Var[b^i] = σ_b² (default 0, as the paper). */
  readonly biasVariance?: number;
}

/** A network as the theory sees it. */
export interface TheoryNetwork {
  /** `[n_0 … n_L]`, L ≥ 1 weight layers. */
  readonly widths: readonly number[];
  /** One activation for every hidden layer, or one per hidden layer (length L−1). */
  readonly activation: ActivationName | readonly ActivationName[];
  /** One law for every layer, or one per layer (length L). */
  readonly layers: LayerLaw | readonly LayerLaw[];
}

/** A {@link TheoryNetwork} with every per-layer value spelled out. */
export interface ExpandedNetwork {
  readonly widths: readonly number[];
  /** L − 1 hidden activations. */
  readonly activations: readonly ActivationName[];
  /** L layer laws with defaults filled in. */
  readonly layers: ReadonlyArray<Required<LayerLaw>>;
  /** σ_w² = n_i · Var[W^i] per layer. */
  readonly weightScale: readonly number[];
}

const DISTRIBUTIONS: readonly WeightDistribution[] = ['uniform', 'normal', 'truncated_normal', 'orthogonal'];

function positiveFinite(v: unknown, field: string): void {
  if (typeof v !== 'number' || !(v > 0) || v === Infinity) {
    throw new RangeError(`${field}: expected a finite number > 0, found ${String(v)}`);
  }
}

/**
 * Checks a network description and expands the per-layer values.
 * @throws RangeError naming the field, what was expected and what was found: `widths` with fewer
 *   than 2 entries (depth 0) or a width that is not a positive integer; an activation the theory
 *   does not cover (`activation[1]`); a list of the wrong length; a weight variance ≤ 0 or not
 *   finite (`layers[2].weightVariance`); a bias variance < 0; an unknown distribution.
 */
export function expandNetwork(net: TheoryNetwork): ExpandedNetwork {
  const { widths } = net;
  if (!Array.isArray(widths) || widths.length < 2) {
    const n = Array.isArray(widths) ? widths.length : 0;
    const found = Array.isArray(widths) ? `${n} entr${n === 1 ? 'y' : 'ies'} (depth ${Math.max(0, n - 1)})` : String(widths);
    throw new RangeError(`widths: expected [n_0 … n_L] with at least 2 entries (depth ≥ 1), found ${found}`);
  }
  widths.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`widths[${i}]: expected a positive integer, found ${String(n)}`);
  });
  const L = widths.length - 1;
  const activations = typeof net.activation === 'string' ? Array<ActivationName>(L - 1).fill(net.activation) : [...net.activation];
  if (typeof net.activation === 'string') checkTheoryActivation(net.activation, 'activation');
  else if (activations.length !== L - 1) {
    throw new RangeError(`activation: expected one name or ${L - 1} (one per hidden layer), found a list of ${activations.length}`);
  }
  activations.forEach((a, i) => checkTheoryActivation(a, typeof net.activation === 'string' ? 'activation' : `activation[${i}]`));
  const laws = Array.isArray(net.layers) ? (net.layers as readonly LayerLaw[]) : Array<LayerLaw>(L).fill(net.layers as LayerLaw);
  if (laws.length !== L) throw new RangeError(`layers: expected one law or ${L} (one per weight layer), found a list of ${laws.length}`);
  const layers = laws.map((law, i): Required<LayerLaw> => {
    const field = Array.isArray(net.layers) ? `layers[${i}]` : 'layers';
    positiveFinite(law.weightVariance, `${field}.weightVariance`);
    const biasVariance = law.biasVariance ?? 0;
    if (typeof biasVariance !== 'number' || !(biasVariance >= 0) || biasVariance === Infinity) {
      throw new RangeError(`${field}.biasVariance: expected a finite number ≥ 0, found ${String(biasVariance)}`);
    }
    const distribution = law.distribution ?? 'uniform';
    if (!DISTRIBUTIONS.includes(distribution)) {
      throw new RangeError(`${field}.distribution: expected one of ${DISTRIBUTIONS.join(', ')}, found ${JSON.stringify(distribution)}`);
    }
    return { weightVariance: law.weightVariance, distribution, biasVariance };
  });
  return { widths, activations, layers, weightScale: layers.map((l, i) => widths[i]! * l.weightVariance) };
}

/**
 * Checks a weight scale σ_w² and a bias variance σ_b² given directly (phase-diagram functions).
 * @throws RangeError `sigmaW2: expected a finite number > 0, found 0` (and `sigmaB2` ≥ 0).
 */
export function checkScales(sigmaW2: number, sigmaB2: number): void {
  positiveFinite(sigmaW2, 'sigmaW2');
  if (!(sigmaB2 >= 0) || sigmaB2 === Infinity) throw new RangeError(`sigmaB2: expected a finite number ≥ 0, found ${sigmaB2}`);
}
