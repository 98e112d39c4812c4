/**
 * Preview sheets in the manner of the paper's Fig. 1: one row per class, labelled with its index
 * and name, a few example images per row, encoded as PNG (pngjs) or JPEG (jpeg-js). The title and
 * labels are set in the figures' font (DejaVu Sans, rasterised by resvg: src/core/raster.ts), the
 * examples are copied pixel for pixel (enlarged by whole factors, nearest neighbour).
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { svgText } from '../core/escape.ts';
import { FIGURE_FONT, inkBox, type RgbaImage, svgToRgba } from '../core/raster.ts';
import { Rng } from '../core/rng.ts';
import { type Split, type TrainStream, readRows } from './dataset.ts';
import { shapesetGeneratorSeed } from './shapeset/dataset.ts';
import { ShapesetGenerator } from './shapeset/generator.ts';
import { SHAPESET_CLASSES } from './shapeset/params.ts';

/** Layout of one example: `channels` planes of `height` × `width`, row-major (CIFAR's order). */
export interface ImageShape {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
}

export type { RgbaImage } from '../core/raster.ts';

/** The text's colour (near-black, as the figures' text). */
const INK = 'rgb(20,20,20)';
/** Space around the sheet, px. */
const MARGIN = 12;
/** Space between tiles and rows, px. */
const GAP = 4;
/** The title's font size, px (bold). */
const TITLE_SIZE = 16;
/** The class labels' font size, px. */
const LABEL_SIZE = 14;
/** DejaVu Sans' cap height in em (1493 / 2048 font units): where a baseline goes to centre capitals. */
const CAP_HEIGHT = 0.73;

/** One line of text on the sheet: its baseline's left end, size and weight. */
interface TextLine {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly bold?: boolean;
}

/** An SVG of `width` × `height` px holding the lines, in the figures' font. */
function textSvg(width: number, height: number, lines: readonly TextLine[]): string {
  const text = lines.map(
    (l) =>
      `<text x="${l.x}" y="${l.y}" font-family="${FIGURE_FONT}" font-size="${l.size}"${l.bold ? ' font-weight="bold"' : ''} ` +
      `fill="${INK}" xml:space="preserve">${svgText(l.text)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${text.join('')}</svg>`;
}

/** The widest of `texts` set at `size` px (bold or not), measured by resvg: px from x = 0 to the right end of its ink. */
function textWidth(texts: readonly string[], size: number, bold = false): number {
  const lines = texts.map((text) => ({ text, x: 0, y: size, size, bold }));
  const box = inkBox(textSvg(1, 1, lines));
  return box === null ? 0 : Math.ceil(box.x + box.width);
}

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
 * Lays out a sheet: a title (bold), then one row per class, "<index> <name>" on the left and its
 * examples, each enlarged `scale` times (nearest neighbour) with a thin grey frame, on white. The
 * text is set in DejaVu Sans by resvg, its label column as wide as the widest label; names are
 * escaped for SVG (a control character shows as `\u001b`).
 * @param examples per class (index k: class k), images of `shape` with values in [0, 1].
 * @returns the sheet, every pixel opaque.
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
  const labelW = textWidth(labels, LABEL_SIZE) + 4 * GAP;
  const perRow = Math.max(1, ...examples.map((e) => e.length));
  const titleH = Math.round(TITLE_SIZE * 1.25) + 2 * GAP;
  const rowH = Math.max(tileH + 2, Math.round(LABEL_SIZE * 1.25)) + GAP;
  const width = Math.max(MARGIN * 2 + labelW + perRow * (tileW + 2 + GAP), textWidth([title], TITLE_SIZE, true) + 2 * MARGIN);
  const height = MARGIN * 2 + titleH + classNames.length * rowH;
  const lines: TextLine[] = [{ text: title, x: MARGIN, y: MARGIN + Math.round(TITLE_SIZE * CAP_HEIGHT) + GAP, size: TITLE_SIZE, bold: true }];
  labels.forEach((text, k) => {
    const middle = MARGIN + titleH + k * rowH + (rowH - GAP) / 2;
    lines.push({ text, x: MARGIN, y: Math.round(middle + (LABEL_SIZE * CAP_HEIGHT) / 2), size: LABEL_SIZE });
  });
  // white with the text; the tiles go on top, in the columns right of the labels
  const { rgba } = svgToRgba(textSvg(width, height, lines));
  classNames.forEach((_, k) => {
    const y0 = MARGIN + titleH + k * rowH;
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
