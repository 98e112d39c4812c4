/**
 * The costs of SPEC.md §1, on the network's output layer: its logits `s^{L−1}` go through a softmax,
 * and the cost compares the softmax with the one-hot target. The softmax belongs to the cost, not to
 * the activations: the output layer has no activation function of its own.
 */

/** Softmax negative log-likelihood (the paper's cost), or quadratic on the softmax output (Fig. 5). */
export const COSTS = ['nll', 'quadratic'] as const;
/** One of {@link COSTS}. */
export type CostName = (typeof COSTS)[number];
