/**
 * The dataset interface training uses (`openDataset` in dataset.ts opens them): fixed validation
 * and test splits, an infinite seeded training stream of minibatches, input size and classes. The
 * types live apart from the opener so that each dataset's module can implement them without
 * importing the module that lazily imports it (no import cycle, docs/ARCHITECTURE.md).
 */

/**
 * A fixed split (validation or test): `n` examples of `inputSize` inputs and their labels `y` [n]
 * (class indices). The inputs are kept in their compact stored form (8-bit pixels where the source
 * is bytes, float32 otherwise; docs/DECISIONS.md "Datasets") and expanded chunk by chunk by
 * {@link Split.read}; it fits `Mlp.evaluate`'s `ExampleReader`. `readRows` (dataset.ts) materialises a
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
  /**
   * @throws Error naming the mismatch when the state comes from another dataset, seed or stream
   *   kind, or naming the field that is not a valid state (an all-zero generator state, a position
   *   past the end).
   */
  setState(state: unknown): void;
  /** Examples drawn since the stream was created (by `next`, or as the state set says): a checkpoint at update u of minibatch B has drawn u·B. */
  drawn(): number;
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

/** Options of `openDataset` (dataset.ts); each applies only to the datasets named. */
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
