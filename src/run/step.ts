/**
 * One SGD update of the training loop, and the loop's running tallies. Kept apart from the rest of
 * the trainer so V8 optimises the update whole: a warm update allocates nothing (issue 6,
 * test/run/train-allocation.test.ts).
 */
import type { TrainStream } from '../data/dataset.ts';
import { argmax } from '../nn/evaluate.ts';
import type { Sgd } from '../nn/sgd.ts';

/** Running sums of the training cost and errors between probe points (part of a checkpoint). */
export interface Running {
  loss: number;
  wrong: number;
  examples: number;
}

// Slots of the training loop's float64 bookkeeping (see src/run/loop.ts).
/** Slot of the sum of the minibatch losses since the last progress report. */
export const REPORT_LOSS = 0;
/** Slot of performance.now() at the last progress report. */
export const LAST_REPORT = 1;
/** Slot of performance.now() at the last yield to the event loop. */
export const LAST_YIELD = 2;

/**
 * One update of the training loop: the next minibatch of `stream` into `x` `[B, n_0]` and `y`
 * `[B]` (the input buffers of `sgd`'s network), the SGD step, and the running tallies, updated in place:
 * `running` (summed loss × B, misclassified examples, examples) and `clock[REPORT_LOSS]`.
 * A small function of its own so that V8 optimises it whole, with the loss read from the network
 * and never passed around as a number: a warm update allocates nothing (issue 6).
 * @returns false when the loss is not finite (the run diverged; the tallies are left untouched).
 */
export function trainUpdate(
  sgd: Sgd,
  stream: TrainStream,
  x: Float32Array,
  y: Int32Array,
  B: number,
  running: Running,
  clock: Float64Array,
): boolean {
  const mlp = sgd.mlp;
  stream.next(x, y, B);
  sgd.step(B);
  const loss = mlp.lastLoss;
  if (!Number.isFinite(loss)) return false;
  const classes = mlp.classes;
  const logits = mlp.preactivation(mlp.depth - 1);
  for (let r = 0; r < B; r++) if (argmax(logits, r * classes, classes) !== y[r]) running.wrong++;
  running.loss += loss * B;
  running.examples += B;
  clock[REPORT_LOSS] += loss;
  return true;
}
