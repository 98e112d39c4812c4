/**
 * CIFAR-10, binary version (Krizhevsky, "The CIFAR-10 dataset", binary version): data_batch_1..5.bin
 * and test_batch.bin, records of 1 label byte + 3072 pixel bytes (1024 R, 1024 G, 1024 B, each a
 * 32 × 32 plane row-major). SPEC.md §4: the last 10,000 of the 50,000 training images (data_batch_5)
 * are held out for validation → 40k / 10k / 10k. Inputs keep the file's order (R plane, G plane,
 * B plane; 3072) or, with `grey`, one luma plane (1024). Pixels are byte/255 in [0, 1].
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Dataset, OpenDatasetOptions } from './types.ts';
import { CIFAR_VALIDATION_SIZE } from './defaults.ts';
import { foundText, InvalidInputError } from '../core/errors.ts';
import { entryExists, readInputFile } from '../core/files.ts';
import { DataFileError, refuseOptions } from './errors.ts';
import { firstExisting, lacking, readDataFile, type SizeLimit } from './files.ts';
import { type ExampleTable, createFiniteStream, tableRows, tableSplit } from './splits.ts';

/** Bytes per record: 1 label + 3 × 32 × 32 pixels. */
const CIFAR_RECORD_BYTES = 3073;
/** Records per batch file (5 training batches and the test batch, each of 10,000 images). */
const CIFAR_BATCH_RECORDS = 10_000;
/** How large a gzipped batch may inflate: one batch of {@link CIFAR_BATCH_RECORDS} records (src/data/files.ts). */
const CIFAR_BATCH_SIZE: SizeLimit = {
  headerBytes: 0,
  announced: () => ({
    bytes: CIFAR_BATCH_RECORDS * CIFAR_RECORD_BYTES,
    why: `a batch of ${CIFAR_BATCH_RECORDS.toLocaleString('en-US')} records of ${CIFAR_RECORD_BYTES} bytes`,
  }),
};
/** Pixel bytes per record (R, G, B planes of 32 × 32). */
const CIFAR_PIXELS = 3072;
/** The class names of batches.meta.txt, by label; used when that file is absent. */
const CIFAR10_CLASSES: readonly string[] = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
]; // prettier-ignore

/** Records of a CIFAR-10 batch: `pixels` [count, 3072] (R, G, B planes), `labels` [count]. */
export interface CifarRecords {
  readonly count: number;
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
}

/**
 * Splits a CIFAR-10 binary batch into labels and pixels (copies; the file interleaves them).
 * @param file the name used in error messages.
 * @throws DataFileError when the length is not a positive multiple of 3073 or a label is > 9.
 */
export function parseCifarRecords(bytes: Uint8Array, file: string): CifarRecords {
  if (bytes.length === 0 || bytes.length % CIFAR_RECORD_BYTES !== 0) {
    const whole = Math.floor(bytes.length / CIFAR_RECORD_BYTES);
    throw new DataFileError(
      file,
      'length',
      'a positive multiple of 3073 bytes (1 label + 3072 pixels per record)',
      `${bytes.length} bytes (${whole} records + ${bytes.length % CIFAR_RECORD_BYTES} bytes)`,
    );
  }
  const count = bytes.length / CIFAR_RECORD_BYTES;
  const pixels = new Uint8Array(count * CIFAR_PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * CIFAR_RECORD_BYTES;
    labels[i] = bytes[at];
    if (labels[i] > 9) throw new DataFileError(file, `label of record ${i}`, '0 to 9', String(labels[i]));
    pixels.set(bytes.subarray(at + 1, at + CIFAR_RECORD_BYTES), i * CIFAR_PIXELS);
  }
  return { count, pixels, labels };
}

/**
 * Grey from the R, G, B planes with ITU-R BT.601 luma weights, rounded to a byte as PIL's
 * convert('L'): (19595 R + 38470 G + 7471 B + 2^15) >> 16.
 * @param pixels [count, 3·planeSize] plane-major RGB bytes.
 * @returns [count, planeSize] grey bytes.
 */
export function rgbPlanesToGrey(pixels: Uint8Array, count: number, planeSize: number): Uint8Array {
  const grey = new Uint8Array(count * planeSize);
  for (let i = 0; i < count; i++) {
    const r = i * 3 * planeSize;
    for (let k = 0; k < planeSize; k++) {
      const R = pixels[r + k];
      const G = pixels[r + planeSize + k];
      const B = pixels[r + 2 * planeSize + k];
      grey[i * planeSize + k] = (19595 * R + 38470 * G + 7471 * B + 32768) >>> 16;
    }
  }
  return grey;
}

