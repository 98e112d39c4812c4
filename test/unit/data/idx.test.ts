import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openDataset, readRows } from '../../../src/data/dataset.ts';
import { readDataFile } from '../../../src/data/files.ts';
import { IDX_IMAGES_SIZE, IDX_LABELS_SIZE, parseIdxImages, parseIdxLabels } from '../../../src/data/idx.ts';
import { FASHION_MNIST_DIR } from '../../../src/data/mnist.ts';
import { gzipWithName, idxImages, idxLabels, tempDir, writeIdxSet } from '../../helpers/data.ts';

test('IDX: images and labels parse; pixels are unsigned bytes (128 stays 128)', () => {
  const img = parseIdxImages(idxImages(3, 2, 4, (i, k) => 120 + 4 * i + k), 'x');
  assert.deepEqual([img.count, img.rows, img.cols], [3, 2, 4]);
  assert.deepEqual(Array.from(img.pixels.subarray(8, 16)), [124, 125, 126, 127, 128, 129, 130, 131]);
  const lab = parseIdxLabels(idxLabels([9, 0, 255]), 'y');
  assert.deepEqual([lab.count, ...lab.labels], [3, 9, 0, 255]);
});

test('IDX: gzip is detected by its bytes, whatever the name', async () => {
  const dir = tempDir('idx-gz');
  const bytes = idxImages(2, 3, 3, (i, k) => i + k);
  writeFileSync(join(dir, 'plain.gz'), bytes);
  writeFileSync(join(dir, 'compressed'), gzipSync(bytes));
  assert.deepEqual(await readDataFile(join(dir, 'plain.gz'), IDX_IMAGES_SIZE), bytes);
  assert.deepEqual(new Uint8Array(await readDataFile(join(dir, 'compressed'), IDX_IMAGES_SIZE)), new Uint8Array(bytes));
  writeFileSync(join(dir, 'cut'), gzipSync(bytes).subarray(0, 20));
  await assert.rejects(readDataFile(join(dir, 'cut'), IDX_IMAGES_SIZE), new RegExp(`^DataFileError: ${join(dir, 'cut')}: gzip: expected a complete gzip stream, found a damaged one`));
});

test('IDX: each malformed file gets one message naming file, field, expected and found', () => {
  const good = idxImages(2, 2, 2, () => 1);
  const withMagic = (m: number): Uint8Array => {
    const b = Uint8Array.from(good);
    new DataView(b.buffer).setUint32(0, m, false);
    return b;
  };
  const cases: Array<[string, Uint8Array, string]> = [
    ['gzip read as plain', gzipWithName(good, 'train-images-idx3-ubyte'),
      'f: magic: expected 2051 (IDX images: unsigned bytes, 3 dimensions), found 529205256 (this is gzip: compressed data, not IDX (glorot decompresses once, so was it compressed twice?))'],
    ['labels where images are expected', idxLabels([1, 2]),
      'f: magic: expected 2051 (IDX images: unsigned bytes, 3 dimensions), found 2049 (IDX labels: unsigned bytes, 1 dimension: a label file where images were expected)'],
    ['float data', withMagic(0x0d03),
      'f: magic: expected 2051 (IDX images: unsigned bytes, 3 dimensions), found 3331 (IDX: floats, 3 dimensions)'],
    ['not IDX at all', Buffer.from('P5\n28 28\n255\n'),
      'f: magic: expected 2051 (IDX images: unsigned bytes, 3 dimensions), found 1345653298 (not an IDX file: its first two bytes must be 0)'],
    ['empty', new Uint8Array(0), 'f: magic: expected 2051 (IDX images: unsigned bytes, 3 dimensions), found a file of 0 bytes'],
    ['header cut short', good.subarray(0, 10), 'f: header: expected 16 bytes (magic + 3 sizes), found 10 bytes'],
    ['truncated data', good.subarray(0, 23), 'f: length: expected 24 bytes (header 16 + 2 × 2 × 2 data), found 23 bytes (truncated)'],
    ['trailing bytes', Buffer.concat([good, Buffer.from([0, 0])]), 'f: length: expected 24 bytes (header 16 + 2 × 2 × 2 data), found 26 bytes (2 extra)'],
    ['zero rows', idxImages(0, 0, 2, () => 0), 'f: rows: expected at least 1, found 0'],
  ]; // prettier-ignore
  for (const [what, bytes, message] of cases) {
    assert.throws(() => parseIdxImages(bytes, 'f'), { name: 'DataFileError', message }, what);
  }
  assert.throws(() => parseIdxLabels(good, 'g'), {
    message: 'g: magic: expected 2049 (IDX labels: unsigned bytes, 1 dimension), found 2051 (IDX images: unsigned bytes, 3 dimensions: an image file where labels were expected)',
  });
});

