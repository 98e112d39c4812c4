import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { openDataset, readRows } from '../../../src/data/dataset.ts';
import { decodeGrey, squareResize } from '../../../src/data/image.ts';
import { tempDir } from '../../helpers/data.ts';

/** An RGBA image whose pixel (x, y) is `rgb(x, y)`. */
function rgba(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([...rgb(x, y), 255], (y * width + x) * 4);
    }
  }
  return data;
}

function png(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]): Buffer {
  const p = new PNG({ width, height });
  rgba(width, height, rgb).copy(p.data);
  return PNG.sync.write(p);
}

test('area resize: exact means for whole and fractional footprints; centre square crop', () => {
  const g = { width: 4, height: 4, data: Uint8Array.from({ length: 16 }, (_, k) => k * 10) };
  // 4 → 2: each output is the mean of a 2×2 block.
  assert.deepEqual(Array.from(squareResize(g, 2), (v) => Math.round(v * 255 * 100) / 100), [25, 45, 105, 125]);
  // 3 → 2 along a row: outputs cover [0, 1.5) and [1.5, 3): (a + b/2)/1.5 and (b/2 + c)/1.5.
  const row = { width: 3, height: 3, data: Uint8Array.of(0, 90, 180, 0, 90, 180, 0, 90, 180) };
  assert.deepEqual(Array.from(squareResize(row, 2), (v) => Math.round(v * 255)), [30, 150, 30, 150]);
  // 6 × 2 crops columns 2..3.
  const wide = { width: 6, height: 2, data: Uint8Array.of(0, 0, 100, 200, 0, 0, 0, 0, 100, 200, 0, 0) };
  assert.deepEqual(Array.from(squareResize(wide, 2), (v) => Math.round(v * 255)), [100, 200, 100, 200]);
  // Enlarging repeats pixels.
  assert.deepEqual(Array.from(squareResize({ width: 1, height: 1, data: Uint8Array.of(51) }, 2)), new Array(4).fill(Math.fround(0.2)));
});

test('decoding: PNG and JPEG by their bytes, to BT.601 grey; anything else is named', () => {
  const red = decodeGrey(png(3, 2, () => [255, 0, 0]), 'r.png');
  assert.deepEqual([red.width, red.height, ...red.data], [3, 2, 76, 76, 76, 76, 76, 76]);
  const j = jpeg.encode({ width: 16, height: 16, data: rgba(16, 16, () => [128, 128, 128]) }, 95).data;
  const grey = decodeGrey(j, 'g.jpg');
  assert.ok(grey.data.every((v) => Math.abs(v - 128) <= 2), 'JPEG grey 128 survives within 2');
  assert.throws(() => decodeGrey(Buffer.from('GIF89a'), 'x.png'), {
    name: 'DataFileError',
    message: 'x.png: format: expected a PNG (89 50 4e 47) or JPEG (ff d8) file, found bytes 47 49 46 38',
  });
  assert.throws(() => decodeGrey(png(2, 2, () => [0, 0, 0]).subarray(0, 40), 'cut.png'), /cut.png: image data: expected a decodable PNG or JPEG, found/);
});

