/** Small deterministic random helpers for tests (mulberry32; not the product's generator). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills `buf` with uniform values in [lo, hi). */
export function fillUniform(buf: Float32Array, rand: () => number, lo = -1, hi = 1): Float32Array {
  for (let i = 0; i < buf.length; i++) buf[i] = lo + (hi - lo) * rand();
  return buf;
}
