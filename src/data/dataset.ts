/**
 * The one dataset interface training uses: fixed validation and test splits, an infinite seeded
 * training stream of minibatches, input size and classes. {@link openDataset} opens any of the
 * paper's datasets (SPEC.md §4) by name.
 */

/**
 * A fixed split (validation or test): `n` examples of `inputSize` inputs and their labels `y` [n]
 * (class indices). The inputs are kept in their compact stored form (8-bit pixels where the source
 * is bytes, float32 otherwise; docs/DECISIONS.md "Datasets") and expanded chunk by chunk by
 * {@link Split.read}; it fits `Mlp.evaluate`'s `ExampleReader`. {@link readRows} materialises a
 * small dense subset.
 */
export interface Split {
  readonly n: number;
  /** Inputs per example (pixels × channels). */
  readonly inputSize: number;
  /** Class indices, [n]. */
  readonly y: Int32Array;
  /**
   * Writes examples [start, start + rows) as float32 in [0, 1] (stored bytes become byte/255
   * exactly as the float form would hold them), [rows, inputSize] row-major, into
   * `out[at … at + rows·inputSize)`. Allocates nothing.
   * @throws RangeError naming the split, the rows and the lengths when a row is outside [0, n) or
   *   `out` is too short.
   */
  read(start: number, rows: number, out: Float32Array, at: number): void;
}

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

/** The training stream: an infinite sequence of minibatches (finite sets: reshuffled every epoch with a seeded shuffle). */
export interface TrainStream {
  /**
   * Writes the next `rows` examples into `x` ([rows, inputSize], row-major) and `y` ([rows]).
   * Allocates nothing per call (a finite set's new epoch reshuffles in place).
   * @throws RangeError when `rows` is not a positive integer or a buffer is too small.
   */
  next(x: Float32Array, y: Int32Array, rows: number): void;
  /** JSON-serialisable exact state (for checkpoints); `setState(getState())` resumes the identical sequence. */
  getState(): unknown;
  /** @throws Error naming the mismatch when the state comes from another dataset, seed or stream kind. */
  setState(state: unknown): void;
}

/** An opened dataset. */
export interface Dataset {
  /** 'shapeset', 'fashion-mnist', 'mnist', 'cifar10', or the folder's name. */
  readonly name: string;
  /** Inputs per example (pixels × channels). */
  readonly inputSize: number;
  readonly classes: number;
  /** Class names, indexed by label. */
  readonly classNames: readonly string[];
  readonly validation: Split;
  readonly test: Split;
  /**
   * A training stream seeded from `seed` (different seeds → different orders or images).
   * @throws RangeError when `seed` is not a safe integer (seeds are used modulo 2^32).
   */
  trainStream(seed: number): TrainStream;
  /**
   * Sizes etc. for reports, e.g. { train: 50000 | 'infinite', validation: 10000, test: 10000, source: path }.
   * Every dataset also gives `height`, `width` and `channels` (inputs are channel planes, each row-major).
   */
  readonly info: Record<string, string | number>;
}

/** Options of {@link openDataset}; each applies only to the datasets named. */
export interface OpenDatasetOptions {
  /**
   * Directory of the files. fashion-mnist: default /usr/share/datasets/fashion-mnist (Debian
   * package dataset-fashion-mnist). mnist, cifar10: required.
   */
  dataDir?: string;
  /**
   * shapeset: images in the generated validation set (default 10,000). mnist, fashion-mnist,
   * cifar10, idx: examples held out from the end of the training file(s) (default 10,000).
   * Folders: images held out (default 10% of the images).
   */
  validationSize?: number;
  /** shapeset: images in the generated test set (default 10,000). Folders: default 10% of the images. */
  testSize?: number;
  /** cifar10: convert to grey (1024 inputs instead of 3072). */
  grey?: boolean;
  /** Image side in pixels. shapeset: 32 (the paper); folders: 37 (the paper's Small-ImageNet). */
  imageSize?: number;
  /** Folders: seed of the train/validation/test split (default 0). */
  splitSeed?: number;
}

/** The names {@link openDataset} knows besides `folder:<dir>` and `idx:<dir>`. */
export const DATASET_NAMES = ['shapeset', 'fashion-mnist', 'mnist', 'cifar10'] as const;

/**
 * Opens a dataset by name: 'shapeset', 'fashion-mnist', 'mnist', 'cifar10', 'idx:<dir>' (any IDX
 * image set with MNIST's file names), or 'folder:<dir>' (one sub-folder of PNG/JPEG images per
 * class). A name that is neither but names an existing directory is read as a folder.
 * @throws Error saying how to get the data when files are missing, naming file, field, expected
 *   and found when a file is malformed (DataFileError), and listing the known names for an unknown one.
 */
export async function openDataset(name: string, options: OpenDatasetOptions = {}): Promise<Dataset> {
  // Imported lazily so that opening one dataset never loads another's decoders.
  if (name === 'shapeset') return (await import('./shapeset/dataset.ts')).openShapeset(options);
  if (name === 'mnist' || name === 'fashion-mnist') return (await import('./mnist.ts')).openMnist(name, options);
  if (name.startsWith('idx:')) return (await import('./mnist.ts')).openMnist(name, options);
  if (name === 'cifar10') return (await import('./cifar10.ts')).openCifar10(options);
  const folder = await import('./folder.ts');
  if (name.startsWith('folder:')) return folder.openImageFolder(name.slice('folder:'.length), options);
  if (folder.isDirectory(name)) return folder.openImageFolder(name, options);
  throw new Error(
    `unknown dataset "${name}": expected one of ${DATASET_NAMES.join(', ')}, idx:<dir> or folder:<dir> ` +
      '(a directory with one sub-folder of PNG/JPEG images per class)',
  );
}
