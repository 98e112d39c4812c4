import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, deriveSeed } from '../../../src/core/rng.ts';
import { openDataset, readRows } from '../../../src/data/dataset.ts';
import {
  SHAPESET_TEST_SEED,
  SHAPESET_VALIDATION_SEED,
  generateShapesetSplit,
  shapesetGeneratorSeed,
} from '../../../src/data/shapeset/dataset.ts';
import { ShapesetGenerator } from '../../../src/data/shapeset/generator.ts';

const ds = await openDataset('shapeset');

/** A 64-bit-ish key of one image's bytes (two FNV-1a hashes). */
function imageKey(x: Float32Array, i: number, d: number): string {
  const words = new Uint32Array(x.buffer, x.byteOffset + i * d * 4, d);
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let k = 0; k < d; k++) {
    a = Math.imul(a ^ words[k], 0x01000193);
    b = Math.imul(b ^ words[k], 0x5bd1e995) ^ (b >>> 15);
  }
  return `${a >>> 0}:${b >>> 0}`;
}

test('shapeset: 1024 inputs, 9 classes, 10,000 validation and 10,000 test images in [0, 1]', () => {
  assert.equal(ds.name, 'shapeset');
  assert.equal(ds.inputSize, 1024);
  assert.equal(ds.classes, 9);
  assert.equal(ds.classNames.length, 9);
  for (const split of [ds.validation, ds.test]) {
    assert.equal(split.n, 10_000);
    assert.equal(split.inputSize, 1024);
    assert.equal(split.y.length, 10_000);
    assert.ok(split.y.every((y) => y >= 0 && y < 9));
    assert.ok(readRows(split, 0, split.n).every((v) => v >= 0 && v <= 1));
  }
  assert.deepEqual(
    [ds.info['train'], ds.info['validation'], ds.info['test'], ds.info['validationSeed'], ds.info['testSeed']],
    ['infinite', 10_000, 10_000, -1, 0],
  );
});

test('shapeset: validation and test sets come from their documented seeds and reopen identically', async () => {
  const v = generateShapesetSplit(shapesetGeneratorSeed('validation', SHAPESET_VALIDATION_SEED), 300);
  assert.deepEqual(readRows(v, 0, 300), readRows(ds.validation, 0, 300));
  assert.deepEqual(v.y, ds.validation.y.subarray(0, 300));
  const small = await openDataset('shapeset', { validationSize: 50, testSize: 20 });
  assert.deepEqual(readRows(small.test, 0, 20), readRows(ds.test, 0, 20), 'a smaller set is a prefix');
  assert.deepEqual([small.validation.n, small.test.n], [50, 20]);
});

test('shapeset: the 8-bit validation and test sets read back bit-identical to float generation, image by image', () => {
  for (const [split, role, base] of [
    [ds.validation, 'validation', SHAPESET_VALIDATION_SEED],
    [ds.test, 'test', SHAPESET_TEST_SEED],
  ] as const) {
    const gen = new ShapesetGenerator();
    const rng = new Rng(shapesetGeneratorSeed(role, base));
    const expected = new Float32Array(1024);
    const got = new Float32Array(1024);
    const e32 = new Uint32Array(expected.buffer);
    const g32 = new Uint32Array(got.buffer);
    for (let i = 0; i < split.n; i++) {
      const label = gen.generate(rng, expected, 0);
      split.read(i, 1, got, 0);
      assert.equal(split.y[i], label, `${role} image ${i}: label`);
      for (let k = 0; k < 1024; k++) {
        if (g32[k] !== e32[k]) assert.fail(`${role} image ${i}, pixel ${k}: read ${got[k]}, generated ${expected[k]}`);
      }
    }
  }
  // Chunks and offsets give the same floats as single rows.
  const chunk = new Float32Array(1 + 7 * 1024);
  ds.test.read(9_993, 7, chunk, 1);
  assert.deepEqual(chunk.subarray(1), readRows(ds.test, 9_993, 7));
  assert.throws(() => ds.test.read(9_999, 2, chunk, 0), /shapeset test: read: rows 9999\.\.10001 \(2 rows\) outside the split's 10000 examples/);
  assert.throws(() => ds.validation.read(0, 8, chunk, 0), /shapeset validation: read: out needs 8×1024 = 8192 floats from offset 0, found length 7169/);
});

test('shapeset: no image is shared between validation, test and the training streams of seeds 0 and 1', () => {
  const seen = new Map<string, string>();
  const add = (x: Float32Array, n: number, where: string): void => {
    for (let i = 0; i < n; i++) {
      const key = imageKey(x, i, 1024);
      const before = seen.get(key);
      assert.equal(before, undefined, `image ${i} of ${where} equals ${before}`);
      seen.set(key, `${where} #${i}`);
    }
  };
  add(readRows(ds.validation, 0, ds.validation.n), ds.validation.n, 'validation');
  add(readRows(ds.test, 0, ds.test.n), ds.test.n, 'test');
  const x = new Float32Array(10_000 * 1024);
  const y = new Int32Array(10_000);
  for (const seed of [0, 1]) {
    ds.trainStream(seed).next(x, y, 10_000);
    add(x, 10_000, `train seed ${seed}`);
  }
  assert.equal(seen.size, 40_000);
});

/** The inverse of deriveSeed(·, name): the seed s with deriveSeed(s, name) = target (a bijection of 32-bit words). */
function underiveSeed(target: number, name: string): number {
  const inverse = (a: number): number => {
    let x = a; // Newton's iteration for the inverse of an odd number modulo 2^32
    for (let k = 0; k < 5; k++) x = Math.imul(x, 2 - Math.imul(a, x));
    return x;
  };
  let h = target | 0;
  h ^= h >>> 16; // undo murmur3 fmix32, last step first
  h = Math.imul(h, inverse(0xc2b2ae35));
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, inverse(0x85ebca6b));
  h ^= h >>> 16;
  for (let i = name.length - 1; i >= 0; i--) {
    h = Math.imul(h, inverse(0x01000193));
    h ^= name.charCodeAt(i);
  }
  return (h ^ 0x811c9dc5) | 0;
}

