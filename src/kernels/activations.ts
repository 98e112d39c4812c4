/**
 * Scalar activation functions and their derivatives, in float64: the mathematical definition every
 * backend's kernels are tested against (SPEC.md §1). Each is finite for every finite input and also
 * for ±Infinity (softsign(±∞) = ±1, sigmoid(−∞) = 0, every derivative at ±∞ is its limit).
 * The derivative is always a function of the pre-activation `s`.
 */
import {
  type ActivationName,
  ELU_ALPHA,
  LEAKY_RELU_SLOPE,
  SELU_ALPHA,
  SELU_SCALE,
  unknownActivationError,
} from './backend.ts';

/** Logistic sigmoid `1/(1+e^−s)`, computed without overflow for either sign of `s`. */
export function sigmoid(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

/**
 * `f(s)` for the named activation (SPEC.md §1).
 * @throws RangeError `unknown activation "gelu", expected one of …` for a name not in ACTIVATIONS.
 */
export function activate(name: ActivationName, s: number): number {
  switch (name) {
    case 'sigmoid':
      return sigmoid(s);
    case 'tanh':
      return Math.tanh(s);
    case 'softsign':
      if (s === Infinity) return 1;
      if (s === -Infinity) return -1;
      return s / (1 + Math.abs(s));
    case 'relu':
      return s > 0 ? s : 0;
    case 'leaky_relu':
      return s > 0 ? s : LEAKY_RELU_SLOPE * s;
    case 'elu':
      return s > 0 ? s : ELU_ALPHA * Math.expm1(s);
    case 'selu':
      return s > 0 ? SELU_SCALE * s : SELU_SCALE * SELU_ALPHA * Math.expm1(s);
    case 'linear':
      return s;
    default:
      throw unknownActivationError(name);
  }
}

/**
 * `f'(s)` for the named activation, from the pre-activation. At the kink of ReLU-like functions
 * (`s = 0`) the derivative is taken as the left one (0 for ReLU), as PyTorch does.
 * @throws RangeError as {@link activate}.
 */
export function derivative(name: ActivationName, s: number): number {
  switch (name) {
    case 'sigmoid': {
      const y = sigmoid(s);
      return y * (1 - y);
    }
    case 'tanh': {
      const t = Math.tanh(s);
      return 1 - t * t;
    }
    case 'softsign': {
      const d = 1 + Math.abs(s);
      return 1 / (d * d);
    }
    case 'relu':
      return s > 0 ? 1 : 0;
    case 'leaky_relu':
      return s > 0 ? 1 : LEAKY_RELU_SLOPE;
    case 'elu':
      return s > 0 ? 1 : ELU_ALPHA * Math.exp(s);
    case 'selu':
      return s > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(s);
    case 'linear':
      return 1;
    default:
      throw unknownActivationError(name);
  }
}

/**
 * The largest value of `f'` over all inputs: the slope the saturation threshold is relative to.
 * @throws RangeError as {@link activate}.
 */
export function maxSlope(name: ActivationName): number {
  switch (name) {
    case 'sigmoid':
      return 0.25;
    case 'selu':
      return SELU_SCALE * SELU_ALPHA; // ≈ 1.7581 as s → 0⁻
    case 'tanh':
    case 'softsign':
    case 'relu':
    case 'leaky_relu':
    case 'elu':
    case 'linear':
      return 1;
    default:
      throw unknownActivationError(name);
  }
}
