/**
 * The histogram overlay puts several stored histograms on one x array (uPlot needs one) without
 * rebinning: each histogram's value between two x's is exactly its own bin's scaled count, it drops
 * to 0 at its last edge and is absent outside its range; and series of different probe points align
 * on the union of their updates. Pure functions of web/src, run in Node.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameEdges, stepData } from '../../../web/src/charts/steps.ts';
import { align } from '../../../web/src/data/align.ts';

const a = { edges: [-1, 0, 1], counts: [1, 3] };
const b = { edges: [-0.5, 0.5, 1.5, 2.5], counts: [2, 2, 4] };

test('every histogram keeps its own bins on the union of edges', () => {
  const { x, ys } = stepData([a, b], 'count');
  assert.deepEqual(x, [-1, -0.5, 0, 0.5, 1, 1.5, 2.5]);
  // a: [-1,0) → 1, [0,1) → 3, drops to 0 at 1, absent beyond
  assert.deepEqual(ys[0], [1, 1, 3, 3, 0, null, null]);
  // b: absent before -0.5; [-0.5,0.5) → 2, [0.5,1.5) → 2, [1.5,2.5) → 4, 0 at 2.5
  assert.deepEqual(ys[1], [null, 2, 2, 2, 2, 4, 0]);
});

test('fraction divides by the histogram total, density also by the bin width', () => {
  const f = stepData([b], 'fraction').ys[0];
  assert.deepEqual(f, [0.25, 0.25, 0.5, 0]);
  const wide = { edges: [0, 1, 3], counts: [2, 2] };
  assert.deepEqual(stepData([wide], 'density').ys[0], [0.5, 0.25, 0]);
});

test('an empty histogram is drawn as zeros, not NaN', () => {
  assert.deepEqual(stepData([{ edges: [0, 1, 2], counts: [0, 0] }], 'density').ys[0], [0, 0, 0]);
});

test('sameEdges tells shared ranges (Fig. 6) from own ranges', () => {
  assert.equal(sameEdges([a, { edges: [-1, 0, 1], counts: [5, 5] }]), true);
  assert.equal(sameEdges([a, b]), false);
});

test('align puts series of different probe points on the union of updates, null where a series has none', () => {
  const r = align([{ updates: [0, 10, 20], values: [1, 2, 3] }, { updates: [0, 5, 20], values: [4, null, 6] }]);
  assert.deepEqual(r.x, [0, 5, 10, 20]);
  assert.deepEqual(r.cols, [[1, null, 2, 3], [4, null, null, 6]]);
});
