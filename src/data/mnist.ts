/**
 * MNIST, Fashion-MNIST and any IDX image set with MNIST's four file names (SPEC.md §4). Training
 * file → train + validation (the last `validationSize`, default 10,000, of the training file, as
 * the paper's 50k / 10k split of MNIST); t10k file → test. Pixels are byte/255 in [0, 1].
 */
import { basename, join, resolve } from 'node:path';
import type { Dataset, OpenDatasetOptions } from './types.ts';
import { IDX_VALIDATION_SIZE } from './defaults.ts';
import { foundText, InvalidInputError } from '../core/errors.ts';
import { DataFileError, refuseOptions } from './errors.ts';
import { firstExisting, lacking, readDataFile } from './files.ts';
import { IDX_IMAGES_SIZE, IDX_LABELS_SIZE, type IdxImages, type IdxLabels, parseIdxImages, parseIdxLabels } from './idx.ts';
import { type ExampleTable, createFiniteStream, tableRows, tableSplit } from './splits.ts';

/** Where Debian's package dataset-fashion-mnist installs the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's class names, by label (zalandoresearch/fashion-mnist README, "Labels"). */
const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]; // prettier-ignore

/** The four IDX files, by their names on the MNIST page. */
const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;


/**
 * Finds one IDX file in `dir`: its name, with '.gz', or with '.' before 'idx' (a common variant).
 * Gzip is detected by the bytes, so the suffix is only a name.
 */
function findIdxFile(dir: string, name: string): string | undefined {
  const dotted = name.replace('-idx', '.idx');
  return firstExisting([name, `${name}.gz`, dotted, `${dotted}.gz`].map((n) => join(dir, n)));
}

/**
 * Opens 'mnist', 'fashion-mnist' or 'idx:<dir>'. Fashion-MNIST reads {@link FASHION_MNIST_DIR}
 * unless `dataDir` is given; the others need `dataDir` (idx: the directory after the colon).
 * Expected sizes: 60,000 training and 10,000 test images of 28 × 28 (MNIST, Fashion-MNIST), split
 * 50,000 / 10,000 / 10,000.
 * @throws InvalidInputError naming `dataDir` (or `dataset` for idx:<dir>) and saying how to get the
 *   files when they are missing, or naming an option that does not apply or `validationSize` out of
 *   range; DataFileError (naming file,
 *   field, expected, found) when a file is malformed, the label and image counts differ, a label is
 *   ≥ the class count, or the images are not 28 × 28 (mnist, fashion-mnist).
 */
