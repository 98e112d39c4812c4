/**
 * The benchmarked network and its work per step. Not part of the library.
 */
import type { Backend } from '../../src/kernels/backend.ts';
import { Mlp } from '../../src/nn/mlp.ts';

/** The paper's network: 32×32 inputs, five hidden layers of 1000, Shapeset's 9 classes. */
export const PAPER_WIDTHS: readonly number[] = [1024, 1000, 1000, 1000, 1000, 1000, 9];

/** Learning rate of every benchmarked step (small: fixed data must not drive the net anywhere odd). */
export const BENCH_LR = 1e-4;

/**
 * Floating-point operations of the GEMMs of one SGD step on `widths` at minibatch `batch`: forward
 * `z·W` for every layer, backward `∂C/∂s·Wᵀ` for every layer but the first (nothing flows into the
 * input), and the weight gradient `zᵀ·∂C/∂s` for every layer; 2 flops per multiply-add. Elementwise
 * work (activations, softmax, biases) is left out, as is usual: 281 MFLOP at batch 10 and 3.6 GFLOP
 * at batch 128 for the paper's network.
 */
export function stepFlops(widths: readonly number[], batch: number): number {
  let total = 0;
  for (let i = 0; i + 1 < widths.length; i++) {
    const p = widths[i]! * widths[i + 1]!;
    total += (i === 0 ? 2 : 3) * p;
  }
  return 2 * batch * total;
}

/**
 * A tanh network with the paper's normalized initialisation (eq. (16)) on `backend`, its input buffer
 * filled with uniform [0, 1) pixels and its targets cycling through the classes, ready for
 * `mlp.trainStep(null, null, batch, BENCH_LR)`.
 */
export function benchMlp(backend: Backend, widths: readonly number[], batches: readonly number[], seed = 1): Mlp {
  const mlp = new Mlp(backend, { widths, activation: 'tanh', init: { name: 'normalized' }, seed });
  const largest = Math.max(...batches);
  const { x, y } = mlp.inputBuffers(largest);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32;
  }
  for (let i = 0; i < largest; i++) y[i] = i % widths[widths.length - 1]!;
  return mlp;
}
