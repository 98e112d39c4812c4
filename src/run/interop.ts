/**
 * Models in and out (issue 15, item 12): a run's model as a PyTorch `state_dict` with the run's
 * facts as metadata, a PyTorch-written Sequential MLP read back, and any model evaluated on a
 * dataset. The file layouts are src/nn's (io.ts: glorot's own; torch-io.ts: PyTorch's).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStoredTrainConfig } from '../config/training.ts';
import type { ActivationName } from '../core/activations.ts';
import { describePath } from '../core/files.ts';
import { InvalidInputError } from '../core/errors.ts';
import { openDataset, type Dataset, type OpenDatasetOptions } from '../data/dataset.ts';
import type { Backend } from '../kernels/backend.ts';
import { evaluateNetwork, type Evaluation } from '../nn/evaluate.ts';
import { modelFromBytes, modelToBytes } from '../nn/io.ts';
import type { Mlp } from '../nn/mlp.ts';
import { decodeSafetensors } from '../nn/safetensors.ts';
import { isTorchStateDict, modelFromTorchBytes, modelToTorchBytes } from '../nn/torch-io.ts';
import { writeFileAtomic } from '../store/durable.ts';
import { ensureDir } from '../store/paths.ts';
import { openRunStore } from '../store/runStore.ts';
import type { RunInfo } from '../store/types.ts';

/** How every split's inputs are scaled (src/data/types.ts `Split.read`): the metadata's `input_scaling`. */
export const INPUT_SCALING = 'x = pixel / 255 (float32 in [0, 1]); channel planes [C, H, W] flattened row-major';

/** The model file of a finished run: `<outDir>/models/<run>.safetensors`. */
export function runModelPath(outDir: string, run: string): string {
  return join(outDir, 'models', `${run}.safetensors`);
}

