/**
 * The one dataset interface training uses: fixed validation and test splits, an infinite seeded
 * training stream of minibatches, input size and classes (types in ./types.ts). {@link openDataset}
 * opens any of the paper's datasets (SPEC.md §4) by name.
 */
import { DATASET_NAME_WORDS } from '../core/datasets.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { Dataset, OpenDatasetOptions, Split } from './types.ts';

export type { Dataset, OpenDatasetOptions, Split, TrainStream } from './types.ts';

/**
 * Examples [start, start + rows) of `split` as a new float32 array, [rows, inputSize] row-major in
 * [0, 1]: for callers that need a small dense subset (the probe set, previews). Allocates
 * rows·inputSize floats; evaluate whole splits through {@link Split.read} instead.
 * @throws RangeError from {@link Split.read} when the rows are outside the split.
 */
export function readRows(split: Split, start: number, rows: number): Float32Array {
  const out = new Float32Array(Math.max(0, rows) * split.inputSize);
  split.read(start, rows, out, 0);
  return out;
}

/**
 * Opens a dataset by name: 'shapeset', 'fashion-mnist', 'mnist', 'cifar10', 'idx:<dir>' (any IDX
 * image set with MNIST's file names), or 'folder:<dir>' (one sub-folder of PNG/JPEG images per
 * class). A name that is neither but names an existing directory is read as a folder.
 * @throws InvalidInputError naming the field (`dataset`, `dataDir`, `validationSize`, …), what was
 *   expected (for missing files: how to get them) and what was found, for an unknown name, missing
 *   files, an empty name or directory, an option the dataset does not take or a size out of its
 *   range; DataFileError (naming
 *   file, field, expected and found) when a file is malformed.
 */
export async function openDataset(name: string, options: OpenDatasetOptions = {}): Promise<Dataset> {
  // an empty path would mean the current directory
  if (options.dataDir === '') throw new InvalidInputError({ field: 'dataDir', expected: 'a directory', found: 'an empty path' }, { subject: name });
  if (name === '' || name === 'idx:' || name === 'folder:') {
    const expected = `one of ${DATASET_NAME_WORDS}, with a directory after the colon`;
    throw new InvalidInputError({ field: 'dataset', expected, found: name === '' ? 'an empty name' : `${JSON.stringify(name)}, with no directory` });
  }
  // Imported lazily so that opening one dataset never loads another's decoders.
  if (name === 'shapeset') return (await import('./shapeset/dataset.ts')).openShapeset(options);
  if (name === 'mnist' || name === 'fashion-mnist') return (await import('./mnist.ts')).openMnist(name, options);
  if (name.startsWith('idx:')) return (await import('./mnist.ts')).openMnist(name, options);
  if (name === 'cifar10') return (await import('./cifar10.ts')).openCifar10(options);
  const folder = await import('./folder.ts');
  if (name.startsWith('folder:')) return folder.openImageFolder(name.slice('folder:'.length), options);
  if (folder.isDirectory(name)) return folder.openImageFolder(name, options);
  const expected = `one of ${DATASET_NAME_WORDS} (a directory with one sub-folder of PNG/JPEG images per class)`;
  throw new InvalidInputError({ field: 'dataset', expected, found: JSON.stringify(name) });
}
