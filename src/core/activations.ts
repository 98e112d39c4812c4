/**
 * The one home of the hidden-unit activation functions (SPEC.md §1): one record per activation with
 * everything the product needs to know about it — its name, the stable integer code the kernels
 * switch on, f and f′ (in float64: the definition every backend's kernels are tested against), the
 * largest slope, the recommended initialisation gain, the histogram range of its values, the
 * saturation rule and its constants. The C and AssemblyScript code/constant tables are generated from
 * this file at build time (scripts/kernel-tables.ts, run by scripts/build.mjs); a test fails when the
 * committed generated files drift from it.
 *
 * Every f and f′ is finite for every finite input and for ±Infinity (softsign(±∞) = ±1,
 * sigmoid(−∞) = 0, every derivative at ±∞ is its limit). The derivative is always a function of the
 * pre-activation `s`. At the kink of ReLU-like functions (`s = 0`) it is the left one (0 for ReLU),
 * as PyTorch takes it.
 */
import { describeValue } from './describe.ts';

/** The hidden-unit activation functions, by their field names, in the order of their codes. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'softsign', 'relu', 'leaky_relu', 'elu', 'selu', 'linear'] as const;

/** One of {@link ACTIVATIONS}. */
export type ActivationName = (typeof ACTIVATIONS)[number];

/**
 * A unit is saturated when f′(s) < SATURATION_SLOPE_FRACTION × (the activation's largest slope):
 * for tanh |z| > 0.949, for sigmoid z < 0.026 or z > 0.974, for softsign |z| > 0.684, for ReLU any
 * s ≤ 0 (a dead unit). One rule for every activation (docs/DECISIONS.md).
 */
export const SATURATION_SLOPE_FRACTION = 0.1;

/** Everything about one activation function. */
export interface Activation {
  /** The field name, e.g. `"tanh"`. */
  readonly name: ActivationName;
  /**
   * Stable integer code shared with the wasm and native kernels (their `switch` uses the same
   * numbers, generated from this table). Never renumber: saved models store names, kernels codes.
   */
  readonly code: number;
  /** Where the function and its constants come from. */
  readonly source: string;
  /** `f(s)`, float64. */
  readonly f: (s: number) => number;
  /** `f′(s)`, float64, from the pre-activation (never from `z`, which loses precision where f saturates). */
  readonly df: (s: number) => number;
  /** The largest value of f′ over all inputs: the slope the saturation rule is relative to. */
  readonly maxSlope: number;
  /**
   * The slope below which a unit counts as saturated: {@link SATURATION_SLOPE_FRACTION} × maxSlope
   * (a unit is saturated when `df(s) < saturationSlope`).
   */
  readonly saturationSlope: number;
  /**
   * The recommended gain of an initialisation for this activation: PyTorch's
   * `torch.nn.init.calculate_gain` table (sigmoid 1, tanh 5/3, relu √2, leaky relu √(2/(1+slope²)),
   * selu 3/4, linear 1), extended to softsign and elu, which PyTorch does not list
   * (docs/DECISIONS.md): softsign 2.34 = 1/√E[softsign(z)²] for z ~ N(0,1), the rule that gives 1.59
   * for tanh (≈ PyTorch's rounded 5/3); elu 1, the SELU paper's practice. The paper uses no gain.
   */
  readonly gain: number;
  /** Fixed histogram range of bounded activations' values; `null`: the data's own [min, max]. */
  readonly histogramRange: readonly [number, number] | null;
  /**
   * The function's constants, by name (e.g. ELU's `alpha`). Each becomes a constant
   * `<NAME>_<KEY>` (e.g. `ELU_ALPHA`) in the generated C and AssemblyScript tables.
   */
  readonly constants: Readonly<Record<string, number>>;
}

/** Leaky ReLU's slope for negative inputs (PyTorch's default `negative_slope`). */
const LEAKY = { slope: 0.01 } as const;
/** ELU's `alpha` (Clevert et al. 2015, PyTorch's default). */
const ELU = { alpha: 1.0 } as const;
/** SELU's constants (Klambauer et al. 2017, as in PyTorch). */
const SELU = { alpha: 1.6732632423543772, scale: 1.0507009873554805 } as const;

