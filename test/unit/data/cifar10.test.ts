import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openDataset, readRows } from '../../../src/data/dataset.ts';
import { parseCifarRecords, rgbPlanesToGrey } from '../../../src/data/cifar10.ts';
import { cifarBatch, tempDir } from '../../helpers/data.ts';

/** Record i of batch b: label (b + i) mod 10; planes R = 10·b + i, G = 100 + i, B = 200 + b. */
function writeCifar(dir: string, perBatch: number): void {
  for (let b = 1; b <= 6; b++) {
    const labels = Array.from({ length: perBatch }, (_, i) => (b + i) % 10);
    const bytes = cifarBatch(labels, (i, c) => [10 * b + i, 100 + i, 200 + b][c]);
    writeFileSync(join(dir, b <= 5 ? `data_batch_${b}.bin` : 'test_batch.bin'), b === 3 ? gzipSync(bytes) : bytes);
  }
}

test('CIFAR-10 records: label byte, then the R, G and B planes, each 32×32 row-major', () => {
  const r = parseCifarRecords(cifarBatch([7, 2], (i, c) => 50 * c + i), 'b');
  assert.deepEqual([r.count, ...r.labels], [2, 7, 2]);
  assert.deepEqual([r.pixels[0], r.pixels[1023], r.pixels[1024], r.pixels[2048], r.pixels[3072 + 2048]], [0, 0, 50, 100, 101]);
});

test('CIFAR-10: length not a multiple of 3073, or a label above 9, is named with its file and field', () => {
  assert.throws(() => parseCifarRecords(new Uint8Array(3073 * 2 + 5), 'b.bin'), {
    message: 'b.bin: length: expected a positive multiple of 3073 bytes (1 label + 3072 pixels per record), found 6151 bytes (2 records + 5 bytes)',
  });
  assert.throws(() => parseCifarRecords(new Uint8Array(0), 'b.bin'), /found 0 bytes \(0 records \+ 0 bytes\)/);
  assert.throws(() => parseCifarRecords(cifarBatch([1, 10], () => 0), 'b.bin'), {
    message: 'b.bin: label of record 1: expected 0 to 9, found 10',
  });
});

test('CIFAR-10 grey: BT.601 luma rounded as PIL convert("L")', () => {
  // PIL: L = (19595 R + 38470 G + 7471 B + 32768) >> 16; pure white stays 255, pure red is 76.
  const planes = Uint8Array.of(255, 255, 0, 255, 0, 0, 255, 0, 255); // R, G, B planes of 3 pixels: white, red, blue
  assert.deepEqual(Array.from(rgbPlanesToGrey(planes, 1, 3)), [255, 76, 29]);
});

test('cifar10: five training batches + test, last validationSize held out, colour or grey', async () => {
  const dir = tempDir('cifar');
  writeCifar(dir, 4);
  const ds = await openDataset('cifar10', { dataDir: dir, validationSize: 4 });
  assert.deepEqual([ds.inputSize, ds.classes, ds.info['train'], ds.validation.n, ds.test.n], [3072, 10, 16, 4, 4]);
  assert.equal(ds.classNames[0], 'airplane');
  // validation = data_batch_5: R = 50 + i, G = 100 + i, B = 205.
  assert.deepEqual(Array.from(ds.validation.y), [5, 6, 7, 8]);
  const v1 = readRows(ds.validation, 1, 1);
  assert.deepEqual([v1[0], v1[1024], v1[2048]], [51, 101, 205].map((b) => Math.fround(b / 255)));
  assert.deepEqual(Array.from(ds.test.y), [6, 7, 8, 9]);
  // The training stream sees each of batches 1–4's records once per epoch (batch 3 was gzipped).
  const x = new Float32Array(16 * 3072);
  const y = new Int32Array(16);
  ds.trainStream(1).next(x, y, 16);
  const reds = Array.from({ length: 16 }, (_, r) => Math.round(x[r * 3072] * 255)).sort((a, b) => a - b);
  assert.deepEqual(reds, [10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33, 40, 41, 42, 43]);

  const grey = await openDataset('cifar10', { dataDir: dir, validationSize: 4, grey: true });
  assert.equal(grey.inputSize, 1024);
  const L = (19595 * 51 + 38470 * 101 + 7471 * 205 + 32768) >>> 16;
  assert.equal(readRows(grey.validation, 1, 1)[0], Math.fround(L / 255));
});

test('cifar10: a missing training batch is an error, never a silent 40k; class names from batches.meta.txt', async () => {
  const dir = tempDir('cifar-missing');
  writeCifar(dir, 2);
  writeFileSync(join(dir, 'batches.meta.txt'), 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n\n');
  const ds = await openDataset('cifar10', { dataDir: dir, validationSize: 2 });
  assert.equal(ds.classNames.join(''), 'abcdefghij');
  rmSync(join(dir, 'data_batch_4.bin'));
  const expected =
    'a directory holding the binary version of CIFAR-10 (cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html, unpacked): ' +
    'all five training batches data_batch_1.bin … data_batch_5.bin and test_batch.bin';
  await assert.rejects(openDataset('cifar10', { dataDir: dir }), { field: 'dataDir', message: `cifar10: dataDir: expected ${expected}, found ${dir}, which lacks data_batch_4.bin` });
  await assert.rejects(openDataset('cifar10'), { field: 'dataDir', message: `cifar10: dataDir: expected ${expected}, found nothing` });
  await assert.rejects(openDataset('cifar10', { dataDir: dir, testSize: 5 }), { field: 'testSize', message: 'cifar10: testSize: expected nothing (it does not apply: the batch files fix it), found 5' });
});