export async function openMnist(name: string, options: OpenDatasetOptions): Promise<Dataset> {
  refuseOptions(name, options, ['testSize', 'grey', 'imageSize', 'splitSeed'], 'the IDX files fix it');
  const generic = name.startsWith('idx:');
  const dir = resolve(generic ? name.slice(4) : options.dataDir ?? (name === 'fashion-mnist' ? FASHION_MNIST_DIR : ''));
  if (!generic && name === 'mnist' && options.dataDir === undefined) {
    const expected = "a directory holding MNIST's four IDX files (train-images-idx3-ubyte[.gz] …)";
    throw new InvalidInputError({ field: 'dataDir', expected, found: 'nothing' }, { subject: 'mnist' });
  }
  const paths = Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, findIdxFile(dir, f)])) as Record<
    keyof typeof FILES,
    string | undefined
  >;
  const missing = Object.entries(paths).filter(([, p]) => p === undefined);
  if (missing.length > 0) {
    const list = missing.map(([k]) => `${FILES[k as keyof typeof FILES]}[.gz]`).join(', ');
    const expected =
      name === 'fashion-mnist'
        ? 'a directory holding the four Fashion-MNIST IDX files (install them with `apt-get install dataset-fashion-mnist`)'
        : `a directory holding the four IDX files (${Object.values(FILES).map((f) => `${f}[.gz]`).join(', ')})`;
    // idx:<dir> names its directory in the dataset name; the others take it from dataDir
    throw new InvalidInputError({ field: generic ? 'dataset' : 'dataDir', expected, found: lacking(dir, list) }, { subject: name });
  }
  const p = paths as Record<keyof typeof FILES, string>;
  const train = await readPair(p.trainImages, p.trainLabels);
  const test = await readPair(p.testImages, p.testLabels);
  if (!generic) {
    for (const [file, images] of [[p.trainImages, train.images], [p.testImages, test.images]] as const) {
      if (images.rows !== 28 || images.cols !== 28) {
        throw new DataFileError(file, 'rows × columns', '28 × 28', `${images.rows} × ${images.cols}`);
      }
    }
  } else if (train.images.rows !== test.images.rows || train.images.cols !== test.images.cols) {
    const found = `${test.images.rows} × ${test.images.cols}`;
    throw new DataFileError(p.testImages, 'rows × columns', `${train.images.rows} × ${train.images.cols} (as the training file)`, found);
  }
  const classes = generic ? idxClasses(p.trainLabels, train.labels) : 10;
  checkLabels(p.trainLabels, train.labels, classes);
  checkLabels(p.testLabels, test.labels, classes);

  const nValidation = options.validationSize ?? IDX_VALIDATION_SIZE;
  if (!Number.isInteger(nValidation) || nValidation < 0 || nValidation >= train.images.count) {
    const expected = `a whole number from 0 to ${train.images.count - 1} (the training file has ${train.images.count} images)`;
    throw new InvalidInputError({ field: 'validationSize', expected, found: foundText(nValidation) }, { subject: name });
  }
  const inputSize = train.images.rows * train.images.cols;
  const all: ExampleTable = { pixels: train.images.pixels, labels: train.labels.labels, n: train.images.count, inputSize };
  const nTrain = all.n - nValidation;
  const trainTable = tableRows(all, 0, nTrain);
  const testTable: ExampleTable = { pixels: test.images.pixels, labels: test.labels.labels, n: test.images.count, inputSize };
  const datasetName = generic ? basename(dir) : name;
  const classNames = name === 'fashion-mnist' ? FASHION_MNIST_CLASSES : Array.from({ length: classes }, (_, k) => String(k));
  return {
    name: datasetName,
    inputSize,
    classes,
    classNames,
    validation: tableSplit(tableRows(all, nTrain, nValidation), `${datasetName} validation`),
    test: tableSplit(testTable, `${datasetName} test`),
    trainStream: (seed) => createFiniteStream(datasetName, trainTable, seed),
    info: {
      train: nTrain,
      validation: nValidation,
      test: testTable.n,
      height: train.images.rows,
      width: train.images.cols,
      channels: 1,
      split: `train = first ${nTrain} of ${basename(p.trainImages)}, validation = its last ${nValidation}, test = ${basename(p.testImages)}`,
      pixels: 'byte/255 in [0, 1]',
      source: dir,
    },
  };
}

/** Reads an images file and its labels file and checks that their counts agree. */
async function readPair(imagesPath: string, labelsPath: string): Promise<{ images: IdxImages; labels: IdxLabels }> {
  const images = parseIdxImages(await readDataFile(imagesPath, IDX_IMAGES_SIZE, 'IDX images'), imagesPath);
  const labels = parseIdxLabels(await readDataFile(labelsPath, IDX_LABELS_SIZE, 'IDX labels'), labelsPath);
  if (labels.count !== images.count) {
    throw new DataFileError(labelsPath, 'count', `${images.count} (the count of ${basename(imagesPath)})`, String(labels.count));
  }
  return { images, labels };
}

/**
 * The class count of an IDX set whose file fixes none (`idx:<dir>`): its training labels must be
 * 0, 1, …, K − 1 with every class present. One stray byte (255) once made a 256-class network, 246
 * of whose classes had no example (issue 15, item 8).
 * @throws DataFileError naming the first label above the first class that has no example.
 */
function idxClasses(file: string, l: IdxLabels): number {
  const counts = new Array<number>(256).fill(0);
  for (let i = 0; i < l.count; i++) counts[l.labels[i]]++;
  let max = 0;
  for (let k = 0; k < 256; k++) if (counts[k]! > 0) max = k;
  const gap = counts.findIndex((c) => c === 0);
  if (gap === -1 || gap > max) return max + 1;
  const i = l.labels.findIndex((v) => v > gap);
  const expected =
    gap === 0
      ? 'labels from 0 (no training label is 0)'
      : `a class from 0 to ${gap - 1} (labels are numbered 0, 1, 2, … without gaps; no training label is ${gap})`;
  throw new DataFileError(file, `label of item ${i}`, expected, String(l.labels[i]));
}

/** @throws DataFileError naming the first label ≥ `classes`. */
function checkLabels(file: string, l: IdxLabels, classes: number): void {
  for (let i = 0; i < l.count; i++) {
    if (l.labels[i] >= classes) throw new DataFileError(file, `label of item ${i}`, `a class from 0 to ${classes - 1}`, String(l.labels[i]));
  }
}
