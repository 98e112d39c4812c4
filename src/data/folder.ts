/**
 * Image folders (the Small-ImageNet substitute, SPEC.md §4): one sub-folder per class holding PNG
 * or JPEG files. Classes are the sub-folders that hold images, in code-point order of their names
 * (no class list is hard-coded). Each image becomes grey, centre-cropped to a square and
 * area-resized to `imageSize` × `imageSize` (default 37, the paper's Small-ImageNet), values in
 * [0, 1]. A seeded shuffle splits the images into test, validation and train.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { InvalidInputError } from '../core/errors.ts';
import { describePath, readInputFile } from '../core/files.ts';
import { Rng, deriveSeed } from '../core/rng.ts';
import type { Dataset, OpenDatasetOptions } from './types.ts';
import { FOLDER_HOLDOUT_FRACTION, FOLDER_IMAGE_SIZE } from './defaults.ts';
import { refuseOptions, wholeOption } from './errors.ts';
import { decodeGrey, squareResize } from './image.ts';
import { type ExampleTable, createFiniteStream, tableSplit } from './splits.ts';

/** File name endings read as images (case-insensitive); other files are ignored. */
const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;
/** Fewest images a folder needs with the default hold-outs: one test, one validation, one to train on. */
const FOLDER_MIN_IMAGES = 3;

/** True when `path` is an existing directory. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The classes and labelled image files of a folder, in a fixed order (class, then file name). */
export interface FolderListing {
  readonly classNames: readonly string[];
  readonly files: readonly { readonly path: string; readonly label: number }[];
}

/**
 * The entries of directory `dir`, by name.
 * @throws InvalidInputError naming `dir` when it cannot be listed, or naming an entry whose name is
 *   not UTF-8 (Node would turn its bytes into U+FFFD and then not find it; class names are shown).
 */