test('mnist from --data-dir: 28×28, last validationSize of the training file held out, gz or plain', async () => {
  for (const gz of [false, true]) {
    const dir = tempDir('mnist');
    const train = Array.from({ length: 30 }, (_, i) => i % 10);
    writeIdxSet(dir, train, [3, 1, 4, 1, 5], { gz });
    const ds = await openDataset('mnist', { dataDir: dir, validationSize: 12 });
    assert.deepEqual([ds.name, ds.inputSize, ds.classes, ds.validation.n, ds.test.n], ['mnist', 784, 10, 12, 5]);
    assert.deepEqual(ds.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(Array.from(ds.validation.y), train.slice(18));
    assert.equal(readRows(ds.validation, 0, 1)[0], Math.fround(((18 * 7) % 256) / 255), 'validation starts at training image 18');
    assert.deepEqual(Array.from(ds.test.y), [3, 1, 4, 1, 5]);
    assert.equal(ds.info['train'], 18);
    // The training stream covers exactly the first 18 images in an epoch.
    const x = new Float32Array(18 * 784);
    const y = new Int32Array(18);
    ds.trainStream(0).next(x, y, 18);
    const firstPixels = Array.from({ length: 18 }, (_, r) => Math.round(x[r * 784] * 255));
    assert.deepEqual(firstPixels.sort((a, b) => a - b), Array.from({ length: 18 }, (_, i) => (i * 7) % 256).sort((a, b) => a - b));
  }
});

test('IDX datasets: mismatched counts, labels ≥ 10, wrong image size, missing files', async () => {
  const dir = tempDir('mnist-bad');
  writeIdxSet(dir, [1, 2, 3], [1]);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxLabels([1, 2]));
  await assert.rejects(openDataset('mnist', { dataDir: dir, validationSize: 1 }), {
    message: `${join(dir, 'train-labels-idx1-ubyte')}: count: expected 3 (the count of train-images-idx3-ubyte), found 2`,
  });
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxLabels([1, 10, 3]));
  await assert.rejects(openDataset('mnist', { dataDir: dir, validationSize: 1 }), {
    message: `${join(dir, 'train-labels-idx1-ubyte')}: label of item 1: expected a class from 0 to 9, found 10`,
  });
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxLabels([1, 9, 3]));
  const small = tempDir('mnist-small');
  writeIdxSet(small, [1, 2, 3], [1], { rows: 8, cols: 8 });
  await assert.rejects(openDataset('mnist', { dataDir: small, validationSize: 1 }), /rows × columns: expected 28 × 28, found 8 × 8/);
  await assert.rejects(openDataset('mnist', { dataDir: dir, validationSize: 3 }), { field: 'validationSize', message: 'mnist: validationSize: expected a whole number from 0 to 2 (the training file has 3 images), found 3' });
  await assert.rejects(openDataset('mnist'), {
    name: 'InvalidInputError',
    field: 'dataDir',
    message: "mnist: dataDir: expected a directory holding MNIST's four IDX files (train-images-idx3-ubyte[.gz] …), found nothing",
  });
  const empty = tempDir('empty');
  await assert.rejects(
    openDataset('fashion-mnist', { dataDir: empty }),
    {
      field: 'dataDir',
      message:
        'fashion-mnist: dataDir: expected a directory holding the four Fashion-MNIST IDX files (install them with `apt-get install dataset-fashion-mnist`), ' +
        `found ${empty}, which lacks train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]`,
    },
  );
  // idx:<dir> names its directory in the dataset name, so the dataset is the field at fault
  await assert.rejects(openDataset(`idx:${empty}`), { field: 'dataset', message: new RegExp(`^idx:${empty}: dataset: expected a directory holding the four IDX files \\(train-images-idx3-ubyte\\[\\.gz\\], `) });
});