test('image folder: classes from sub-folders, grey, resized, seeded split without overlap', async () => {
  const root = tempDir('folder');
  const dir = join(root, 'toy-imagenet');
  // Three classes; image k of class c is a flat grey 20·c + k (dogs are JPEG, wider than high).
  const classes = ['cats', 'dogs', 'zebras'];
  classes.forEach((name, c) => {
    mkdirSync(join(dir, name), { recursive: true });
    for (let k = 0; k < 10; k++) {
      const v = 20 * c + k;
      const bytes = name === 'dogs'
        ? jpeg.encode({ width: 60, height: 40, data: rgba(60, 40, () => [v, v, v]) }, 100).data
        : png(50, 50, () => [v, v, v]);
      writeFileSync(join(dir, name, `img${k}.${name === 'dogs' ? 'JPG' : 'png'}`), bytes);
    }
  });
  writeFileSync(join(dir, 'cats', 'notes.txt'), 'not an image');
  mkdirSync(join(dir, '.hidden'));
  mkdirSync(join(dir, 'empty'));
  const ds = await openDataset(`folder:${dir}`, { imageSize: 8, validationSize: 5, testSize: 4 });
  assert.deepEqual([ds.name, ds.inputSize, ds.classes, ...ds.classNames], ['toy-imagenet', 64, 3, ...classes]);
  assert.deepEqual([ds.info['train'], ds.validation.n, ds.test.n], [21, 5, 4]);
  // Identify each image by its flat grey: every image in exactly one split, labels consistent.
  const seen: number[] = [];
  const note = (x: Float32Array, y: Int32Array, n: number): void => {
    for (let i = 0; i < n; i++) {
      const v = Math.round(x[i * 64] * 255);
      assert.ok(x.subarray(i * 64, (i + 1) * 64).every((p) => Math.abs(p * 255 - v) < 1.5), 'flat image stays flat');
      assert.equal(y[i], Math.floor(v / 20));
      seen.push(v);
    }
  };
  note(readRows(ds.validation, 0, 5), ds.validation.y, 5);
  note(readRows(ds.test, 0, 4), ds.test.y, 4);
  const x = new Float32Array(21 * 64);
  const y = new Int32Array(21);
  ds.trainStream(0).next(x, y, 21);
  note(x, y, 21);
  assert.deepEqual(seen.sort((a, b) => a - b), classes.flatMap((_, c) => Array.from({ length: 10 }, (_, k) => 20 * c + k)));
  // The split is seeded: the same seed gives the same test set, another seed another.
  const again = await openDataset(dir, { imageSize: 8, validationSize: 5, testSize: 4 });
  assert.deepEqual(again.test.y, ds.test.y);
  assert.deepEqual(readRows(again.test, 0, 4), readRows(ds.test, 0, 4));
  const other = await openDataset(dir, { imageSize: 8, validationSize: 5, testSize: 4, splitSeed: 1 });
  assert.notDeepEqual(readRows(other.test, 0, 4), readRows(ds.test, 0, 4));
  // Defaults: 37×37 and 10% each.
  const dflt = await openDataset(dir);
  assert.deepEqual([dflt.inputSize, dflt.validation.n, dflt.test.n], [1369, 3, 3]);
  await assert.rejects(openDataset(dir, { validationSize: 15, testSize: 15 }), /leave none of 30 to train on/);
  await assert.rejects(openDataset(`folder:${join(dir, 'cats')}`), /: image folder: dataset: expected a directory holding one sub-folder of PNG\/JPEG images per class \(at least two classes\), found .*cats, with 0 such sub-folders$/);
  await assert.rejects(openDataset('no-such-dataset'), {
    name: 'InvalidInputError',
    message:
      'dataset: expected one of shapeset, fashion-mnist, mnist, cifar10, idx:<dir> or folder:<dir> (a directory with one sub-folder of PNG/JPEG images per class), ' +
      'found "no-such-dataset"',
  });
  // the folder's own options are checked by the folder, with their ranges
  for (const [options, field, found, range] of [
    [{ imageSize: 0 }, 'imageSize', '0', 'from 1 to 1,024'],
    [{ imageSize: 2000 }, 'imageSize', '2000', 'from 1 to 1,024'],
    [{ splitSeed: 1.5 }, 'splitSeed', '1.5', 'from -2,147,483,648 to 4,294,967,295'],
    [{ testSize: -1 }, 'testSize', '-1', '≥ 0'],
    [{ validationSize: 0.5 }, 'validationSize', '0.5', '≥ 0'],
  ] as const) {
    await assert.rejects(openDataset(dir, options), { field, message: `image folder: ${field}: expected a whole number ${range}, found ${found}` });
  }
  await assert.rejects(openDataset(dir, { grey: true }), { field: 'grey', message: 'image folder: grey: expected nothing (it does not apply: images are always grey), found true' });
});

/** A folder of `perClass[c]` flat PNG images in class sub-folders `c0`, `c1`, …; returns its path. */
function smallFolder(perClass: number[]): string {
  const dir = join(tempDir('folder-small'), 'imgs');
  perClass.forEach((count, c) => {
    mkdirSync(join(dir, `c${c}`), { recursive: true });
    for (let k = 0; k < count; k++) writeFileSync(join(dir, `c${c}`, `${k}.png`), png(4, 4, () => [40 * c + k, 0, 0]));
  });
  return dir;
}

test('small folders: the default hold-outs are at least one image each, and too few images are refused by name', async () => {
  // 10% rounds to 0 below 5 images: every size from 3 to 4 must still hold out 1 test and 1 validation image
  for (const [perClass, split] of [
    [[2, 1], [1, 1, 1]],
    [[2, 2], [1, 1, 2]],
    [[3, 2], [1, 1, 3]], // 5 images: 10% rounds to 1 already
    [[10, 10], [2, 2, 16]],
  ] as const) {
    const ds = await openDataset(`folder:${smallFolder([...perClass])}`, { imageSize: 4 });
    assert.deepEqual([ds.test.n, ds.validation.n, ds.info['train']], [...split], `${perClass.join('+')} images`);
  }
  // 2 images cannot give 1 test + 1 validation + 1 training image
  const two = smallFolder([1, 1]);
  await assert.rejects(
    openDataset(`folder:${two}`),
    (e: Error) =>
      e instanceof RangeError &&
      e.message.includes(`image folder ${two}: 2 images are too few`) &&
      /holding out 1 for test and 1 for validation \(by default 10% each, at least 1\) leaves none to train on; add images .*\(at least 3\), or choose the test and validation sizes$/.test(e.message),
  );
  // explicit sizes are kept as given, 0 included (training refuses an empty split, not the folder)
  const four = smallFolder([2, 2]);
  const explicit = await openDataset(four, { imageSize: 4, testSize: 0, validationSize: 1 });
  assert.deepEqual([explicit.test.n, explicit.validation.n, explicit.info['train']], [0, 1, 3]);
  await assert.rejects(openDataset(four, { testSize: 2, validationSize: 2 }), /2 test \+ 2 validation images leave none of 4 to train on/);
});
