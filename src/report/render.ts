/**
 * Vega-Lite spec → SVG → PNG, in Node without a browser: vega-lite compiles the spec to Vega, a
 * headless `vega.View` (renderer 'none') renders it with `toSVG()`, and resvg rasterises the SVG
 * with the system's DejaVu Sans on a white background (shared/notes/ENGINEERING.md).
 */
import { writeFileAtomic } from '../store/durable.ts';
import { ensureDir } from '../store/paths.ts';
import { dirname } from 'node:path';
import { FIGURE_FONT, svgToPng as rasterize } from '../core/raster.ts';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** PNG pixels per SVG pixel (2: crisp on high-density screens, legible when printed). */
export const PNG_ZOOM = 2;

/** The bytes of a PNG file's signature. */
export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A Vega-Lite specification (vega-lite's own type, re-exported so callers need not import vega-lite). */
export type VegaLiteSpec = TopLevelSpec;

/** Defaults applied to every figure: font, sizes, white background. */
const BASE_CONFIG = {
  font: FIGURE_FONT,
  background: 'white',
  title: { fontSize: 14, subtitleFontSize: 11, anchor: 'start' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, titleLimit: 360, labelLimit: 400 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  concat: { spacing: 40 },
} as const;

/**
 * Renders a Vega-Lite spec to an SVG string.
 * @throws Error from vega-lite or vega when the spec is invalid (vega-lite's message, prefixed).
 */
export async function specToSvg(spec: VegaLiteSpec): Promise<string> {
  const withConfig = { ...spec, config: { ...BASE_CONFIG, ...(spec.config ?? {}) } } as VegaLiteSpec;
  let view: vega.View | undefined;
  try {
    const compiled = compile(withConfig).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    return await view.toSVG();
  } catch (e) {
    throw new Error(`rendering a figure failed: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    view?.finalize();
  }
}

/**
 * Rasterises an SVG to PNG bytes with resvg (src/core/raster.ts: system fonts, DejaVu Sans as default
 * family, white background), {@link PNG_ZOOM}× zoom by default.
 * @throws Error from resvg when `svg` is not an SVG document.
 */
export function svgToPng(svg: string, zoom = PNG_ZOOM): Buffer {
  return rasterize(svg, zoom);
}

/** Paths of one rendered figure. */
export interface RenderedFiles {
  readonly svg: string;
  readonly png: string;
}

/**
 * Renders a spec to `<base>.svg` and `<base>.png` (directories created as needed).
 * @param base path without extension, e.g. `out/report/figures/fig2`.
 * @throws Error when rendering fails or the files cannot be written.
 */
export async function renderFigure(spec: VegaLiteSpec, base: string): Promise<RenderedFiles> {
  const svg = await specToSvg(spec);
  ensureDir(dirname(base), 'the figure directory');
  const files = { svg: `${base}.svg`, png: `${base}.png` };
  writeFileAtomic(files.svg, svg);
  writeFileAtomic(files.png, svgToPng(svg));
  return files;
}

/** Whether `bytes` start with the PNG signature; width and height from its IHDR chunk. */
export function pngInfo(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}
