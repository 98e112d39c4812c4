/**
 * The names of the datasets (SPEC.md §4): the one list every layer reads (data opens them, config
 * describes them, run and the CLI name them).
 */

/** The names `openDataset` knows besides `folder:<dir>` and `idx:<dir>`. */
export const DATASET_NAMES = ['shapeset', 'fashion-mnist', 'mnist', 'cifar10'] as const;

/** What a dataset name may be, in words (for errors and help). */
export const DATASET_NAME_WORDS = `${DATASET_NAMES.join(', ')}, idx:<dir> or folder:<dir>`;

/** Whether a dataset name opens an image folder (`folder:<dir>`, or a directory given as is). */
export function isFolderDataset(name: string): boolean {
  return !(DATASET_NAMES as readonly string[]).includes(name) && !name.startsWith('idx:');
}
