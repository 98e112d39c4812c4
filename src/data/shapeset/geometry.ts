/**
 * Shape geometry of SHAPESET.md step 4: from a regular polygon to a general triangle, parallelogram
 * or ellipse by pre-rotation, unequal stretch, compensating rotation and final rotation.
 *
 * Coordinates are in pixels: x to the right (column), y downwards (row). Rotations act on row
 * vectors, (x, y)·R(θ) with R(θ) = [[cos θ, sin θ], [−sin θ, cos θ]], as in the authors' code.
 */
import { ROTATION_STEPS, VERTICES } from './params.ts';

/** cos, sin and tan of 2πk/255 for k = 0..254 (the rotation grid). */
const COS = new Float64Array(ROTATION_STEPS);
const SIN = new Float64Array(ROTATION_STEPS);
const TAN = new Float64Array(ROTATION_STEPS);
for (let k = 0; k < ROTATION_STEPS; k++) {
  const a = (2 * Math.PI * k) / ROTATION_STEPS;
  COS[k] = Math.cos(a);
  SIN[k] = Math.sin(a);
  TAN[k] = Math.tan(a);
}

/**
 * The base shapes: the regular n-gon inscribed in a circle of radius 0.5 centred at the origin,
 * vertex t at angle 2π(t/n + 1/(2n) + 1/4), so that one edge is horizontal.
 */
const BASE_X: Float64Array[] = [];
const BASE_Y: Float64Array[] = [];
for (const n of VERTICES) {
  const bx = new Float64Array(n);
  const by = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const a = 2 * Math.PI * (t / n + 1 / (2 * n) + 1 / 4);
    bx[t] = 0.5 * Math.cos(a);
    by[t] = 0.5 * Math.sin(a);
  }
  BASE_X.push(bx);
  BASE_Y.push(by);
}

/**
 * Writes the vertices of one shape, centred on the origin, into `xs[at … at+n)` and
 * `ys[at … at+n)` (n = 3, 4 or 20 by `type`). SHAPESET.md step 4: rotate the base polygon by
 * θ1 = 2π·k1/255, stretch by (s0, s1), rotate by θ2 = −atan((s1/s0)·tan θ1) (which puts the base
 * edge back to horizontal), then by θ3 = 2π·k3/255.
 * @param type 0 triangle, 1 parallelogram, 2 ellipse.
 * @param k1 pre-rotation index in [0, 255) (see `preRotationIndex`).
 * @param k3 final rotation index in [0, 255).
 * @param scales the stretch: s0 along x in pixels (the larger one, s0 ≥ s1) at `scales[si]`, s1
 *   along y at `scales[si + 1]`. Read from an array rather than passed as numbers: V8 boxes a
 *   non-integer number argument into a new heap number, and the training stream must not allocate.
 * @returns n, the number of vertices written.
 */
export function shapeVertices(
  type: number,
  k1: number,
  k3: number,
  scales: Float64Array,
  si: number,
  xs: Float64Array,
  ys: Float64Array,
  at: number,
): number {
  const s0 = scales[si];
  const s1 = scales[si + 1];
  const bx = BASE_X[type];
  const by = BASE_Y[type];
  const n = bx.length;
  const c1 = COS[k1];
  const n1 = SIN[k1];
  const theta2 = -Math.atan((s1 / s0) * TAN[k1]); // −0 when k1 = 0
  const c2 = Math.cos(theta2);
  const n2 = Math.sin(theta2);
  // R(θ2)·R(θ3) = R(θ2 + θ3), by the angle-addition formulas.
  const c23 = c2 * COS[k3] - n2 * SIN[k3];
  const n23 = n2 * COS[k3] + c2 * SIN[k3];
  for (let t = 0; t < n; t++) {
    // 1. pre-rotation θ1, 2. stretch, 3. rotation θ2 + θ3.
    const x1 = (bx[t] * c1 - by[t] * n1) * s0;
    const y1 = (bx[t] * n1 + by[t] * c1) * s1;
    xs[at + t] = x1 * c23 - y1 * n23;
    ys[at + t] = x1 * n23 + y1 * c23;
  }
  return n;
}
