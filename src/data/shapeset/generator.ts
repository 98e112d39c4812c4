/**
 * The Shapeset-3×2 generator: samples one image's scene (SHAPESET.md steps 1–4, including the 50%
 * overlap rejection), renders it (step 5) and labels it (step 6). Randomness is an argument: every
 * draw comes from the {@link Rng} passed to {@link ShapesetGenerator.generate}, in the authors'
 * order (polarity, count, background, then per object: type, k1, k3, [scale, centre]… , grey).
 */
import type { Rng } from '../../core/rng.ts';
import { shapeVertices } from './geometry.ts';
import {
  BRIGHT_GREY,
  DARK_GREY,
  MARGIN,
  MAX_REJECTIONS,
  MAX_VERTICES,
  OVERLAP_MAX,
  ROTATION_STEPS,
  SCALE_RANGE,
  SHAPESET_CLASSES,
  SHAPESET_SIZE,
  VERTICES,
  areaRatio,
  preRotationIndex,
  shapesetLabel,
} from './params.ts';
import { fillPolygon } from './raster.ts';

/** Most objects in one image. */
const MAX_OBJECTS = 2;
/** grey / 255 as float32, for grey = 0..255 (pixels are in [0, 1], SHAPESET.md step 5). */
const GREY_TO_UNIT = Float32Array.from({ length: 256 }, (_, g) => g / 255);
/** grey itself as float32 (exact): renders grey levels, which {@link ShapesetGenerator.generateGrey} stores as bytes. */
const GREY_LEVEL = Float32Array.from({ length: 256 }, (_, g) => g);
/**
 * The float32 bit patterns of the two tables. Every value is a float in [0, 255], whose bits are
 * below 2^31: a small integer to V8, so filling a Uint32Array view with it is the builtin fill
 * without allocation (a non-integer float passed to Float32Array#fill is boxed into a new heap
 * number per image), at memset speed (a JavaScript loop made the stream 30% slower).
 */
const GREY_TO_UNIT_BITS = new Uint32Array(GREY_TO_UNIT.buffer);
const GREY_LEVEL_BITS = new Uint32Array(GREY_LEVEL.buffer);
const AREA_RATIO = VERTICES.map(areaRatio);

/** Running totals over every image a generator has produced. */
export interface ShapesetCounts {
  images: number;
  /** Images whose final object count is 1 (including those whose second object was dropped). */
  oneObject: number;
  twoObjects: number;
  /** Images drawn as dark background with bright shapes. */
  darkBackground: number;
  /** Objects placed (accepted). */
  objects: number;
  /** Placements tried: accepted, rejected and the final attempt of a dropped object. */
  attempts: number;
  /** Placements rejected by the overlap test. */
  rejections: number;
  /** Objects dropped after {@link MAX_REJECTIONS} rejections in one image. */
  dropped: number;
  /** Images per class, indexed by label 0..8. */
  perClass: number[];
}

/**
 * The scene of the most recent image (overwritten by each call). Object i uses vertices
 * `xs/ys[i·20 … i·20 + vertexCounts[i])` in pixel coordinates (x = column, y = row, frame [0, size]).
 */
export interface ShapesetScene {
  brightOnDark: boolean;
  /** Background grey, integer 0..255. */
  background: number;
  /** Objects drawn (1 or 2; 1 when the second was dropped). */
  count: number;
  /** Objects asked for by step 2. */
  requested: number;
  /** Rejections spent on this image. */
  rejections: number;
  readonly types: Int32Array;
  /** Each object's grey, integer 0..255. */
  readonly greys: Int32Array;
  /** Scale (s0, s1) per object, pixels: [2·i], [2·i + 1]. */
  readonly scales: Float64Array;
  /** Centre (x, y) per object, pixels: [2·i], [2·i + 1]. */
  readonly centres: Float64Array;
  readonly vertexCounts: Int32Array;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
}

/** Options of the generator. */
export interface ShapesetOptions {
  /** Image side in pixels (default 32, the paper's; 64 for display). Scales and margin follow SHAPESET.md. */
  size?: number;
}

/** Generates Shapeset-3×2 images into caller-owned buffers; allocates nothing per image. */
export class ShapesetGenerator {
  /** Image side in pixels. */
  readonly size: number;
  /** Pixels per image, size². */
  readonly inputSize: number;
  readonly counts: ShapesetCounts = {
    images: 0,
    oneObject: 0,
    twoObjects: 0,
    darkBackground: 0,
    objects: 0,
    attempts: 0,
    rejections: 0,
    dropped: 0,
    perClass: new Array<number>(SHAPESET_CLASSES).fill(0),
  };
  readonly scene: ShapesetScene = {
    brightOnDark: false,
    background: 0,
    count: 0,
    requested: 0,
    rejections: 0,
    types: new Int32Array(MAX_OBJECTS),
    greys: new Int32Array(MAX_OBJECTS),
    scales: new Float64Array(2 * MAX_OBJECTS),
    centres: new Float64Array(2 * MAX_OBJECTS),
    vertexCounts: new Int32Array(MAX_OBJECTS),
    xs: new Float64Array(MAX_VERTICES * MAX_OBJECTS),
    ys: new Float64Array(MAX_VERTICES * MAX_OBJECTS),
  };