/**
 * Opens CIFAR-10 from `dataDir` (or its sub-folder cifar-10-batches-bin). All five training
 * batches are required (never a silent 40k). Expected: 5 × 10,000 training records, 10,000 test.
 * @throws InvalidInputError naming `dataDir` (and a missing batch) with how to get the data, an
 *   option that does not apply, or `validationSize` out of range; DataFileError for malformed files.
 */
export async function openCifar10(options: OpenDatasetOptions): Promise<Dataset> {
  refuseOptions('cifar10', options, ['testSize', 'imageSize', 'splitSeed'], 'the batch files fix it');
  const expected =
    'a directory holding the binary version of CIFAR-10 (cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, unpacked): ' +
    'all five training batches data_batch_1.bin … data_batch_5.bin and test_batch.bin';
  const missing = (found: string): InvalidInputError => new InvalidInputError({ field: 'dataDir', expected, found }, { subject: 'cifar10' });
  if (options.dataDir === undefined) throw missing('nothing');
  let dir = resolve(options.dataDir);
  if (!existsSync(join(dir, 'data_batch_1.bin')) && existsSync(join(dir, 'cifar-10-batches-bin'))) {
    dir = join(dir, 'cifar-10-batches-bin');
  }
  const find = (name: string): string => {
    const p = firstExisting([join(dir, name), join(dir, `${name}.gz`)]);
    if (p === undefined) {
      throw missing(lacking(dir, name));
    }
    return p;
  };
  const batches: CifarRecords[] = [];
  for (const p of [1, 2, 3, 4, 5].map((k) => find(`data_batch_${k}.bin`))) {
    batches.push(parseCifarRecords(await readDataFile(p, CIFAR_BATCH_SIZE, 'a CIFAR-10 batch'), p));
  }
  const testPath = find('test_batch.bin');
  const test = parseCifarRecords(await readDataFile(testPath, CIFAR_BATCH_SIZE, 'a CIFAR-10 batch'), testPath);
  const train = concat(batches);
  const grey = options.grey ?? false;
  const inputSize = grey ? 1024 : CIFAR_PIXELS;
  // Grey stays 8-bit: the integer luma formula gives exact bytes, so splits read grey/255 exactly as
  // a float32 copy would (no float table needed). Validation and test are views of these bytes.
  const form = (r: CifarRecords): ExampleTable => ({
    pixels: grey ? rgbPlanesToGrey(r.pixels, r.count, 1024) : r.pixels,
    labels: r.labels,
    n: r.count,
    inputSize,
  });
  const all = form(train);
  const nValidation = options.validationSize ?? CIFAR_VALIDATION_SIZE;
  if (!Number.isInteger(nValidation) || nValidation < 0 || nValidation >= all.n) {
    const expected = `a whole number from 0 to ${all.n - 1} (the training batches hold ${all.n} images)`;
    throw new InvalidInputError({ field: 'validationSize', expected, found: foundText(nValidation) }, { subject: 'cifar10' });
  }
  const nTrain = all.n - nValidation;
  const trainTable = tableRows(all, 0, nTrain);
  return {
    name: 'cifar10',
    inputSize,
    classes: 10,
    classNames: readClassNames(dir),
    validation: tableSplit(tableRows(all, nTrain, nValidation), 'cifar10 validation'),
    test: tableSplit(form(test), 'cifar10 test'),
    trainStream: (seed) => createFiniteStream('cifar10', trainTable, seed),
    info: {
      train: nTrain,
      validation: nValidation,
      test: test.count,
      height: 32,
      width: 32,
      channels: grey ? 1 : 3,
      inputs: grey ? 'grey (BT.601 luma)' : 'R, G, B planes, each row-major',
      split: `train = first ${nTrain} of data_batch_1..5, validation = their last ${nValidation}, test = test_batch`,
      pixels: 'byte/255 in [0, 1]',
      source: dir,
    },
  };
}

function concat(parts: CifarRecords[]): CifarRecords {
  const count = parts.reduce((a, p) => a + p.count, 0);
  const pixels = new Uint8Array(count * CIFAR_PIXELS);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const p of parts) {
    pixels.set(p.pixels, at * CIFAR_PIXELS);
    labels.set(p.labels, at);
    at += p.count;
  }
  return { count, pixels, labels };
}

/** Class names from batches.meta.txt (one per line) when present, else {@link CIFAR10_CLASSES}. */
function readClassNames(dir: string): readonly string[] {
  const path = join(dir, 'batches.meta.txt');
  if (!entryExists(path)) return CIFAR10_CLASSES;
  const names = readInputFile(path, 'class names, one per line').toString('utf8').split('\n').map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== 10) throw new DataFileError(path, 'class names', '10 non-empty lines', `${names.length}`);
  return names;
}