function entries(dir: string): string[] {
  let raw: Buffer[];
  try {
    raw = readdirSync(dir, { encoding: 'buffer' });
  } catch (e) {
    throw new InvalidInputError({ field: 'dataset', expected: 'a readable directory', found: `${dir}: ${describePath(dir, e)}` }, { subject: 'image folder' });
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return raw.map((bytes) => {
    try {
      return decoder.decode(bytes);
    } catch {
      const shown = `${bytes.toString('utf8')} (bytes ${bytes.toString('hex').replace(/(..)(?!$)/g, '$1 ')})`;
      throw new InvalidInputError(
        { field: '', expected: 'file and folder names in UTF-8 (rename it)', found: `a name that is not UTF-8: ${shown}` },
        { file: join(dir, bytes.toString('utf8')), subject: 'image folder' },
      );
    }
  });
}

/**
 * Lists `dir`: every non-hidden sub-folder holding at least one image file is a class.
 * @throws InvalidInputError (field `dataset`) when `dir` is not a readable directory (saying what it
 *   is: nothing, a file, a link loop), an entry's name is not UTF-8, or it has fewer than two classes.
 */
function listImageFolder(dir: string): FolderListing {
  if (!isDirectory(dir)) {
    const expected = 'a directory holding one sub-folder of PNG/JPEG images per class';
    throw new InvalidInputError({ field: 'dataset', expected, found: `${dir}: ${describePath(dir)}` }, { subject: 'image folder' });
  }
  const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const classNames: string[] = [];
  const files: { path: string; label: number }[] = [];
  for (const name of entries(dir).sort(byCodePoint)) {
    const sub = join(dir, name);
    if (name.startsWith('.') || !isDirectory(sub)) continue;
    const images = entries(sub)
      .filter((f) => !f.startsWith('.') && (IMAGE_EXTENSIONS as readonly string[]).includes(extname(f).toLowerCase()))
      .sort(byCodePoint);
    if (images.length === 0) continue;
    for (const f of images) files.push({ path: join(sub, f), label: classNames.length });
    classNames.push(name);
  }
  if (classNames.length < 2) {
    const expected = 'a directory holding one sub-folder of PNG/JPEG images per class (at least two classes)';
    const found = `${dir}, with ${classNames.length} such sub-folder${classNames.length === 1 ? '' : 's'}`;
    throw new InvalidInputError({ field: 'dataset', expected, found }, { subject: 'image folder' });
  }
  return { classNames, files };
}

/**
 * Opens an image folder as a dataset named after the folder. Split: a Fisher–Yates shuffle of the
 * listing by Rng(deriveSeed(splitSeed, 'folder-split')) (splitSeed default 0); the first
 * `testSize` images are the test set, the next `validationSize` the validation set (each default
 * 10% of the images, rounded, but at least 1), the rest train. An explicit size of 0 is kept (an
 * empty split, e.g. for `glorot data info`); training refuses it.
 * @throws InvalidInputError from {@link listImageFolder}, or naming an image that is not a readable
 *   file (a directory, a link loop); DataFileError for an undecodable image;
 *   InvalidInputError naming the option (`imageSize` 1–1,024, `splitSeed` a 32-bit seed, `testSize`
 *   and `validationSize` ≥ 0) when one is out of range or does not apply (`dataDir`, `grey`);
 *   RangeError when the folder has fewer than {@link FOLDER_MIN_IMAGES} images for the default
 *   hold-outs, or the held-out sizes leave no training image.
 */
export function openImageFolder(dirArg: string, options: OpenDatasetOptions): Dataset {
  refuseOptions('image folder', options, ['dataDir', 'grey'], 'images are always grey');
  const dir = resolve(dirArg);
  const { classNames, files } = listImageFolder(dir);
  const side = wholeOption('image folder', 'imageSize', options.imageSize ?? FOLDER_IMAGE_SIZE, 1, 1024);
  const splitSeed = wholeOption('image folder', 'splitSeed', options.splitSeed ?? 0, -(2 ** 31), 2 ** 32 - 1);
  const n = files.length;
  const holdout = (v: number | undefined, what: string): number => {
    return v === undefined ? Math.max(1, Math.round(n * FOLDER_HOLDOUT_FRACTION)) : wholeOption('image folder', what, v, 0, Infinity);
  };
  const nTest = holdout(options.testSize, 'testSize');
  const nValidation = holdout(options.validationSize, 'validationSize');
  if (nTest + nValidation >= n && (options.testSize === undefined || options.validationSize === undefined)) {
    throw new RangeError(
      `image folder ${dir}: ${n} images are too few: holding out ${nTest} for test and ${nValidation} for validation ` +
        `(by default 10% each, at least 1) leaves none to train on; add images to the class sub-folders ` +
        `(at least ${FOLDER_MIN_IMAGES}), or choose the test and validation sizes`,
    );
  }
  if (nTest + nValidation >= n) {
    throw new RangeError(`image folder ${dir}: ${nTest} test + ${nValidation} validation images leave none of ${n} to train on`);
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  new Rng(deriveSeed(splitSeed, 'folder-split')).shuffle(order);

  const inputSize = side * side;
  // Area-averaged grey values are not multiples of 1/255, so folder tables (and the splits over
  // them) stay float32.
  const load = (from: number, to: number): ExampleTable => {
    const pixels = new Float32Array((to - from) * inputSize);
    const labels = new Int32Array(to - from);
    for (let k = from; k < to; k++) {
      const f = files[order[k]];
      pixels.set(squareResize(decodeGrey(readInputFile(f.path, 'a PNG or JPEG image'), f.path), side), (k - from) * inputSize);
      labels[k - from] = f.label;
    }
    return { pixels, labels, n: to - from, inputSize };
  };
  const name = basename(dir);
  const trainTable = load(nTest + nValidation, n);
  return {
    name,
    inputSize,
    classes: classNames.length,
    classNames,
    validation: tableSplit(load(nTest, nTest + nValidation), `${name} validation`),
    test: tableSplit(load(0, nTest), `${name} test`),
    trainStream: (seed) => createFiniteStream(name, trainTable, seed),
    info: {
      train: trainTable.n,
      validation: nValidation,
      test: nTest,
      height: side,
      width: side,
      channels: 1,
      split: `seeded shuffle (splitSeed ${splitSeed}): test, then validation, then train`,
      pixels: 'grey/255 in [0, 1], area-averaged',
      source: dir,
    },
  };
}
