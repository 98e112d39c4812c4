import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeVertices } from '../../../src/data/shapeset/geometry.ts';
import { SHAPESET_CLASS_NAMES, VERTICES, areaRatio, preRotationIndex, shapesetLabel } from '../../../src/data/shapeset/params.ts';
import { fillPolygon } from '../../../src/data/shapeset/raster.ts';
import { mulberry32 } from '../../helpers/random.ts';

/** The value the fill tests write into covered pixels. */
const ONE = Float32Array.of(1);

/** Shoelace area of polygon (xs, ys)[0 … n). */
function area(xs: Float64Array, ys: Float64Array, n: number): number {
  let a = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) a += xs[j] * ys[i] - xs[i] * ys[j];
  return Math.abs(a) / 2;
}

function perimeter(xs: Float64Array, ys: Float64Array, n: number): number {
  let p = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) p += Math.hypot(xs[i] - xs[j], ys[i] - ys[j]);
  return p;
}

test('SHAPESET.md step 4: A(n) is 0.4135, 0.6366, 0.9836 for n = 3, 4, 20', () => {
  assert.deepEqual(VERTICES.map((n) => Number(areaRatio(n).toFixed(4))), [0.4135, 0.6366, 0.9836]);
});

test('SHAPESET.md step 6: the label says which shapes are present, not their order', () => {
  const cases: Array<[number, number, number]> = [
    [0, -1, 0], [1, -1, 1], [2, -1, 2],
    [0, 1, 3], [1, 0, 3], [1, 2, 4], [2, 1, 4], [0, 2, 5], [2, 0, 5],
    [0, 0, 6], [1, 1, 7], [2, 2, 8],
  ]; // prettier-ignore
  for (const [a, b, label] of cases) assert.equal(shapesetLabel(a, b), label, `types ${a}, ${b}`);
  assert.equal(SHAPESET_CLASS_NAMES.length, 9);
});

test('SHAPESET.md step 4: pre-rotation indices above ⌊254/(2n)⌋ wrap to negative angles', () => {
  // triangle: raw in [0, 85); 0..42 stay, 43 → 255 − 84 + 43 = 214, the last two land on 254.
  assert.deepEqual([0, 42, 43, 83, 84].map((k) => preRotationIndex(k, 3)), [0, 42, 214, 254, 254]);
  // parallelogram: raw in [0, 63); 0..31 stay, 32 → 255 − 63 + 32 = 224.
  assert.deepEqual([31, 32, 62].map((k) => preRotationIndex(k, 4)), [31, 224, 254]);
  // ellipse: raw in [0, 12); 0..6 stay, 7 → 250.
  assert.deepEqual([6, 7, 11].map((k) => preRotationIndex(k, 20)), [6, 250, 254]);
});

test('SHAPESET.md step 4: area is s0·s1 times the base polygon area; θ2 puts the base edge back to horizontal', () => {
  const rand = mulberry32(7);
  const xs = new Float64Array(20);
  const ys = new Float64Array(20);
  for (let trial = 0; trial < 300; trial++) {
    const type = trial % 3;
    const n = VERTICES[type];
    const k1 = preRotationIndex(Math.floor(rand() * Math.floor(255 / n)), n);
    const s0 = 6.4 + 19.2 * rand();
    const s1 = 6.4 + (s0 - 6.4) * rand();
    assert.equal(shapeVertices(type, k1, 0, Float64Array.of(s0, s1), 0, xs, ys, 0), n);
    // Base polygon area: n/2 · r² · sin(2π/n) with r = 0.5; stretching multiplies it by s0·s1.
    const expected = ((s0 * s1 * n) / 8) * Math.sin((2 * Math.PI) / n);
    assert.ok(Math.abs(area(xs, ys, n) - expected) < 1e-9 * expected, `area, trial ${trial}`);
    // With θ3 = 0, the base edge (vertex n−1 → vertex 0) is horizontal again.
    assert.ok(Math.abs(ys[n - 1] - ys[0]) < 1e-9, `base edge dy = ${ys[n - 1] - ys[0]}, k1 = ${k1}`);
    if (n === 4) {
      // A parallelogram: the diagonals bisect each other.
      assert.ok(Math.abs(xs[0] + xs[2] - xs[1] - xs[3]) < 1e-9 && Math.abs(ys[0] + ys[2] - ys[1] - ys[3]) < 1e-9);
    }
    // θ3 turns the horizontal base edge to angle θ3 and keeps the area.
    const k3 = 1 + Math.floor(rand() * 253);
    shapeVertices(type, k1, k3, Float64Array.of(s0, s1), 0, xs, ys, 0);
    const angle = Math.atan2(ys[0] - ys[n - 1], xs[0] - xs[n - 1]);
    const turned = Math.atan2(Math.sin(angle - (2 * Math.PI * k3) / 255), Math.cos(angle - (2 * Math.PI * k3) / 255));
    assert.ok(Math.abs(Math.sin(turned)) < 1e-9, `base edge at θ3 (k3 = ${k3})`);
    assert.ok(Math.abs(area(xs, ys, n) - expected) < 1e-9 * expected);
  }
});

