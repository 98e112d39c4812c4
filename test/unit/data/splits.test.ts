import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDataset, readRows } from '../../../src/data/dataset.ts';
import { BYTE_TO_UNIT, type ExampleTable, createFiniteStream, tableRows, tableSplit } from '../../../src/data/splits.ts';

/** n examples of 3 inputs; example i has pixels (i, i+1, i+2) mod 256 and label i mod 5. */
function table(n: number): ExampleTable {
  const pixels = new Uint8Array(n * 3).map((_, k) => (Math.floor(k / 3) + (k % 3)) % 256);
  return { pixels, labels: Uint8Array.from({ length: n }, (_, i) => i % 5), n, inputSize: 3 };
}

/** Reads back which example each row is (pixel 0 = i mod 256 and the label suffice for n ≤ 256). */
function ids(x: Float32Array, rows: number): number[] {
  return Array.from({ length: rows }, (_, r) => Math.round(x[r * 3] * 255));
}

test('finite stream: every epoch visits each example once, in a new seeded order', () => {
  const s = createFiniteStream('toy', table(50), 1);
  const x = new Float32Array(50 * 3);
  const y = new Int32Array(50);
  const epochs: number[][] = [];
  for (let e = 0; e < 3; e++) {
    s.next(x, y, 50);
    const e_ids = ids(x, 50);
    assert.deepEqual([...e_ids].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    e_ids.forEach((id, r) => assert.equal(y[r], id % 5));
    epochs.push(e_ids);
  }
  assert.notDeepEqual(epochs[0], epochs[1]);
  assert.notDeepEqual(epochs[1], epochs[2]);
  const other = createFiniteStream('toy', table(50), 2);
  other.next(x, y, 50);
  assert.notDeepEqual(ids(x, 50), epochs[0]);
});

test('finite stream: pixels are byte/255 (128 stays 128/255) and batches may straddle epochs', () => {
  const s = createFiniteStream('toy', table(7), 0);
  const x = new Float32Array(10 * 3);
  const y = new Int32Array(10);
  s.next(x, y, 10);
  const first = ids(x, 10);
  assert.deepEqual([...first.slice(0, 7)].sort(), [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(new Set(first.slice(7)).size, 3);
  assert.equal(BYTE_TO_UNIT[128], Math.fround(128 / 255));
  const t = table(200);
  const split = tableSplit(tableRows(t, 126, 3), 'toy');
  assert.deepEqual(Array.from(readRows(split, 0, 1)), [126, 127, 128].map((b) => Math.fround(b / 255)));
  assert.deepEqual(Array.from(split.y), [1, 2, 3]);
});

test('finite stream: setState(getState()) resumes mid-epoch and across epochs; foreign states are refused', () => {
  const x = new Float32Array(13 * 3);
  const y = new Int32Array(13);
  const s = createFiniteStream('toy', table(20), 5);
  s.next(x, y, 13);
  s.next(x, y, 13); // now in epoch 1
  const saved = JSON.parse(JSON.stringify(s.getState())) as unknown;
  assert.deepEqual(saved, { kind: 'finite-train', dataset: 'toy', seed: 5, n: 20, epoch: 1, position: 6 });
  s.next(x, y, 13);
  s.next(x, y, 13);
  const expected = ids(x, 13);
  const r = createFiniteStream('toy', table(20), 5);
  r.setState(saved);
  r.next(x, y, 13);
  r.next(x, y, 13);
  assert.deepEqual(ids(x, 13), expected);
  assert.throws(() => createFiniteStream('toy', table(20), 6).setState(saved), /seed is 5 but this stream's is 6/);
  assert.throws(() => createFiniteStream('other', table(20), 5).setState(saved), /dataset is "toy" but this stream's is "other"/);
  assert.throws(() => createFiniteStream('toy', table(21), 5).setState(saved), /n is 20 but this stream's is 21/);
  assert.throws(() => r.setState({ ...(saved as object), position: 21 }), /position: expected an integer from 0 to 20, found 21/);
});

test('table split: read expands rows of bytes or floats at an offset, without copying the table', () => {
  const t = table(10);
  const split = tableSplit(t, 'toy validation');
  assert.deepEqual([split.n, split.inputSize, split.y instanceof Int32Array], [10, 3, true]);
  assert.deepEqual(Array.from(split.y), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
  const out = new Float32Array(8).fill(-1);
  split.read(4, 2, out, 1);
  assert.deepEqual(Array.from(out), [-1, ...[4, 5, 6, 5, 6, 7].map((b) => BYTE_TO_UNIT[b]), -1]);
  t.pixels[4 * 3] = 255; // a view of the table, not a copy
  split.read(4, 1, out, 0);
  assert.equal(out[0], 1);
  split.read(10, 0, out, 0); // an empty read at the end is allowed

  const floats: ExampleTable = { pixels: Float32Array.from([0.5, 0.25, 0.125, 0.3]), labels: Int32Array.from([1, 0]), n: 2, inputSize: 2 };
  const fs = tableSplit(floats, 'toy test');
  assert.equal(fs.y, floats.labels, 'Int32Array labels are used as they are');
  assert.deepEqual(Array.from(readRows(fs, 1, 1)), [0.125, Math.fround(0.3)]);
  assert.deepEqual(readRows(fs, 0, 2), floats.pixels);

  assert.throws(() => split.read(9, 2, out, 0), /toy validation: read: rows 9\.\.11 \(2 rows\) outside the split's 10 examples/);
  assert.throws(() => split.read(-1, 1, out, 0), /rows -1\.\.0/);
  assert.throws(() => split.read(0, 3, out, 0), /toy validation: read: out needs 3×3 = 9 floats from offset 0, found length 8/);
  assert.throws(() => split.read(0, 2, out, 3), /out needs 2×3 = 6 floats from offset 3, found length 8/);
  assert.throws(() => readRows(fs, 2, 1), /toy test: read: rows 2\.\.3/);
});

test('training streams count the examples they have drawn, across epochs and through setState (a checkpoint is checked against it)', async () => {
  const s = createFiniteStream('toy', table(7), 3);
  const x = new Float32Array(5 * 3);
  const y = new Int32Array(5);
  assert.equal(s.drawn(), 0);
  for (let i = 1; i <= 4; i++) {
    s.next(x, y, 5);
    assert.equal(s.drawn(), 5 * i); // 20 examples: two epochs of 7 and 6 more
  }
  const r = createFiniteStream('toy', table(7), 3);
  r.setState(s.getState());
  assert.equal(r.drawn(), 20);
  const shapes = await openDataset('shapeset', { validationSize: 2, testSize: 2 });
  const t = shapes.trainStream(1);
  const tx = new Float32Array(3 * shapes.inputSize);
  t.next(tx, new Int32Array(3), 3);
  const u = shapes.trainStream(1);
  u.setState(t.getState());
  assert.deepEqual([t.drawn(), u.drawn()], [3, 3]);
});