test('shapeset: the one training seed that would replay the validation (or test) generator is refused', () => {
  for (const [role, base] of [['validation', SHAPESET_VALIDATION_SEED], ['test', SHAPESET_TEST_SEED]] as const) {
    const clash = underiveSeed(shapesetGeneratorSeed(role, base), 'shapeset/train');
    assert.equal(deriveSeed(clash, 'shapeset/train'), shapesetGeneratorSeed(role, base));
    assert.throws(() => ds.trainStream(clash), /maps onto the validation or test generator's seed/);
  }
});

test('shapeset stream: same seed → same images; another seed → others; batches concatenate', () => {
  const a = new Float32Array(64 * 1024);
  const ya = new Int32Array(64);
  const b = new Float32Array(64 * 1024);
  const yb = new Int32Array(64);
  ds.trainStream(7).next(a, ya, 64);
  const s = ds.trainStream(7);
  s.next(b, yb, 40); // 40 + 24 = the same 64 images
  s.next(b.subarray(40 * 1024), yb.subarray(40), 24);
  assert.deepEqual([b, yb], [a, ya]);
  ds.trainStream(8).next(b, yb, 64);
  assert.notDeepEqual(b, a);
});

test('shapeset stream: setState(getState()) resumes the identical sequence, through JSON', () => {
  const s = ds.trainStream(3);
  const x = new Float32Array(10 * 1024);
  const y = new Int32Array(10);
  s.next(x, y, 10);
  const saved = JSON.parse(JSON.stringify(s.getState())) as unknown;
  const expectedX = new Float32Array(10 * 1024);
  const expectedY = new Int32Array(10);
  s.next(expectedX, expectedY, 10);
  const resumed = ds.trainStream(3);
  resumed.setState(saved);
  resumed.next(x, y, 10);
  assert.deepEqual([x, y], [expectedX, expectedY]);
  assert.equal((resumed.getState() as { images: number }).images, 20);
});

test('shapeset stream: a state from another seed or dataset, or not a state, is refused clearly', () => {
  const state = ds.trainStream(3).getState();
  assert.throws(() => ds.trainStream(4).setState(state), /seed is 3 but this stream's is 4/);
  assert.throws(() => ds.trainStream(3).setState({ ...(state as object), dataset: 'mnist' }), /dataset is "mnist"/);
  assert.throws(() => ds.trainStream(3).setState(null), /expected an object from getState\(\), found null/);
  assert.throws(() => ds.trainStream(3).setState({ ...(state as object), rng: { words: [1, 2] } }), /rng: expected/);
  assert.throws(() => ds.trainStream(1.5), /seed: expected an integer, found 1.5/);
});

test('shapeset stream: next() checks its buffers', () => {
  const s = ds.trainStream(0);
  assert.throws(() => s.next(new Float32Array(1023), new Int32Array(1), 1), /x needs 1×1024 = 1024 floats, found 1023/);
  assert.throws(() => s.next(new Float32Array(2048), new Int32Array(1), 2), /y needs 2 labels, found 1/);
  assert.throws(() => s.next(new Float32Array(2048), new Int32Array(2), 0), /rows must be a positive integer, found 0/);
});

test('shapeset: image size 64 for display; options that do not apply are refused', async () => {
  const big = await openDataset('shapeset', { imageSize: 64, validationSize: 10, testSize: 10 });
  assert.equal(big.inputSize, 4096);
  assert.equal(big.validation.inputSize, 4096);
  assert.equal(readRows(big.validation, 0, 10).length, 10 * 4096);
  await assert.rejects(openDataset('shapeset', { dataDir: '/tmp' }), { field: 'dataDir', message: 'shapeset: dataDir: expected nothing (it does not apply: it is generated), found "/tmp"' });
  await assert.rejects(openDataset('shapeset', { testSize: -1 }), { field: 'testSize', message: 'shapeset: testSize: expected a whole number from 0 to 1,000,000, found -1' });
  // the image size is checked where its range is known, before any image is generated
  for (const imageSize of [7, 1025, 32.5]) {
    await assert.rejects(openDataset('shapeset', { imageSize }), { field: 'imageSize', message: `shapeset: imageSize: expected a whole number from 8 to 1,024, found ${imageSize}` });
  }
});