  /** Uniform draws of one placement attempt (written by Rng.uniforms: allocation-free). */
  private readonly draws = new Float64Array(4);

  /** A Uint32Array view of the last image buffer rendered into (see GREY_TO_UNIT_BITS). */
  private imageBits: Uint32Array | undefined;
  private imageBitsOf: Float32Array | undefined;

  /** One image of float grey levels for {@link generateGrey} (allocated on its first call). */
  private greyScratch: Float32Array | undefined;

  /** @throws RangeError when `size` is not an integer from 8 to 1024. */
  constructor(options: ShapesetOptions = {}) {
    const size = options.size ?? SHAPESET_SIZE;
    if (!Number.isInteger(size) || size < 8 || size > 1024) {
      throw new RangeError(`shapeset image size: expected an integer from 8 to 1024, found ${String(size)}`);
    }
    this.size = size;
    this.inputSize = size * size;
  }

  /**
   * Samples one image (SHAPESET.md steps 1–6), writes its size² pixels, row-major, grey/255 in
   * [0, 1], into `image[offset …]`, updates {@link counts} and {@link scene}, and returns the label.
   */
  generate(rng: Rng, image: Float32Array, offset: number): number {
    const label = this.sample(rng);
    this.render(image, offset, GREY_TO_UNIT, GREY_TO_UNIT_BITS);
    return label;
  }

  /**
   * As {@link generate} (the same draws, scene and counts), but writes the grey levels 0..255 as
   * bytes into `image[offset … offset + size²)`: the compact form of the fixed evaluation sets.
   * byte/255 as float32 is bit-identical to what {@link generate} writes. Allocates nothing per image.
   */
  generateGrey(rng: Rng, image: Uint8Array, offset: number): number {
    const label = this.sample(rng);
    // Rendered as exact float grey levels into scratch, then stored as bytes: the float rasteriser
    // (the training stream's hot path) stays monomorphic.
    const scratch = (this.greyScratch ??= new Float32Array(this.inputSize));
    this.render(scratch, 0, GREY_LEVEL, GREY_LEVEL_BITS);
    for (let k = 0; k < this.inputSize; k++) image[offset + k] = scratch[k];
    return label;
  }

  /** The bits of `image` as a Uint32Array view (made when the caller's buffer changes, then reused). */
  private bitsOf(image: Float32Array): Uint32Array {
    if (this.imageBitsOf !== image) {
      this.imageBits = new Uint32Array(image.buffer, image.byteOffset, image.length);
      this.imageBitsOf = image;
    }
    return this.imageBits!;
  }

  /** SHAPESET.md steps 1–4 and 6: draws the scene into {@link scene}, tallies it, returns the label. */
  private sample(rng: Rng): number {
    const sc = this.scene;
    // 1. Polarity, 2. number of objects, 3. background grey.
    rng.uniforms(this.draws, 1);
    sc.brightOnDark = this.draws[0] < 0.5;
    const back = sc.brightOnDark ? DARK_GREY : BRIGHT_GREY;
    const fore = sc.brightOnDark ? BRIGHT_GREY : DARK_GREY;
    sc.requested = 1 + rng.int(MAX_OBJECTS);
    sc.background = back.min + rng.int(back.max - back.min + 1);
    sc.count = 0;
    sc.rejections = 0;
    // 4. Objects, in order; the second is redrawn (scale and centre) while it overlaps too much.
    for (let i = 0; i < sc.requested; i++) {
      if (!this.placeObject(rng, i)) {
        this.counts.dropped++;
        break;
      }
      sc.greys[i] = fore.min + rng.int(fore.max - fore.min + 1);
      sc.count++;
    }
    // 6. Label from the shapes present.
    const label = shapesetLabel(sc.types[0], sc.count > 1 ? sc.types[1] : -1);
    this.tally(label);
    return label;
  }

  /**
   * SHAPESET.md step 5 for the current scene: background, then each polygon in sampling order
   * (later ones occlude), each grey g written as `values[g]`.
   */
  private render(image: Float32Array, offset: number, values: Float32Array, bits: Uint32Array): void {
    const sc = this.scene;
    this.bitsOf(image).fill(bits[sc.background], offset, offset + this.inputSize);
    for (let i = 0; i < sc.count; i++) {
      const at = i * MAX_VERTICES;
      fillPolygon(image, offset, this.size, this.size, sc.xs, sc.ys, at, sc.vertexCounts[i], values, sc.greys[i]);
    }
  }

