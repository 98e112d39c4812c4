/**
 * What defines a network before training ({@link MlpConfig}), and its validation. The activation
 * names are not checked here: they are checked once where they enter (see {@link MlpConfig}); the
 * init schemes are checked against their one home (src/core/init-schemes.ts).
 */
import type { ActivationName } from '../core/activations.ts';
import { COSTS } from '../core/costs.ts';
import { describeValue } from '../core/describe.ts';
import { type InitSpec, checkInitSpec } from './init.ts';

/** Everything that defines a network before training. JSON-serialisable. */
export interface MlpConfig {
  /** `[n_0 … n_L]`: input size, hidden widths, number of classes. At least 2 entries. */
  readonly widths: readonly number[];
  /**
   * One activation for every hidden layer, or one per hidden layer (length L−1). Precondition, not
   * checked by nn: each is one of `ACTIVATIONS` (src/core/activations.ts). Where a name enters it is
   * checked once: a run's by the configuration schema (src/config/training.ts `ActivationSchema`), a
   * model file's by the model reader (./io.ts).
   */
  readonly activation: ActivationName | readonly ActivationName[];
  /** One scheme for every layer (output layer included, as the authors' code did), or one per layer (length L). */
  readonly init: InitSpec | readonly InitSpec[];
  /** Seed of the initialisation draws. */
  readonly seed: number;
}

/**
 * The error for a cost name that is not one of `COSTS` (src/core/costs.ts).
 * @returns a RangeError `cost must be one of "nll", "quadratic", got "mse" (a string)`.
 */
export function unknownCostError(cost: unknown): RangeError {
  return new RangeError(`cost must be one of ${COSTS.map((c) => `"${c}"`).join(', ')}, got ${describeValue(cost)}`);
}

/**
 * Validates a config's shape and expands per-layer activations and inits. The activation names
 * are taken as they are (see {@link MlpConfig.activation}).
 * @returns one activation name per hidden layer (L−1) and one init spec per weight layer (L).
 * @throws Error naming the field, what was expected and what was found; for an init scheme the
 *   errors of `checkInitSpec` with the field (`init`, or `init[2]` in a list).
 */
export function expandConfig(config: MlpConfig): { activations: ActivationName[]; inits: InitSpec[] } {
  const { widths } = config;
  if (!Array.isArray(widths) || widths.length < 2) {
    throw new Error(`widths: expected at least 2 sizes [input, …, classes], found ${JSON.stringify(widths)}`);
  }
  widths.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1) throw new Error(`widths[${i}]: expected a positive integer, found ${String(w)}`);
  });
  const L = widths.length - 1;
  const activations =
    typeof config.activation === 'string' ? Array<ActivationName>(L - 1).fill(config.activation) : [...config.activation];
  if (activations.length !== L - 1) {
    throw new Error(`activation: expected one name or ${L - 1} (one per hidden layer), found ${activations.length}`);
  }
  const inits = Array.isArray(config.init) ? [...(config.init as InitSpec[])] : Array<InitSpec>(L).fill(config.init as InitSpec);
  if (inits.length !== L) throw new Error(`init: expected one scheme or ${L} (one per layer), found ${inits.length}`);
  if (Array.isArray(config.init)) inits.forEach((spec, i) => checkInitSpec(spec, `init[${i}]`));
  else checkInitSpec(config.init, 'init');
  if (!Number.isSafeInteger(config.seed)) throw new Error(`seed: expected an integer, found ${String(config.seed)}`);
  return { activations, inits };
}
