/**
 * What a checkpoint's `meta` holds (the trainer's update counter, data-stream state and running
 * sums), and its check against the run's record before a resume trusts it (issue 15 item 1). The
 * store verifies the meta's SHA-256 (src/store/checkpoint.ts), which catches a damaged file; this
 * catches a meta that is intact but does not fit the run: a counter past what the record holds
 * (the run would "finish" without training the missing updates), a stream state that has drawn
 * another number of examples than the counter says, running sums that could not have been summed.
 * Every refusal is a {@link CheckpointError} naming the manifest and the field.
 */
import { probePoints } from '../config/schedule.ts';
import type { TrainConfig } from '../config/training.ts';
import type { TrainStream } from '../data/dataset.ts';
import { type Checkpoint, CheckpointError } from '../store/checkpoint.ts';
import type { Running } from './step.ts';

/** The checkpoint's JSON part, as the training loop writes it. */
export interface CheckpointMeta {
  /** Updates done: the same as the manifest's `update`. */
  update: number;
  /** The data stream's state (`TrainStream.getState()`). */
  stream: unknown;
  /** The running sums since the last probe point. */
  running: Running;
}

/** What a resume does with a checked checkpoint. */
export const CHECKPOINT_HINT = 'remove the checkpoint directory to restart the run from update 0, or restore the right checkpoint';

/** Throws a CheckpointError for `field` of the manifest at `file`. */
function refuse(file: string, field: string, expected: string, found: string): never {
  throw new CheckpointError(file, `checkpoint ${file}: ${field}: expected ${expected}, found ${found} (${CHECKPOINT_HINT})`, field);
}

/** A whole number ≥ 0 of `o[key]`. */
function count(file: string, o: Record<string, unknown>, field: string, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) refuse(file, field, 'a whole number ≥ 0', JSON.stringify(v) ?? 'nothing');
  return v;
}

/**
 * Checks a checkpoint's meta against the run: its configuration and the updates its record holds.
 * @param recorded the `updates` of every probe point the run's record holds.
 * @returns the meta, typed.
 * @throws CheckpointError naming the manifest and the field (`meta.update`, `meta.running.examples`, …)
 *   when the meta is malformed, its counter differs from the manifest's or exceeds the run's updates,
 *   the record lacks a probe point the counter has passed, or the running sums are impossible.
 */
export function checkCheckpointMeta(checkpoint: Checkpoint, config: TrainConfig, recorded: readonly number[]): CheckpointMeta {
  const file = checkpoint.manifest;
  const meta = checkpoint.meta as Record<string, unknown>;
  const u = count(file, meta, 'meta.update', 'update');
  if (u !== checkpoint.update) refuse(file, 'meta.update', `the manifest's update ${checkpoint.update}`, String(u));
  if (u > config.updates) refuse(file, 'meta.update', `at most the run's ${config.updates} updates`, String(u));
  // every probe point up to u was recorded before the checkpoint at u was written (the loop records,
  // then checkpoints): a counter past the record's points would skip the updates between them
  const points = probePoints(config.updates, config.probe.interval, config.probe.early).filter((p) => p <= u);
  const have = new Set(recorded);
  const missing = points.find((p) => !have.has(p));
  if (missing !== undefined) {
    const last = recorded.length === 0 ? 'none' : `up to update ${Math.max(...recorded)}`;
    refuse(file, 'meta.update', `an update whose probe points the run's record holds (it lacks update ${missing}; its points: ${last})`, String(u));
  }
  const running = meta['running'];
  if (typeof running !== 'object' || running === null || Array.isArray(running)) {
    refuse(file, 'meta.running', 'an object {loss, wrong, examples}', JSON.stringify(running) ?? 'nothing');
  }
  const r = running as Record<string, unknown>;
  // the sums restart at every probe point; each update adds one minibatch
  const since = u - points[points.length - 1]!;
  const examples = count(file, r, 'meta.running.examples', 'examples');
  if (examples !== since * config.minibatch) {
    const expected = `${since * config.minibatch} (${since} updates since the probe point at ${u - since} × minibatch ${config.minibatch})`;
    refuse(file, 'meta.running.examples', expected, String(examples));
  }
  const wrong = count(file, r, 'meta.running.wrong', 'wrong');
  if (wrong > examples) refuse(file, 'meta.running.wrong', `at most the ${examples} examples`, String(wrong));
  const loss = r['loss'];
  if (typeof loss !== 'number' || !Number.isFinite(loss) || loss < 0 || (examples === 0 && loss !== 0)) {
    refuse(file, 'meta.running.loss', examples === 0 ? '0 (no example since the probe point)' : 'a finite number ≥ 0', JSON.stringify(loss) ?? 'nothing');
  }
  return { update: u, stream: meta['stream'], running: { loss, wrong, examples } };
}

/**
 * Restores the data stream from a checked meta, and checks that it has drawn the examples the
 * counter says: u updates of `minibatch` examples.
 * @throws CheckpointError naming the manifest and `meta.stream` (with the stream's own reason) when
 *   the state is not this stream's or not valid, or has drawn another number of examples.
 */
export function restoreStream(checkpoint: Checkpoint, stream: TrainStream, meta: CheckpointMeta, minibatch: number): void {
  const file = checkpoint.manifest;
  try {
    stream.setState(meta.stream);
  } catch (e) {
    throw new CheckpointError(file, `checkpoint ${file}: meta.stream: ${e instanceof Error ? e.message : String(e)} (${CHECKPOINT_HINT})`, 'meta.stream');
  }
  const want = meta.update * minibatch;
  if (stream.drawn() !== want) {
    const expected = `a state that has drawn ${want} examples (${meta.update} updates × minibatch ${minibatch})`;
    refuse(file, 'meta.stream', expected, `one that has drawn ${stream.drawn()}`);
  }
}
