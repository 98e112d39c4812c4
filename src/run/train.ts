/**
 * One training run, from data to the run record (data → nn → probes → store): SGD on minibatches
 * of a dataset's training stream, probes and evaluations at the scheduled updates, checkpoints every
 * `checkpointInterval` updates and on interruption, and resumption from the last checkpoint.
 * The parts: src/run/session.ts (record or resume a run), src/run/loop.ts (the loop),
 * src/run/step.ts (one update), src/run/network.ts and src/run/evaluation.ts.
 *
 * Determinism: the same config, backend and thread count give bit-identical weights and records;
 * a run interrupted and resumed ends bit-identical to one never interrupted (the checkpoint holds
 * the exact weights, the data stream's state and the running training averages).
 */
import { openRunStore } from '../store/runStore.ts';
import { trainLoop } from './loop.ts';
import type { TrainOptions, TrainResult } from './options.ts';
import { beginRun } from './session.ts';

export { ResumableRunError, type TrainOptions, type TrainProgress, type TrainResult } from './options.ts';

/**
 * Trains one run to its configured number of updates (or until interrupted or diverged), recording
 * everything in the output directory's run record.
 * A resume that finds no usable checkpoint restarts from update 0; one on another backend or thread
 * count continues (its records are then not bit-identical to an uninterrupted run's). Both are
 * reported through `onNotice` and in the status detail, and the run record keeps the backend of
 * each segment (docs/STORE.md, `versions.segments`).
 * @throws InvalidInputError before any run is recorded or resumed when the stored configuration of
 *   a resumed run is invalid (naming the record, the run and each field), when the dataset cannot be
 *   opened (saying how to get it) or has an empty validation or test split, or when the network or
 *   its minibatch buffers cannot be allocated (naming `hidden` or `minibatch`); Error when the
 *   output's models directory cannot be created, or when resuming a run that does not exist;
 *   ResumableRunError when the trained model cannot be saved (see src/run/loop.ts).
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const store = openRunStore(options.outDir);
  const releases: Array<() => void> = [];
  try {
    const begun = await beginRun(store, options, releases);
    if ('done' in begun) return begun.done;
    return await trainLoop(store, begun.session, options, started);
  } finally {
    for (const release of releases) release();
    store.close();
  }
}
