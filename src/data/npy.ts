/**
 * NumPy's `.npy` format (version 1.0: the magic `\x93NUMPY`, version 1 0, a little-endian uint16
 * header length, an ASCII Python-dict header padded with spaces and a newline so the data start at a
 * multiple of 64 bytes, then the C-order data) and `.npz` (a zip archive of `.npy` files, stored
 * without compression, as `numpy.savez` writes it). Pure functions on bytes.
 */
import { crc32 } from 'node:zlib';

/** An array to save: its dtype (`<f4`, `<i8`, `|u1`, `<U12`), shape and little-endian bytes. */
export interface NpyArray {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** The bytes of one `.npy` file. @throws RangeError when the data length differs from the shape's product times the item size. */
export function encodeNpy(a: NpyArray): Uint8Array {
  const itemSize = a.dtype.startsWith('<U') ? 4 * Number(a.dtype.slice(2)) : Number(a.dtype.slice(2));
  const count = a.shape.reduce((x, y) => x * y, 1);
  if (a.data.length !== count * itemSize) {
    throw new RangeError(`npy ${a.dtype} ${JSON.stringify(a.shape)}: expected ${count * itemSize} bytes, found ${a.data.length}`);
  }
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '${a.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + a.data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(a.data, 10 + header.length);
  return out;
}

/** A NumPy unicode array (`<U{n}`: UTF-32LE, each string padded with zeros to the longest) of `strings`. */
export function unicodeArray(strings: readonly string[]): NpyArray {
  const codes = strings.map((s) => Array.from(s, (c) => c.codePointAt(0)!));
  const width = Math.max(1, ...codes.map((c) => c.length));
  const data = new Uint8Array(4 * width * strings.length);
  const view = new DataView(data.buffer);
  codes.forEach((c, i) => c.forEach((code, k) => view.setUint32(4 * (i * width + k), code, true)));
  return { dtype: `<U${width}`, shape: [strings.length], data };
}

/**
 * A zip archive of `<name>.npy` files, stored (method 0) with their CRC-32s: what `numpy.load`
 * reads as an `NpzFile`. Uses ZIP64 extra fields only when an entry or the archive passes 4 GiB
 * (not supported: refused).
 * @throws RangeError when the archive would need ZIP64 (4 GiB or more).
 */
export function encodeNpz(arrays: Readonly<Record<string, NpyArray>>): Uint8Array {
  const entries = Object.entries(arrays).map(([name, a]) => ({ name: new TextEncoder().encode(`${name}.npy`), data: encodeNpy(a) }));
  const size = entries.reduce((s, e) => s + 30 + e.name.length + e.data.length + 46 + e.name.length, 22);
  if (size >= 0xffffffff) throw new RangeError(`the npz archive would hold ${size} bytes: 4 GiB or more needs ZIP64, which is not written`);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let pos = 0;
  const central: Array<{ name: Uint8Array; crc: number; size: number; offset: number }> = [];
  for (const e of entries) {
    const crc = crc32(e.data);
    central.push({ name: e.name, crc, size: e.data.length, offset: pos });
    // local file header: signature, version 2.0, flags 0, method 0 (stored), time and date 0 (1980)
    view.setUint32(pos, 0x04034b50, true);
    view.setUint16(pos + 4, 20, true);
    view.setUint32(pos + 14, crc, true);
    view.setUint32(pos + 18, e.data.length, true);
    view.setUint32(pos + 22, e.data.length, true);
    view.setUint16(pos + 26, e.name.length, true);
    out.set(e.name, pos + 30);
    out.set(e.data, pos + 30 + e.name.length);
    pos += 30 + e.name.length + e.data.length;
  }
  const centralStart = pos;
  for (const c of central) {
    view.setUint32(pos, 0x02014b50, true);
    view.setUint16(pos + 4, 20, true);
    view.setUint16(pos + 6, 20, true);
    view.setUint32(pos + 16, c.crc, true);
    view.setUint32(pos + 20, c.size, true);
    view.setUint32(pos + 24, c.size, true);
    view.setUint16(pos + 28, c.name.length, true);
    view.setUint32(pos + 42, c.offset, true);
    out.set(c.name, pos + 46);
    pos += 46 + c.name.length;
  }
  // end of central directory
  view.setUint32(pos, 0x06054b50, true);
  view.setUint16(pos + 8, central.length, true);
  view.setUint16(pos + 10, central.length, true);
  view.setUint32(pos + 12, pos - centralStart, true);
  view.setUint32(pos + 16, centralStart, true);
  return out;
}
