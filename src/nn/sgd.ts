/**
 * Plain stochastic gradient descent with a fixed learning rate (SPEC.md §1: θ ← θ − ε·g, g the
 * minibatch-average gradient; no momentum, no weight decay, no schedule): the training loop's way
 * to step a network, as `torch.optim.SGD` is PyTorch's.
 */
import type { CostName } from '../core/costs.ts';
import type { Mlp } from './mlp.ts';

/** SGD on one network with a fixed learning rate and cost. */
export class Sgd {
  // Starts `undefined` so that V8 stores the field tagged: a field that only ever held a number is
  // stored unboxed and boxed into a new heap number at every read that passes it to trainStep
  // (16 B per update; a warm training step allocates nothing, issue 6).
  private readonly lr: number | undefined = undefined;

  /**
   * @param mlp the network whose weights {@link step} updates in place.
   * @param learningRate ε, a finite number > 0 (checked by the configuration schema where it enters,
   *   src/config/training.ts `LearningRateSchema`; not here).
   * @param cost one of `COSTS` (src/core/costs.ts).
   */
  constructor(
    readonly mlp: Mlp,
    learningRate: number,
    readonly cost: CostName = 'nll',
  ) {
    this.lr = learningRate;
  }

  /**
   * One SGD update on the minibatch of `rows` examples already written into
   * `mlp.inputBuffers(rows)`; the minibatch's mean cost before the update is then `mlp.lastLoss`.
   * @throws as `Mlp.trainStep`.
   */
  step(rows: number): void {
    this.mlp.trainStep(null, null, rows, this.lr!, this.cost);
  }
}