/** Reads a file a user named. @throws Error naming the file and why it cannot be read. */
function readModelBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read the model file (${describePath(path, e)})`);
  }
}

/** A model read from a file, and which layout it had. */
export interface LoadedModel {
  readonly mlp: Mlp;
  readonly layout: 'glorot' | 'pytorch';
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Reads a model file in either layout: glorot's own (`layers.{i}.weight`, `[fanIn, fanOut]`) or a
 * PyTorch Sequential's state_dict (`{k}.weight`, `[out, in]`), told apart by the tensor names.
 * @param activation the hidden layers' activation for a PyTorch file that names none.
 * @throws Error or InvalidInputError naming the file and what is wrong in it (see modelFromBytes
 *   and modelFromTorchBytes).
 */
export function loadModelFile(backend: Backend, path: string, activation?: ActivationName): LoadedModel {
  const bytes = readModelBytes(path);
  const { tensors, metadata } = decodeSafetensors(bytes, path);
  if (isTorchStateDict(Object.keys(tensors))) return { mlp: modelFromTorchBytes(backend, bytes, path, activation), layout: 'pytorch', metadata };
  return { mlp: modelFromBytes(backend, bytes, path), layout: 'glorot', metadata };
}

/** The options a run's configuration opens its dataset with; Shapeset's generated splits left empty when only its names are wanted. */
function datasetOptionsOf(config: ReturnType<typeof parseStoredTrainConfig>, namesOnly: boolean): OpenDatasetOptions {
  if (namesOnly && config.dataset === 'shapeset') return { validationSize: 0, testSize: 0 };
  return {
    ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}),
    ...(config.validationSize !== undefined ? { validationSize: config.validationSize } : {}),
    ...(config.testSize !== undefined ? { testSize: config.testSize } : {}),
  };
}

/** A run's record and configuration, read from the output directory's run record. */
function readRun(outDir: string, run: string): { info: RunInfo; config: ReturnType<typeof parseStoredTrainConfig>; testError: number | null } {
  const store = openRunStore(outDir, { readonly: true });
  try {
    const info = store.getRun(run);
    const config = parseStoredTrainConfig(info.config, { file: store.file, subject: `run ${run}` });
    return { info, config, testError: store.latestEvaluation(run, 'test')?.errorRate ?? null };
  } finally {
    store.close();
  }
}

/**
 * Writes a finished run's model as a PyTorch state_dict (src/nn/torch-io.ts) with the run's facts as
 * metadata: `dataset`, `classes` (JSON names by label), `input_shape` ([C, H, W]), `input_scaling`,
 * `run`, `seed`, `cost`, `init`, `learning_rate`, `minibatch`, `updates`, `test_error` (%, the last
 * recorded) and `glorot_version`.
 * @returns the metadata written.
 * @throws Error naming the run when it has no model file (not finished), the model file's errors, the
 *   dataset's when it cannot be opened for its class names, RunStoreError `UNKNOWN_RUN`.
 */
export async function exportPytorch(backend: Backend, outDir: string, run: string, file: string): Promise<Record<string, string>> {
  const { info, config, testError } = readRun(outDir, run);
  const modelPath = runModelPath(outDir, run);
  const bytes = readModelBytesOfRun(modelPath, info);
  const mlp = modelFromBytes(backend, bytes, modelPath);
  try {
    const ds = await openDataset(config.dataset, datasetOptionsOf(config, true));
    const metadata: Record<string, string> = {
      source: 'glorot',
      dataset: config.dataset,
      classes: JSON.stringify(ds.classNames),
      input_shape: JSON.stringify([Number(ds.info['channels']), Number(ds.info['height']), Number(ds.info['width'])]),
      input_scaling: INPUT_SCALING,
      run,
      seed: String(info.seed),
      cost: config.cost,
      init: config.init,
      learning_rate: String(config.learningRate),
      minibatch: String(config.minibatch),
      updates: String(config.updates),
      ...(testError !== null ? { test_error: String(testError) } : {}),
      ...(info.versions['glorot'] !== undefined ? { glorot_version: info.versions['glorot'] } : {}),
    };
    writeFileAtomic(file, modelToTorchBytes(mlp, metadata));
    return metadata;
  } finally {
    mlp.dispose();
  }
}

/** The model bytes of a run. @throws Error saying the run has no model yet (with its status) when the file is missing. */
function readModelBytesOfRun(modelPath: string, info: RunInfo): Uint8Array {
  try {
    return readFileSync(modelPath);
  } catch (e) {
    const why = describePath(modelPath, e);
    throw new Error(`run ${info.id} has no model file (${modelPath}: ${why}); its status is ${info.status}: a run saves its model when it finishes`);
  }
}

/**
 * Converts a PyTorch-written Sequential MLP (safetensors state_dict) into glorot's model layout at
 * `outFile` (creating its directory), so `glorot eval` and the library read it as any model.
 * @returns the network's widths.
 * @throws what {@link loadModelFile} throws; Error naming the file when it is already in glorot's layout.
 */
export function importPytorch(backend: Backend, file: string, outFile: string, activation?: ActivationName): readonly number[] {
  const model = loadModelFile(backend, file, activation);
  try {
    if (model.layout !== 'pytorch') throw new Error(`${file}: already a glorot model file (tensors layers.{i}.weight); nothing to import`);
    ensureDir(join(outFile, '..'), 'the models directory');
    writeFileAtomic(outFile, modelToBytes(model.mlp));
    return model.mlp.widths;
  } finally {
    model.mlp.dispose();
  }
}

/** A model's error rate and NLL on a dataset's splits. */
export interface ModelEvaluation {
  readonly dataset: string;
  readonly validation: Evaluation;
  readonly test: Evaluation;
}

/**
 * Evaluates a network on a dataset's validation and test splits.
 * @throws InvalidInputError naming the dataset when its input size or class count differs from the network's.
 */
export function evaluateOn(mlp: Mlp, ds: Dataset): ModelEvaluation {
  if (ds.inputSize !== mlp.inputSize || ds.classes !== mlp.classes) {
    throw new InvalidInputError(
      {
        field: 'dataset',
        expected: `a dataset of ${mlp.inputSize} inputs and ${mlp.classes} classes (the model's widths ${mlp.widths.join('-')})`,
        found: `${ds.name}: ${ds.inputSize} inputs, ${ds.classes} classes`,
      },
      { subject: 'the dataset to evaluate on' },
    );
  }
  return {
    dataset: ds.name,
    validation: evaluateNetwork(mlp, ds.validation, ds.validation.y, ds.validation.n),
    test: evaluateNetwork(mlp, ds.test, ds.test.y, ds.test.n),
  };
}

/**
 * The dataset a run was trained on, opened with its configuration's options (for `glorot eval RUN`).
 * @throws RunStoreError `UNKNOWN_RUN`; the dataset's errors.
 */
export async function runDataset(outDir: string, run: string): Promise<Dataset> {
  const { config } = readRun(outDir, run);
  return openDataset(config.dataset, datasetOptionsOf(config, false));
}
