/**
 * Scan-line polygon fill without antialiasing (SHAPESET.md step 5).
 *
 * Pixel (column c, row r) covers the square [c, c+1) × [r, r+1) and is filled when its centre
 * (c + ½, r + ½) lies inside the polygon (even–odd rule). A centre exactly on a left or top edge
 * counts as inside, on a right or bottom edge as outside, so two polygons sharing an edge never
 * both fill the pixels along it. The authors drew with pygame, whose rule differs by at most one
 * pixel along edges; SHAPESET.md asks for the statistics, not bit-identical images.
 */

/** Scratch for the crossings of one scan line (a simple polygon with n edges has at most n). */
const crossings = new Float64Array(64);

/**
 * Fills the polygon with vertices (xs[at+t], ys[at+t]), t = 0..n−1, in pixel coordinates, into a
 * `width` × `height` image stored row-major at `image[offset + r·width + c]`. Pixels outside the
 * image are clipped. Allocates nothing.
 * @param values, index `values[index]` is written into every covered pixel (an array slot rather
 *   than a number argument: V8 boxes a non-integer number argument into a new heap number, and
 *   the training stream must not allocate).
 * @throws RangeError when n is not in [3, 64].
 */
export function fillPolygon(
  image: Float32Array,
  offset: number,
  width: number,
  height: number,
  xs: Float64Array,
  ys: Float64Array,
  at: number,
  n: number,
  values: Float32Array,
  index: number,
): void {
  const value = values[index];
  if (n < 3 || n > crossings.length) throw new RangeError(`fillPolygon: expected 3 to 64 vertices, found ${n}`);
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let t = at; t < at + n; t++) {
    if (ys[t] < yMin) yMin = ys[t];
    if (ys[t] > yMax) yMax = ys[t];
  }
  // Rows whose centre r + ½ lies in [yMin, yMax).
  const r0 = Math.max(0, Math.ceil(yMin - 0.5));
  const r1 = Math.min(height, Math.ceil(yMax - 0.5));
  for (let r = r0; r < r1; r++) {
    const yc = r + 0.5;
    // 1. Where the scan line crosses the edges: an edge counts when its ends lie on different
    //    sides of yc, with "below" meaning y > yc (half-open, so shared vertices count once).
    let k = 0;
    let jx = xs[at + n - 1];
    let jy = ys[at + n - 1];
    for (let t = at; t < at + n; t++) {
      const ix = xs[t];
      const iy = ys[t];
      if (iy > yc !== jy > yc) crossings[k++] = ix + ((yc - iy) * (jx - ix)) / (jy - iy);
      jx = ix;
      jy = iy;
    }
    // 2. Sort them (insertion sort: k is 2 for the convex shapes of Shapeset).
    for (let i = 1; i < k; i++) {
      const v = crossings[i];
      let j = i - 1;
      while (j >= 0 && crossings[j] > v) {
        crossings[j + 1] = crossings[j];
        j--;
      }
      crossings[j + 1] = v;
    }
    // 3. Fill between pairs: columns whose centre c + ½ lies in [left, right).
    const row = offset + r * width;
    for (let i = 0; i + 1 < k; i += 2) {
      const c0 = Math.max(0, Math.ceil(crossings[i] - 0.5));
      const c1 = Math.min(width, Math.ceil(crossings[i + 1] - 0.5));
      for (let c = c0; c < c1; c++) image[row + c] = value;
    }
  }
}
