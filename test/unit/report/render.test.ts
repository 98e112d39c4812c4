import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pngInfo, PNG_ZOOM, renderFigure, specToSvg, svgToPng, type VegaLiteSpec } from '../../../src/report/render.ts';

const spec: VegaLiteSpec = {
  width: 200,
  height: 100,
  title: 'Layer test',
  data: { values: [{ x: 0, y: 1, layer: 'Layer 1' }, { x: 1, y: 2, layer: 'Layer 1' }, { x: 0, y: 2, layer: 'Layer 2' }, { x: 1, y: 0, layer: 'Layer 2' }] },
  mark: 'line',
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'layer', type: 'nominal' } },
};

test('Vega-Lite spec → SVG in Node: an <svg> with the title and the legend labels as text', async () => {
  const svg = await specToSvg(spec);
  assert.match(svg, /^<svg[^>]*width="\d+/);
  assert.ok(svg.includes('Layer test'));
  assert.ok(svg.includes('Layer 1') && svg.includes('Layer 2'));
  assert.ok(svg.includes('DejaVu Sans'), 'the figure font is set');
});

test('SVG → PNG with resvg: PNG signature, IHDR size = SVG size × zoom', async () => {
  const svg = await specToSvg(spec);
  const w = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
  const h = Number(/height="(\d+(?:\.\d+)?)"/.exec(svg)![1]);
  const png = svgToPng(svg);
  const info = pngInfo(png);
  assert.ok(info, 'starts with the PNG signature');
  assert.equal(info.width, Math.ceil(w * PNG_ZOOM));
  assert.equal(info.height, Math.ceil(h * PNG_ZOOM));
  assert.ok(png.length > 2000, `a real image, not an empty one (${png.length} bytes)`);
});

test('renderFigure writes <base>.svg and <base>.png; an invalid spec throws a named error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-render-'));
  try {
    const files = await renderFigure(spec, join(dir, 'sub', 'figX'));
    assert.ok(readFileSync(files.svg, 'utf8').startsWith('<svg'));
    assert.ok(pngInfo(readFileSync(files.png)));
    await assert.rejects(specToSvg({ mark: 'no-such-mark' } as unknown as VegaLiteSpec), /rendering a figure failed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pngInfo rejects bytes without the PNG signature', () => {
  assert.equal(pngInfo(new Uint8Array(32)), null);
});
