/**
 * The network of a run: built from its configuration, or restored from a checkpoint's model bytes,
 * with its minibatch buffers allocated. An impossible size is an error naming the field at fault
 * (`hidden` or `minibatch`) and the sizes tried, before any run is recorded.
 */
import type { TrainConfig } from '../config/training.ts';
import { InvalidInputError } from '../core/errors.ts';
import { deriveSeed } from '../core/rng.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Backend } from '../kernels/backend.ts';
import { modelFromBytes } from '../nn/io.ts';
import { Mlp } from '../nn/mlp.ts';
import type { MlpConfig } from '../nn/mlp-config.ts';
import { bytesText, weightFloats, workspaceFloats } from '../nn/sizes.ts';

/** The network configuration of a training configuration, for a dataset's sizes. */
export function mlpConfigFor(config: TrainConfig, inputSize: number, classes: number): MlpConfig {
  return {
    widths: [inputSize, ...config.hidden, classes],
    activation: config.activation,
    init: { name: config.init, gain: config.gain },
    seed: deriveSeed(config.seed, 'init'),
  };
}

/** `floats` float32 values as `N floats, X GB`. */
function floatsText(floats: number): string {
  return `${floats.toLocaleString('en-US')} floats, ${bytesText(4 * floats)}`;
}

/**
 * Runs `allocate` (building a network, or its minibatch buffers), turning the backend's
 * RangeError for an impossible size ("Invalid typed array length: …", "alloc length … exceeds the
 * 4 GiB wasm32 memory", "Array buffer allocation failed") into an error naming the field at fault
 * and the sizes it tried to allocate.
 * @param rows the minibatch size when allocating buffers; null for the network's weights.
 * @throws InvalidInputError naming `hidden` (weights) or `minibatch` (buffers); other errors as thrown.
 */
function allocating<T>(widths: readonly number[], rows: number | null, allocate: () => T): T {
  try {
    return allocate();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const shape = widths.join('-');
    if (rows === null) {
      const floats = weightFloats(widths);
      const expected = 'hidden-layer widths whose weights can be allocated (use narrower layers)';
      throw new InvalidInputError({ field: 'hidden', expected, found: `a ${shape} network (${floatsText(floats)}): ${e.message}` });
    }
    const floats = workspaceFloats(widths, rows);
    const expected = `a minibatch whose buffers can be allocated for widths ${shape} (use a smaller one)`;
    throw new InvalidInputError({ field: 'minibatch', expected, found: `${rows} rows (${floatsText(floats)}): ${e.message}` });
  }
}

/** Allocates `mlp`'s minibatch buffers; disposes of the network when they cannot be. */
function withBuffers(mlp: Mlp, minibatch: number): Mlp {
  try {
    allocating(mlp.widths, minibatch, () => mlp.inputBuffers(minibatch));
  } catch (e) {
    mlp.dispose();
    throw e;
  }
  return mlp;
}

/**
 * A new network for the configuration, with its minibatch buffers allocated.
 * @throws InvalidInputError naming `hidden` or `minibatch` when they cannot be allocated.
 */
export function buildNetwork(backend: Backend, config: TrainConfig, dataset: Dataset): Mlp {
  const mlpConfig = mlpConfigFor(config, dataset.inputSize, dataset.classes);
  return withBuffers(allocating(mlpConfig.widths, null, () => new Mlp(backend, mlpConfig)), config.minibatch);
}

/**
 * The network saved in a checkpoint (its model bytes), with its minibatch buffers allocated. The
 * model's embedded config must be the run's (its widths, activation, init and seed): a model from
 * another network is refused, never trained under this run's record.
 * @param file the checkpoint's model file, named in errors.
 * @throws InvalidInputError naming `file` and the config field that differs from the run's, or
 *   naming `hidden` or `minibatch` when they cannot be allocated; Error from the model reader when
 *   the bytes are not a model.
 */
export function restoreNetwork(backend: Backend, config: TrainConfig, dataset: Dataset, bytes: Uint8Array, file: string): Mlp {
  const expected = mlpConfigFor(config, dataset.inputSize, dataset.classes);
  return withBuffers(allocating(expected.widths, null, () => modelFromBytes(backend, bytes, file, expected)), config.minibatch);
}
