/**
 * Decoding and shrinking images for the image-folder datasets: PNG (pngjs) or JPEG (jpeg-js),
 * chosen by the file's first bytes; grey by ITU-R BT.601 luma; centre square crop; area-average
 * resize. Pure functions on bytes and arrays.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataFileError } from './errors.ts';

/** An 8-bit grey image, row-major [height, width]. */
export interface GreyImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * The largest image decoded, in pixels (50 megapixels: a full-frame camera's photo). A PNG or JPEG
 * announces its size in its header, and the decoders allocate it whole (RGBA: 4 bytes a pixel): a
 * 400 kB PNG announcing 20,000 × 20,000 once took 2.8 GB and a minute (issue 15 item 5). The
 * header's size is checked before anything is inflated.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** @throws DataFileError naming `file` when `width × height` exceeds {@link MAX_IMAGE_PIXELS}. */
function checkPixels(width: number, height: number, file: string): void {
  if (width * height <= MAX_IMAGE_PIXELS) return;
  const found = `${width} × ${height} = ${(width * height).toLocaleString('en-US')} pixels, as its header announces`;
  throw new DataFileError(file, 'width × height', `at most ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels (50 megapixels)`, found);
}

/**
 * Decodes a PNG or JPEG (told apart by the PNG signature or the JPEG start-of-image marker FF D8)
 * to grey: (19595 R + 38470 G + 7471 B + 2^15) >> 16, as PIL's convert('L'). Alpha is ignored.
 * @param file the name used in error messages.
 * @throws DataFileError when the bytes are neither format, the header announces more than
 *   {@link MAX_IMAGE_PIXELS}, or the decoder rejects them.
 */
export function decodeGrey(bytes: Uint8Array, file: string): GreyImage {
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
      // the first chunk is IHDR (PNG §11.2.2): its width and height follow the chunk's length and type
      if (bytes.length >= 24 && String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR') {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        checkPixels(view.getUint32(16, false), view.getUint32(20, false), file);
      }
      rgba = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } else if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      // jpeg-js refuses a frame header announcing more (its error names the resolution)
      rgba = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6 });
    } else {
      const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new DataFileError(file, 'format', 'a PNG (89 50 4e 47) or JPEG (ff d8) file', `bytes ${head}`);
    }
  } catch (e) {
    if (e instanceof DataFileError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const over = /maxResolutionInMP limit exceeded by (\d+(?:\.\d+)?)MP/.exec(message);
    if (over) {
      const found = `${Number(over[1]) + MAX_IMAGE_PIXELS / 1e6} megapixels, as its frame header announces`;
      throw new DataFileError(file, 'width × height', `at most ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels (50 megapixels)`, found);
    }
    throw new DataFileError(file, 'image data', 'a decodable PNG or JPEG', message);
  }
  const { width, height, data } = rgba;
  const grey = new Uint8Array(width * height);
  for (let k = 0, p = 0; k < grey.length; k++, p += 4) {
    grey[k] = (19595 * data[p] + 38470 * data[p + 1] + 7471 * data[p + 2] + 32768) >>> 16;
  }
  return { width, height, data: grey };
}

/**
 * The centred square crop of `image` (side = the shorter side), resized to `side` × `side` by
 * area averaging: each output pixel is the mean of the input over its footprint, partial pixels
 * weighted by the covered fraction (exact for shrinking; blocky, not blurred, for enlarging).
 * @returns [side, side] row-major, values byte/255 in [0, 1].
 * @throws RangeError when `side` is not a positive integer.
 */
export function squareResize(image: GreyImage, side: number): Float32Array {
  if (!Number.isInteger(side) || side < 1) throw new RangeError(`image size: expected a positive integer, found ${side}`);
  const s = Math.min(image.width, image.height);
  const x0 = Math.floor((image.width - s) / 2);
  const y0 = Math.floor((image.height - s) / 2);
  const w = boxWeights(s, side);
  // 1. Along rows: [s, side]; 2. along columns: [side, side].
  const tmp = new Float64Array(s * side);
  for (let r = 0; r < s; r++) {
    const row = (y0 + r) * image.width + x0;
    for (const [j, i, weight] of w) tmp[r * side + j] += weight * image.data[row + i];
  }
  const out = new Float32Array(side * side);
  for (const [j, i, weight] of w) {
    for (let c = 0; c < side; c++) out[j * side + c] += (weight * tmp[i * side + c]) / 255;
  }
  return out;
}

/**
 * Area weights from `n` input pixels to `m` output pixels: output j covers [j·n/m, (j+1)·n/m) of the
 * input; input pixel i contributes its overlap with that span divided by the span's length.
 * @returns [output j, input i, weight] triples; each j's weights sum to 1.
 */
function boxWeights(n: number, m: number): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const span = n / m;
  for (let j = 0; j < m; j++) {
    const a = j * span;
    const b = (j + 1) * span;
    for (let i = Math.floor(a); i < Math.min(n, Math.ceil(b)); i++) {
      const overlap = Math.min(b, i + 1) - Math.max(a, i);
      if (overlap > 0) out.push([j, i, overlap / span]);
    }
  }
  return out;
}