test('idx:<dir>: any image size and class count (the largest label + 1, every class in the training file), named after the folder', async () => {
  const dir = tempDir('tiles');
  writeIdxSet(dir, [0, 3, 1, 2, 1], [3, 0], { rows: 37, cols: 37 });
  const ds = await openDataset(`idx:${dir}`, { validationSize: 1 });
  assert.deepEqual([ds.inputSize, ds.classes, ds.classNames.length, ds.validation.n, ds.test.n], [1369, 4, 4, 1, 2]);
  assert.ok(ds.name.startsWith('glorot-tiles-'));
});

test('idx:<dir>: a label that skips classes (one stray byte 255) is an error naming the file and item, never a 256-class network', async () => {
  const dir = tempDir('stray');
  const file = join(dir, 'train-labels-idx1-ubyte');
  const cases: Array<[number[], number[], string, string]> = [
    [[0, 1, 2, 255, 1], [0], file, 'label of item 3: expected a class from 0 to 2 (labels are numbered 0, 1, 2, … without gaps; no training label is 3), found 255'],
    [[0, 2, 2], [0], file, 'label of item 1: expected a class from 0 to 0 (labels are numbered 0, 1, 2, … without gaps; no training label is 1), found 2'],
    [[1, 2, 3], [1], file, 'label of item 0: expected labels from 0 (no training label is 0), found 1'],
    // a test label beyond the training file's classes
    [[0, 1, 1, 0], [1, 255], join(dir, 't10k-labels-idx1-ubyte'), 'label of item 1: expected a class from 0 to 1, found 255'],
  ];
  for (const [train, testLabels, at, message] of cases) {
    writeIdxSet(dir, train, testLabels, { rows: 2, cols: 2 });
    await assert.rejects(openDataset(`idx:${dir}`, { validationSize: 1 }), { name: 'DataFileError', file: at, message: `${at}: ${message}` });
  }
});

const hasFashion = existsSync(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));
test('Fashion-MNIST (Debian dataset-fashion-mnist): 60,000 + 10,000 images, 6,000 per class in the training file', { skip: !hasFashion && 'dataset-fashion-mnist is not installed' }, async () => {
  const labels = parseIdxLabels(await readDataFile(join(FASHION_MNIST_DIR, 'train-labels-idx1-ubyte.gz'), IDX_LABELS_SIZE), 'train labels');
  const perClass = new Array<number>(10).fill(0);
  for (const l of labels.labels) perClass[l]++;
  assert.deepEqual(perClass, new Array<number>(10).fill(6000));
  const ds = await openDataset('fashion-mnist');
  assert.deepEqual([ds.name, ds.inputSize, ds.classes, ds.info['train'], ds.validation.n, ds.test.n], ['fashion-mnist', 784, 10, 50_000, 10_000, 10_000]);
  assert.equal(ds.classNames[9], 'Ankle boot');
  assert.deepEqual(Array.from(ds.test.y.subarray(0, 5)), [9, 2, 1, 1, 6], 'the first labels of t10k-labels');
  const testPerClass = new Array<number>(10).fill(0);
  for (const y of ds.test.y) testPerClass[y]++;
  assert.deepEqual(testPerClass, new Array<number>(10).fill(1000));
  assert.ok(readRows(ds.test, 0, ds.test.n).every((v) => v >= 0 && v <= 1));
});
