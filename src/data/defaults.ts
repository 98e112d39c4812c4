/**
 * The defaults of the dataset options (`OpenDatasetOptions`), in one light module: the datasets read
 * them, and the CLI's help states them without loading any dataset's decoders.
 */

/** Shapeset: images in the validation and in the test set (SPEC.md §7: the authors' 10k). */
export const SHAPESET_EVAL_SIZE = 10_000;
/** MNIST, Fashion-MNIST, idx: examples held out from the end of the training file for validation. */
export const IDX_VALIDATION_SIZE = 10_000;
/** CIFAR-10: training images held out for validation. */
export const CIFAR_VALIDATION_SIZE = 10_000;
/** Image folders: side of the resized images (the paper's Small-ImageNet is 37 × 37 grey). */
export const FOLDER_IMAGE_SIZE = 37;
/** Image folders: fraction of the images held out for validation, and again for test (at least one image each). */
export const FOLDER_HOLDOUT_FRACTION = 0.1;
