/**
 * Fig. 1's sheets (src/data/preview.ts; issue 15, item 16): the labels are set in the figures' font
 * (outline text, anti-aliased: a bitmap font has two levels, ink and paper), the label column is as
 * wide as the widest label, the examples are copied pixel for pixel, and any class name — markup,
 * controls, unpaired surrogates — is drawn as text, never parsed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPreview } from '../../../src/data/preview.ts';

/** A 4 × 3 colour image, pure red: a colour the grey text and frames never produce. */
const RED = ((): Float32Array => {
  const x = new Float32Array(3 * 12);
  x.fill(1, 0, 12);
  return x;
})();
const SHAPE = { width: 4, height: 3, channels: 3 } as const;

/** Pixels matching `rgb` exactly. */
function count(image: { rgba: Uint8Array }, rgb: readonly [number, number, number]): number {
  let n = 0;
  for (let p = 0; p < image.rgba.length; p += 4) if (image.rgba[p] === rgb[0] && image.rgba[p + 1] === rgb[1] && image.rgba[p + 2] === rgb[2]) n++;
  return n;
}

/** The leftmost column holding a pure red pixel (the first tile's left edge). */
function firstRedColumn(image: { width: number; rgba: Uint8Array }): number {
  let min = Infinity;
  for (let p = 0; p < image.rgba.length; p += 4) {
    if (image.rgba[p] === 255 && image.rgba[p + 1] === 0 && image.rgba[p + 2] === 0) min = Math.min(min, (p / 4) % image.width);
  }
  return min;
}

test('the labels are anti-aliased outline text (many grey levels), the examples exact copies, enlarged by whole factors', () => {
  const sheet = renderPreview('Sheet', ['alpha', 'beta'], [[RED, RED], [RED]], SHAPE, 8);
  assert.equal(sheet.rgba.length, sheet.width * sheet.height * 4);
  // three tiles of 4·8 × 3·8 pixels, every one pure red
  assert.equal(count(sheet, [255, 0, 0]), 3 * 32 * 24);
  const greys = new Set<number>();
  for (let p = 0; p < sheet.rgba.length; p += 4) {
    assert.equal(sheet.rgba[p + 3], 255, 'every pixel opaque');
    if (sheet.rgba[p] === sheet.rgba[p + 1] && sheet.rgba[p + 1] === sheet.rgba[p + 2]) greys.add(sheet.rgba[p]!);
  }
  // paper, ink, the frames' grey, and the edge shades of outline glyphs (the 5×7 bitmap font had none)
  assert.ok(greys.size > 20, `${greys.size} grey levels`);
  assert.ok(greys.has(255) && greys.has(150));
});

test('the label column is as wide as the widest label, measured in the font', () => {
  const short = renderPreview('T', ['a', 'b'], [[RED], [RED]], SHAPE, 8);
  const long = renderPreview('T', ['a', 'a much longer class name'], [[RED], [RED]], SHAPE, 8);
  const shortX = firstRedColumn(short);
  const longX = firstRedColumn(long);
  // ~20 more characters of 14 px DejaVu Sans (≈ 7–8 px each), not a fixed column
  assert.ok(longX - shortX > 120 && longX - shortX < 200, `tiles start at ${shortX} and ${longX}`);
  assert.equal(long.width - short.width, longX - shortX);
});

test('hostile class names and titles are drawn as text: markup, XML-illegal controls, unpaired surrogates', () => {
  const names = ['<svg onload="x">', 'a & b', '\u001b]0;title\u0007', 'tab\tand\nnewline', 'lone \ud800 surrogate', "quote ' \" ]]>"];
  const sheet = renderPreview('</text><text>&amp;', names, names.map(() => [RED]), SHAPE, 8);
  assert.equal(count(sheet, [255, 0, 0]), names.length * 32 * 24);
  // the label column holds the escaped text (e.g. \u001b written out): wider than the tiles' start of plain names
  assert.ok(firstRedColumn(sheet) > firstRedColumn(renderPreview('T', ['a'], [[RED]], SHAPE, 8)));
});
