/**
 * The fast backends' allocation-free softmax costs, for the network's private training step only.
 * Not part of the {@link Backend} contract, which returns the loss: V8 boxes a float64 returned from
 * a call that is not inlined into a new 16-byte heap number, and a warm training step on the wasm
 * and native backends allocates nothing (issue 6, test/e2e/nn/allocation.test.ts). These variants write
 * the summed loss into `loss[0]` instead. The reference backend has none: it is the plain oracle,
 * and the network then takes the returned loss.
 */
import type { Backend } from './backend.ts';

/** A backend's softmax costs writing the loss summed over rows into `loss[0]` (see the file comment). */
export interface LossInto {
  /**
   * `Backend.softmaxNll` without `probs`, the loss summed over rows written into `loss[0]`.
   * @param loss a Float64Array of at least 1 element.
   * @throws TypeError and RangeError as `Backend.softmaxNll`; nothing is written then.
   */
  softmaxNllInto(
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    grad: Float32Array | null,
    scale: number,
    loss: Float64Array,
  ): void;
  /**
   * `Backend.softmaxQuadratic`, the loss summed over rows written into `loss[0]`.
   * @throws TypeError and RangeError as `Backend.softmaxQuadratic`; nothing is written then.
   */
  softmaxQuadraticInto(
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    grad: Float32Array | null,
    scale: number,
    loss: Float64Array,
  ): void;
}

/**
 * The allocation-free costs of a fast backend, or null for a backend without them (reference).
 * @returns the backend itself, seen through {@link LossInto}, when it has both methods.
 */
export function lossInto(backend: Backend): LossInto | null {
  const b = backend as Backend & Partial<LossInto>;
  return typeof b.softmaxNllInto === 'function' && typeof b.softmaxQuadraticInto === 'function' ? (b as LossInto) : null;
}
