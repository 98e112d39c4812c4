/** Float64 arrays as SQLite BLOBs: little-endian IEEE 754 doubles, 8 bytes each, no header. */

/** Encodes `values` as consecutive little-endian float64s (8 × length bytes). */
export function encodeFloat64(values: ArrayLike<number>): Buffer {
  const out = Buffer.allocUnsafe(8 * values.length);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i]!, 8 * i);
  return out;
}

/**
 * Decodes a BLOB written by {@link encodeFloat64}.
 * @throws Error when the byte length is not a multiple of 8.
 */
export function decodeFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.length % 8 !== 0) throw new Error(`float64 blob has ${bytes.length} bytes, not a multiple of 8`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(bytes.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(8 * i, true);
  return out;
}
