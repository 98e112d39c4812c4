/**
 * Preview sheets in the manner of the paper's Fig. 1: one row per class, labelled with its index
 * and name (tiny built-in bitmap font), a few example images per row, encoded as PNG (pngjs) or
 * JPEG (jpeg-js).
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { Rng } from '../core/rng.ts';
import { type Split, type TrainStream, readRows } from './dataset.ts';
import { GLYPH_HEIGHT, drawText, textWidth } from './font.ts';
import { shapesetGeneratorSeed } from './shapeset/dataset.ts';
import { ShapesetGenerator } from './shapeset/generator.ts';
import { SHAPESET_CLASSES } from './shapeset/params.ts';

/** Layout of one example: `channels` planes of `height` × `width`, row-major (CIFAR's order). */
export interface ImageShape {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
}

/** An RGBA image, row-major [height, width, 4]. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

const INK: readonly [number, number, number] = [20, 20, 20];
const MARGIN = 12;
const GAP = 4;
const TEXT_SCALE = 2;

/**
 * The first `perClass` examples of each class in `split`, in split order.
 * @returns per class, a list of new float32 arrays ([inputSize] each, values in [0, 1]); short when
 *   a class is rare.
 * @throws RangeError when `inputSize` differs from the split's.
 */
export function examplesFromSplit(split: Split, inputSize: number, classes: number, perClass: number): Float32Array[][] {
  if (inputSize !== split.inputSize) {
    throw new RangeError(`examplesFromSplit: inputSize ${inputSize} differs from the split's ${split.inputSize}`);
  }
  const rows: Float32Array[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < split.n; i++) {
    const row = rows[split.y[i]];
    if (row.length < perClass) row.push(readRows(split, i, 1));
  }
  return rows;
}

/**
 * The first `perClass` examples of each class among the next `limit` examples of a training stream
 * (stops early once every class is filled): for a preview when the fixed splits are empty.
 * @returns as {@link examplesFromSplit}: per class, new float32 arrays; short when a class is rare.
 */
export function examplesFromStream(stream: TrainStream, inputSize: number, classes: number, perClass: number, limit: number): Float32Array[][] {
  const rows: Float32Array[][] = Array.from({ length: classes }, () => []);
  const batch = Math.max(1, Math.min(1000, limit));
  const x = new Float32Array(batch * inputSize);
  const y = new Int32Array(batch);
  for (let seen = 0; seen < limit && rows.some((r) => r.length < perClass); seen += batch) {
    const n = Math.min(batch, limit - seen);
    stream.next(x, y, n);
    for (let i = 0; i < n; i++) {
      const row = rows[y[i]];
      if (row.length < perClass) row.push(x.slice(i * inputSize, (i + 1) * inputSize));
    }
  }
  return rows;
}

/**
 * `perClass` fresh Shapeset images of each class at `size` × `size` (64 for display), drawn from
 * the training generator of `seed` until every class is filled.
 */
export function examplesFromShapeset(size: number, seed: number, perClass: number): Float32Array[][] {
  const gen = new ShapesetGenerator({ size });
  const rng = new Rng(shapesetGeneratorSeed('train', seed));
  const rows: Float32Array[][] = Array.from({ length: SHAPESET_CLASSES }, () => []);
  while (rows.some((r) => r.length < perClass)) {
    const image = new Float32Array(gen.inputSize);
    const label = gen.generate(rng, image, 0);
    if (rows[label].length < perClass) rows[label].push(image);
  }
  return rows;
}

/**
 * Lays out a sheet: a title, then one row per class, "<index> <name>" on the left and its examples,
 * each enlarged `scale` times (nearest neighbour) with a thin grey frame, on white.
 * @param examples per class, images of `shape` with values in [0, 1].
 */
export function renderPreview(
  title: string,
  classNames: readonly string[],
  examples: readonly (readonly Float32Array[])[],
  shape: ImageShape,
  scale: number,
): RgbaImage {
  const tileW = shape.width * scale;
  const tileH = shape.height * scale;
  const labels = classNames.map((name, k) => `${k} ${name}`);
  const labelW = Math.max(...labels.map((l) => textWidth(l, TEXT_SCALE))) + 4 * GAP;
  const perRow = Math.max(1, ...examples.map((e) => e.length));
  const titleH = GLYPH_HEIGHT * TEXT_SCALE + 2 * GAP;
  const rowH = tileH + 2 + GAP;
  const width = Math.max(MARGIN * 2 + labelW + perRow * (tileW + 2 + GAP), textWidth(title, TEXT_SCALE) + 2 * MARGIN);
  const height = MARGIN * 2 + titleH + classNames.length * rowH;
  const rgba = new Uint8Array(width * height * 4).fill(255);
  drawText(rgba, width, height, title, MARGIN, MARGIN, TEXT_SCALE, INK);
  labels.forEach((label, k) => {
    const y0 = MARGIN + titleH + k * rowH;
    drawText(rgba, width, height, label, MARGIN, y0 + Math.floor((tileH + 2 - GLYPH_HEIGHT * TEXT_SCALE) / 2), TEXT_SCALE, INK);
    (examples[k] ?? []).forEach((image, j) => {
      const x0 = MARGIN + labelW + j * (tileW + 2 + GAP);
      fillRect(rgba, width, x0, y0, tileW + 2, tileH + 2, [150, 150, 150]);
      drawTile(rgba, width, x0 + 1, y0 + 1, image, shape, scale);
    });
  });
  return { width, height, rgba };
}

/** Encodes an RGBA image as PNG (pngjs). */
export function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data.set(image.rgba);
  return PNG.sync.write(png);
}

/** Encodes an RGBA image as baseline JPEG (jpeg-js) at `quality` (1–100; 95 keeps the labels crisp). */
export function encodeJpeg(image: RgbaImage, quality = 95): Buffer {
  return Buffer.from(jpeg.encode({ data: image.rgba, width: image.width, height: image.height }, quality).data);
}

function fillRect(rgba: Uint8Array, width: number, x0: number, y0: number, w: number, h: number, rgb: readonly number[]): void {
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) rgba.set([rgb[0], rgb[1], rgb[2], 255], (y * width + x) * 4);
  }
}

/** Draws one example enlarged `scale` times; grey images go to all three channels. */
function drawTile(
  rgba: Uint8Array,
  width: number,
  x0: number,
  y0: number,
  image: Float32Array,
  shape: ImageShape,
  scale: number,
): void {
  const plane = shape.width * shape.height;
  for (let y = 0; y < shape.height * scale; y++) {
    for (let x = 0; x < shape.width * scale; x++) {
      const k = Math.floor(y / scale) * shape.width + Math.floor(x / scale);
      const p = ((y0 + y) * width + x0 + x) * 4;
      for (let c = 0; c < 3; c++) {
        const v = image[(shape.channels === 3 ? c * plane : 0) + k];
        rgba[p + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
      }
      rgba[p + 3] = 255;
    }
  }
}
