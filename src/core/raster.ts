/**
 * SVG → pixels with resvg and the figures' font: the one home of how glorot rasterises, for the
 * report's figures (src/report/render.ts) and Fig. 1's example sheets (src/data/preview.ts, whose
 * labels are set in the same font as every other figure: issue 15, item 16). DejaVu Sans comes with
 * Debian's fonts-dejavu-core; resvg finds it among the system fonts (shared/notes/ENGINEERING.md).
 */
import { Resvg } from '@resvg/resvg-js';

/** The font every figure and sheet uses. */
export const FIGURE_FONT = 'DejaVu Sans';

/** An RGBA image, row-major [height, width, 4], bytes 0–255. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
}

/** A box in SVG pixels: left, top, width, height. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** resvg with the system fonts, {@link FIGURE_FONT} as the default family and, optionally, a background. */
function resvg(svg: string, zoom: number, background: string | undefined): Resvg {
  return new Resvg(svg, {
    ...(background !== undefined ? { background } : {}),
    fitTo: { mode: 'zoom', value: zoom },
    font: { loadSystemFonts: true, defaultFontFamily: FIGURE_FONT },
  });
}

/**
 * Rasterises an SVG to PNG bytes on a white background.
 * @param zoom PNG pixels per SVG pixel (> 0); the PNG is ceil(width · zoom) × ceil(height · zoom).
 * @throws Error from resvg when `svg` is not an SVG document.
 */
export function svgToPng(svg: string, zoom: number): Buffer {
  return resvg(svg, zoom, 'white').render().asPng();
}

/**
 * Rasterises an SVG at 1 pixel per SVG pixel on a white background: every pixel opaque, so the
 * bytes are plain RGBA (resvg's are premultiplied, which only differs where alpha < 255).
 * @returns the image, width × height of the SVG's own size (rounded up).
 * @throws Error from resvg when `svg` is not an SVG document.
 */
export function svgToRgba(svg: string): RgbaImage {
  const image = resvg(svg, 1, 'white').render();
  return { width: image.width, height: image.height, rgba: new Uint8Array(image.pixels) };
}

/**
 * The box of what an SVG draws (text as its glyphs' outlines, in the font resvg chose), in SVG
 * pixels; null when it draws nothing. Used to measure text before a layout.
 * @throws Error from resvg when `svg` is not an SVG document.
 */
export function inkBox(svg: string): Box | null {
  const b = resvg(svg, 1, undefined).getBBox();
  return b === undefined ? null : { x: b.x, y: b.y, width: b.width, height: b.height };
}