/** Logistic sigmoid `1/(1+e^−s)`, computed without overflow for either sign of `s`. */
function sigmoid(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

/** A record with its saturation slope derived by the one rule. */
function define(a: Omit<Activation, 'saturationSlope'>): Activation {
  return Object.freeze({ ...a, saturationSlope: SATURATION_SLOPE_FRACTION * a.maxSlope });
}

/** The activation records, by name (see {@link Activation}). */
export const ACTIVATION_TABLE: Readonly<Record<ActivationName, Activation>> = Object.freeze({
  sigmoid: define({
    name: 'sigmoid',
    code: 0,
    source: 'SPEC.md §1 (the paper\'s logistic sigmoid)',
    f: sigmoid,
    df: (s) => {
      const y = sigmoid(s);
      return y * (1 - y);
    },
    maxSlope: 0.25,
    gain: 1,
    histogramRange: [0, 1],
    constants: {},
  }),
  tanh: define({
    name: 'tanh',
    code: 1,
    source: 'SPEC.md §1',
    f: Math.tanh,
    df: (s) => {
      const t = Math.tanh(s);
      return 1 - t * t;
    },
    maxSlope: 1,
    gain: 5 / 3,
    histogramRange: [-1, 1],
    constants: {},
  }),
  softsign: define({
    name: 'softsign',
    code: 2,
    source: 'SPEC.md §1 (Bergstra et al. 2009)',
    f: (s) => {
      if (s === Infinity) return 1;
      if (s === -Infinity) return -1;
      return s / (1 + Math.abs(s));
    },
    df: (s) => {
      const d = 1 + Math.abs(s);
      return 1 / (d * d);
    },
    maxSlope: 1,
    gain: 2.34,
    histogramRange: [-1, 1],
    constants: {},
  }),
  relu: define({
    name: 'relu',
    code: 3,
    source: 'SPEC.md §1 (an extension beyond the paper)',
    f: (s) => (s > 0 ? s : 0),
    df: (s) => (s > 0 ? 1 : 0),
    maxSlope: 1,
    gain: Math.SQRT2,
    histogramRange: null,
    constants: {},
  }),
  leaky_relu: define({
    name: 'leaky_relu',
    code: 4,
    source: 'Maas et al. 2013, PyTorch\'s default slope',
    f: (s) => (s > 0 ? s : LEAKY.slope * s),
    df: (s) => (s > 0 ? 1 : LEAKY.slope),
    maxSlope: 1,
    gain: Math.sqrt(2 / (1 + LEAKY.slope * LEAKY.slope)),
    histogramRange: null,
    constants: LEAKY,
  }),
  elu: define({
    name: 'elu',
    code: 5,
    source: 'Clevert et al. 2015',
    f: (s) => (s > 0 ? s : ELU.alpha * Math.expm1(s)),
    df: (s) => (s > 0 ? 1 : ELU.alpha * Math.exp(s)),
    maxSlope: 1,
    gain: 1,
    histogramRange: null,
    constants: ELU,
  }),
  selu: define({
    name: 'selu',
    code: 6,
    source: 'Klambauer et al. 2017',
    f: (s) => (s > 0 ? SELU.scale * s : SELU.scale * SELU.alpha * Math.expm1(s)),
    df: (s) => (s > 0 ? SELU.scale : SELU.scale * SELU.alpha * Math.exp(s)),
    maxSlope: SELU.scale * SELU.alpha, // ≈ 1.7581 as s → 0⁻
    gain: 0.75,
    histogramRange: null,
    constants: SELU,
  }),
  linear: define({
    name: 'linear',
    code: 7,
    source: 'SPEC.md §1 (the identity: no non-linearity)',
    f: (s) => s,
    df: () => 1,
    maxSlope: 1,
    gain: 1,
    histogramRange: null,
    constants: {},
  }),
});

/** The error for a name that is not one of {@link ACTIVATIONS}: `unknown activation "gelu", expected one of …`. */
export function unknownActivationError(activation: unknown): RangeError {
  const found = typeof activation === 'string' ? JSON.stringify(activation) : describeValue(activation);
  return new RangeError(`unknown activation ${found}, expected one of ${ACTIVATIONS.join(', ')}`);
}

/**
 * The record of an activation, checking the name.
 * @throws RangeError `unknown activation "gelu", expected one of sigmoid, tanh, …` when `name` is
 *   not one of {@link ACTIVATIONS} (also for inherited property names such as "toString").
 */
export function activationOf(name: ActivationName): Activation {
  if (typeof name !== 'string' || !Object.hasOwn(ACTIVATION_TABLE, name)) throw unknownActivationError(name);
  return ACTIVATION_TABLE[name];
}

/** Whether `name` is one of {@link ACTIVATIONS}. */
export function isActivationName(name: unknown): name is ActivationName {
  return typeof name === 'string' && Object.hasOwn(ACTIVATION_TABLE, name);
}