test('scan-line fill: a pixel is filled when its centre is inside; edges on the left/top count, right/bottom do not', () => {
  const img = new Float32Array(8 * 8);
  // Rectangle [2, 6] × [3, 5]: pixel centres 2.5…5.5 by 3.5…4.5 → columns 2..5, rows 3..4.
  fillPolygon(img, 0, 8, 8, Float64Array.of(2, 6, 6, 2), Float64Array.of(3, 3, 5, 5), 0, 4, ONE, 0);
  const filled: string[] = [];
  img.forEach((v, k) => v === 1 && filled.push(`${k % 8},${Math.floor(k / 8)}`));
  assert.deepEqual(filled, ['2,3', '3,3', '4,3', '5,3', '2,4', '3,4', '4,4', '5,4']);
  // A rectangle whose edges pass through pixel centres: [1.5, 3.5] × [1.5, 2.5] covers centres
  // 1.5 and 2.5 (left edge in, right edge out) on row 1 only (top in, bottom out).
  img.fill(0);
  fillPolygon(img, 0, 8, 8, Float64Array.of(1.5, 3.5, 3.5, 1.5), Float64Array.of(1.5, 1.5, 2.5, 2.5), 0, 4, ONE, 0);
  assert.deepEqual(Array.from(img.subarray(8, 16)), [0, 1, 1, 0, 0, 0, 0, 0]);
  assert.equal(img.reduce((a, b) => a + b, 0), 2);
});

test('scan-line fill: two triangles sharing a diagonal cover a square exactly once', () => {
  const count = new Float32Array(16 * 16);
  const a = new Float32Array(16 * 16);
  const b = new Float32Array(16 * 16);
  fillPolygon(a, 0, 16, 16, Float64Array.of(1.3, 14.1, 14.1), Float64Array.of(2.2, 2.2, 13.7), 0, 3, ONE, 0);
  fillPolygon(b, 0, 16, 16, Float64Array.of(1.3, 14.1, 1.3), Float64Array.of(2.2, 13.7, 13.7), 0, 3, ONE, 0);
  const square = new Float32Array(16 * 16);
  fillPolygon(square, 0, 16, 16, Float64Array.of(1.3, 14.1, 14.1, 1.3), Float64Array.of(2.2, 2.2, 13.7, 13.7), 0, 4, ONE, 0);
  for (let k = 0; k < count.length; k++) count[k] = a[k] + b[k];
  assert.deepEqual(Array.from(count), Array.from(square));
});

test('scan-line fill: pixel count ≈ area for random shapes; concave polygons use even–odd; clipping', () => {
  const rand = mulberry32(11);
  const xs = new Float64Array(20);
  const ys = new Float64Array(20);
  const img = new Float32Array(64 * 64);
  for (let trial = 0; trial < 200; trial++) {
    const type = trial % 3;
    const n = shapeVertices(type, 0, Math.floor(rand() * 254), Float64Array.of(10 + 30 * rand(), 10 + 20 * rand()), 0, xs, ys, 0);
    for (let t = 0; t < n; t++) {
      xs[t] += 32;
      ys[t] += 32;
    }
    img.fill(0);
    fillPolygon(img, 0, 64, 64, xs, ys, 0, n, ONE, 0);
    const pixels = img.reduce((s, v) => s + v, 0);
    // Only pixels cut by the boundary can be wrong, at most about one per unit of perimeter.
    assert.ok(Math.abs(pixels - area(xs, ys, n)) <= perimeter(xs, ys, n), `trial ${trial}`);
  }
  // A "U": 0..6 wide, 0..6 high, with the notch [2, 4] × [0, 4] cut out from the top.
  img.fill(0);
  const ux = Float64Array.of(0, 2, 2, 4, 4, 6, 6, 0);
  const uy = Float64Array.of(0, 0, 4, 4, 0, 0, 6, 6);
  fillPolygon(img, 0, 64, 64, ux, uy, 0, 8, ONE, 0);
  assert.equal(img.reduce((s, v) => s + v, 0), 36 - 8);
  assert.equal(img[1 * 64 + 3], 0, 'inside the notch');
  // Partly outside the frame: clipped, no writes out of bounds.
  const small = new Float32Array(4 * 4 + 2);
  fillPolygon(small, 1, 4, 4, Float64Array.of(-5, 9, 9, -5), Float64Array.of(-5, -5, 9, 9), 0, 4, ONE, 0);
  assert.deepEqual([small[0], small[17]], [0, 0]);
  assert.equal(small.reduce((s, v) => s + v, 0), 16);
});