  /**
   * SHAPESET.md step 4 for object `i`: type, rotations, then scale and centre until the overlap
   * test accepts. Returns false when the image's rejections reach {@link MAX_REJECTIONS} (the
   * object is dropped; the authors' code makes one or two more placements it then discards, whose
   * draws we skip).
   */
  private placeObject(rng: Rng, i: number): boolean {
    const sc = this.scene;
    const size = this.size;
    const type = rng.int(VERTICES.length);
    const n = VERTICES[type];
    const k1 = preRotationIndex(rng.int(Math.floor(ROTATION_STEPS / n)), n);
    const k3 = rng.int(ROTATION_STEPS - 1); // [0, 254), as the authors' randint(0, 254)
    const at = i * MAX_VERTICES;
    sc.types[i] = type;
    sc.vertexCounts[i] = n;
    // The candidate's scale and centre go straight into the scene's slot i (overwritten by every
    // attempt) and helpers read them there: number arguments that are not integers would be boxed
    // into new heap numbers at each call (the stream allocates nothing per image, issue 6).
    const u = this.draws;
    for (;;) {
      this.counts.attempts++;
      // the attempt's four uniforms, in the authors' order: scale s0, scale s1, centre x, centre y
      rng.uniforms(u, 4);
      const sa = (SCALE_RANGE.min + (SCALE_RANGE.max - SCALE_RANGE.min) * u[0]) * size;
      const sb = (SCALE_RANGE.min + (SCALE_RANGE.max - SCALE_RANGE.min) * u[1]) * size;
      // s0 ≥ s1 keeps the base edge along x
      sc.scales[2 * i] = sb > sa ? sb : sa;
      sc.scales[2 * i + 1] = sb > sa ? sa : sb;
      shapeVertices(type, k1, k3, sc.scales, 2 * i, sc.xs, sc.ys, at);
      // Centre: the bounding box plus a 1-pixel margin stays inside [0, size].
      let xMin = Infinity;
      let xMax = -Infinity;
      let yMin = Infinity;
      let yMax = -Infinity;
      for (let t = at; t < at + n; t++) {
        xMin = Math.min(xMin, sc.xs[t]);
        xMax = Math.max(xMax, sc.xs[t]);
        yMin = Math.min(yMin, sc.ys[t]);
        yMax = Math.max(yMax, sc.ys[t]);
      }
      const cx = MARGIN - xMin + (size - MARGIN - xMax - (MARGIN - xMin)) * u[2];
      const cy = MARGIN - yMin + (size - MARGIN - yMax - (MARGIN - yMin)) * u[3];
      sc.centres[2 * i] = cx;
      sc.centres[2 * i + 1] = cy;
      if (this.coversTooMuch(i, type)) {
        this.counts.rejections++;
        if (++sc.rejections >= MAX_REJECTIONS) return false;
        continue;
      }
      for (let t = at; t < at + n; t++) {
        sc.xs[t] += cx;
        sc.ys[t] += cy;
      }
      return true;
    }
  }

  /**
   * The overlap test of SHAPESET.md step 4 between candidate object `i` (vertices relative to its
   * centre (cx, cy) = scene.centres[2i, 2i+1]; scale (s0, s1) = scene.scales[2i, 2i+1]) and each
   * earlier object j: with d the distance between centres and u the unit vector from j to i,
   * proj = max (v_j − c_j)·u + max (v_i − c_i)·(−u); when proj ≥ d the estimated covered fraction
   * of j is s0·s1·A(n_i)·f / (s0_j·s1_j·A(n_j)), f = 1 − exp(−(proj − d)·ln2 / d).
   * Coincident centres (d = 0) count as full overlap (f = 1, the limit d → 0).
   */
  private coversTooMuch(i: number, type: number): boolean {
    const sc = this.scene;
    const s0 = sc.scales[2 * i];
    const s1 = sc.scales[2 * i + 1];
    const cx = sc.centres[2 * i];
    const cy = sc.centres[2 * i + 1];
    for (let j = 0; j < i; j++) {
      const dx = cx - sc.centres[2 * j];
      const dy = cy - sc.centres[2 * j + 1];
      const d = Math.sqrt(dx * dx + dy * dy);
      let f = 1;
      if (d > 0) {
        const ux = dx / d;
        const uy = dy / d;
        let projJ = -Infinity;
        for (let t = j * MAX_VERTICES, end = t + sc.vertexCounts[j]; t < end; t++) {
          projJ = Math.max(projJ, (sc.xs[t] - sc.centres[2 * j]) * ux + (sc.ys[t] - sc.centres[2 * j + 1]) * uy);
        }
        let projI = -Infinity;
        for (let t = i * MAX_VERTICES, end = t + VERTICES[type]; t < end; t++) {
          projI = Math.max(projI, -(sc.xs[t] * ux + sc.ys[t] * uy));
        }
        const proj = projJ + projI;
        if (proj < d) continue; // separated along u: no overlap with j
        f = 1 - Math.exp((-(proj - d) * Math.LN2) / d);
      }
      const covered =
        (s0 * s1 * AREA_RATIO[type] * f) / (sc.scales[2 * j] * sc.scales[2 * j + 1] * AREA_RATIO[sc.types[j]]);
      if (covered > OVERLAP_MAX) return true;
    }
    return false;
  }

  private tally(label: number): void {
    const c = this.counts;
    const sc = this.scene;
    c.images++;
    c.objects += sc.count;
    if (sc.count === 1) c.oneObject++;
    else c.twoObjects++;
    if (sc.brightOnDark) c.darkBackground++;
    c.perClass[label]++;
  }
}
