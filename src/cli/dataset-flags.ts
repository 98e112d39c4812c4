/** The dataset options the data commands and `glorot eval` share (`--data-dir`, `--validation-size`, …) and their conversion. */
import type { Command } from 'commander';
import type { OpenDatasetOptions } from '../data/dataset.ts';
import { FOLDER_IMAGE_SIZE, SHAPESET_EVAL_SIZE } from '../data/defaults.ts';
import { SHAPESET_SIZE } from '../data/shapeset/params.ts';
import { numberArg, pathArg } from './flags.ts';

/**
 * Options shared by the data commands, as commander gives them: the dataset's own options (already
 * numbers: the dataset checks them), and `--seed` as text.
 */
export interface DataFlags extends OpenDatasetOptions {
  seed?: string;
}

/** Turns the shared flags into {@link OpenDatasetOptions} (only those given). */
export function openOptions(f: DataFlags): OpenDatasetOptions {
  const o: OpenDatasetOptions = {};
  if (f.dataDir !== undefined) o.dataDir = f.dataDir;
  if (f.validationSize !== undefined) o.validationSize = f.validationSize;
  if (f.testSize !== undefined) o.testSize = f.testSize;
  if (f.grey) o.grey = true;
  if (f.imageSize !== undefined) o.imageSize = f.imageSize;
  if (f.splitSeed !== undefined) o.splitSeed = f.splitSeed;
  return o;
}

/** Adds the dataset options (and `--seed`, the training-stream seed) to a command. */
export function withDatasetOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'directory of the data files (fashion-mnist: /usr/share/datasets/fashion-mnist)', pathArg('--data-dir', 'a directory'))
    .option('--validation-size <n>', `validation examples (shapeset: generated, default ${SHAPESET_EVAL_SIZE}; files: held out)`, numberArg)
    .option('--test-size <n>', `test examples (shapeset: default ${SHAPESET_EVAL_SIZE}; folders: held out)`, numberArg)
    .option('--grey', 'cifar10: convert to grey')
    .option('--image-size <n>', `image side in pixels (shapeset: ${SHAPESET_SIZE}, folders: ${FOLDER_IMAGE_SIZE})`, numberArg)
    .option('--split-seed <n>', 'folders: seed of the train/validation/test split (default 0)', numberArg)
    .option('--seed <n>', 'training-stream seed', '0');
}
