/**
 * The one dataset interface training uses: fixed validation and test splits, an infinite seeded
 * training stream of minibatches, input size and classes. {@link openDataset} opens any of the
 * paper's datasets (SPEC.md §4) by name.
 */

/** A fixed split: `x` is [n, inputSize] row-major float32 (batch = axis 0), `y` is [n] class indices. */
export interface Split {
  readonly x: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
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
