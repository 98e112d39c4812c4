/**
 * The authors' "Shapeset-3*2" setting (SHAPESET.md, "Parameters"), the 9-class labelling
 * (SHAPESET.md step 6) and the geometric constants the generator precomputes.
 */

/** Number of vertices per shape type: triangle, parallelogram, ellipse (a 20-vertex polygon). */
export const VERTICES = [3, 4, 20] as const;

/** The most vertices any shape has (the ellipse). */
export const MAX_VERTICES = 20;

/** Image side in pixels of the paper's Shapeset (32×32, one grey channel). */
export const SHAPESET_SIZE = 32;

/** Dark grey levels: integers 0..114 of 255 (0 … 0.45). */
export const DARK_GREY = { min: 0, max: 114 } as const;

/** Bright grey levels: integers 140..255 of 255 (0.55 … 1). */
export const BRIGHT_GREY = { min: 140, max: 255 } as const;

/** Scale per axis, as a fraction of the image side: U(0.2, 0.8). */
export const SCALE_RANGE = { min: 0.2, max: 0.8 } as const;

/** Rotations are multiples of 2π / 255. */
export const ROTATION_STEPS = 255;

/** The second object may cover at most this (estimated) fraction of the first. */
export const OVERLAP_MAX = 0.5;

/** Rejections allowed per image; the 50th drops the object being placed. */
export const MAX_REJECTIONS = 50;

/** Margin in pixels between a shape's bounding box and the image border. */
export const MARGIN = 1;

/** Number of classes (SHAPESET.md step 6). */
export const SHAPESET_CLASSES = 9;

/** Class names in label order (SHAPESET.md step 6). */
export const SHAPESET_CLASS_NAMES: readonly string[] = [
  'triangle',
  'parallelogram',
  'ellipse',
  'triangle + parallelogram',
  'parallelogram + ellipse',
  'triangle + ellipse',
  'two triangles',
  'two parallelograms',
  'two ellipses',
];

/**
 * The label of an image from the types of the objects it shows (SHAPESET.md step 6): which shapes
 * are present, not which is in front.
 * @param first type index (0 triangle, 1 parallelogram, 2 ellipse) of the first object.
 * @param second type index of the second object, or −1 when the image has one object.
 * @returns the class, 0..8.
 */
export function shapesetLabel(first: number, second: number): number {
  if (second < 0) return first; // 0–2: one shape
  if (first === second) return 6 + first; // 6–8: two of a kind
  const lo = Math.min(first, second);
  const hi = Math.max(first, second);
  if (lo === 0 && hi === 1) return 3; // triangle + parallelogram
  if (lo === 1 && hi === 2) return 4; // parallelogram + ellipse
  return 5; // triangle + ellipse
}

/**
 * A(n) = n·sin(2π/n)/(2π): area of the regular n-gon inscribed in a circle, relative to the circle
 * (0.4135, 0.6366, 0.9836 for n = 3, 4, 20). Used by the overlap estimate (SHAPESET.md step 4).
 */
export function areaRatio(n: number): number {
  return (n * Math.sin((2 * Math.PI) / n)) / (2 * Math.PI);
}

/**
 * Pre-rotation index k1 for a raw draw in [0, ⌊255/n⌋) (SHAPESET.md step 4): indices above
 * ⌊254/(2n)⌋ wrap to 255 − ⌊254/n⌋ + k (capped at 254), i.e. to negative angles, so θ1 is roughly
 * symmetric about 0. This is the authors' mapping, including the cap that makes the last two raw
 * values land on the same index.
 */
export function preRotationIndex(raw: number, n: number): number {
  const last = ROTATION_STEPS - 1;
  if (raw > Math.floor(last / (2 * n))) return Math.min(ROTATION_STEPS - Math.floor(last / n) + raw, last);
  return raw;
}

/**
 * Shapeset-3×2 class priors from the generator's rule (SHAPESET.md): one or two objects with
 * probability 1/2 each, each object's type uniform over 3, label from `shapesetLabel`. Gives 1/6 for
 * the single-shape classes, 1/9 for the mixed pairs, 1/18 for the same-type pairs. (The generator
 * drops an object about once in 300,000 images; ignored.)
 */
export function shapesetClassPriors(): number[] {
  const p = new Array<number>(SHAPESET_CLASSES).fill(0);
  const types = VERTICES.length;
  for (let a = 0; a < types; a++) {
    p[shapesetLabel(a, -1)]! += 0.5 / types;
    for (let b = 0; b < types; b++) p[shapesetLabel(a, b)]! += 0.5 / (types * types);
  }
  return p;
}
