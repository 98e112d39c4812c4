import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors } from '../../../src/nn/safetensors.ts';

test('decode works on views into larger buffers (Node Buffers, subarrays at any offset)', () => {
  const bytes = encodeSafetensors({ a: { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }, b: { shape: [1], data: Float32Array.of(-0.5) } });
  for (const pad of [0, 1, 3, 8]) {
    const big = new Uint8Array(bytes.length + pad + 5).fill(0xff);
    big.set(bytes, pad);
    for (const view of [big.subarray(pad, pad + bytes.length), Buffer.from(big.buffer, pad, bytes.length)]) {
      const { tensors } = decodeSafetensors(view, 'x');
      assert.deepEqual(Array.from(tensors['a']!.data), [1, 2, 3, 4]);
      assert.deepEqual(tensors['a']!.shape, [2, 2]);
      assert.deepEqual(Array.from(tensors['b']!.data), [-0.5]);
    }
  }
});

test('header layout: u64 little-endian length, JSON, data 8-byte aligned, metadata strings', () => {
  const bytes = encodeSafetensors({ w: { shape: [3], data: Float32Array.of(1, 2, 3) } }, { k: 'v' });
  const view = new DataView(bytes.buffer);
  const n = Number(view.getBigUint64(0, true));
  assert.equal((8 + n) % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  assert.deepEqual(header['w'], { dtype: 'F32', shape: [3], data_offsets: [0, 12] });
  assert.deepEqual(header['__metadata__'], { k: 'v' });
  assert.equal(new Float32Array(bytes.buffer.slice(8 + n))[2], 3);
});

test('malformed files are clear errors naming the source and field', () => {
  const good = encodeSafetensors({ w: { shape: [2], data: Float32Array.of(1, 2) } });
  assert.throws(() => decodeSafetensors(good.subarray(0, 4), 'f.st'), /f\.st: expected a safetensors file/);
  const bad = new Uint8Array(good);
  new DataView(bad.buffer).setBigUint64(0, 10n ** 6n, true);
  assert.throws(() => decodeSafetensors(bad, 'f.st'), /f\.st: header length field says 1000000 bytes/);
  const wrongDtype = new TextEncoder().encode('{"w":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}');
  const file = new Uint8Array(8 + wrongDtype.length + 1);
  new DataView(file.buffer).setBigUint64(0, BigInt(wrongDtype.length), true);
  file.set(wrongDtype, 8);
  assert.throws(() => decodeSafetensors(file, 'f.st'), /tensor "w": dtype expected F32 or F64, found "I8"/);
  assert.throws(() => encodeSafetensors({ w: { shape: [3], data: Float32Array.of(1) } }), /shape \[3\] holds 3 values, data has 1/);
});

/** A safetensors file with this header (JSON, padded to 8 bytes) and `data` bytes. */
function withHeader(header: unknown, data: number): Uint8Array {
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

test("the tensors' byte ranges must tile the data: overlapping, out-of-range and orphaned bytes are refused by name (issue 15 item 1)", () => {
  const t = (begin: number, end: number, shape = [(end - begin) / 4]): unknown => ({ dtype: 'F32', shape, data_offsets: [begin, end] });
  const cases: Array<[string, unknown, number, RegExp]> = [
    // one tensor's bytes read as another's
    ['b overlaps a', { a: t(0, 8), b: t(0, 8) }, 8, /f\.st: tensor "(a|b)": data_offsets \[0, 8\] expected to start at or after 8, found an overlap with tensor "(a|b)" \[0, 8\]$/],
    ['b starts inside a', { a: t(0, 8), b: t(4, 12), c: t(12, 16) }, 16, /f\.st: tensor "b": data_offsets \[4, 12\] expected to start at or after 8, found an overlap with tensor "a" \[0, 8\]$/],
    ['past the end', { a: t(0, 8), b: t(8, 16) }, 12, /f\.st: tensor "b": data_offsets \[8, 16\] expected 8 bytes within the 12 data bytes$/],
    ['a hole', { a: t(0, 4), b: t(8, 12) }, 12, /f\.st: data bytes \[4, 8\) expected to belong to a tensor, found none \(before tensor "b"\)$/],
    ['trailing bytes', { a: t(0, 4) }, 12, /f\.st: data bytes \[4, 12\) expected to belong to a tensor, found none \(after the last tensor\)$/],
    ['metadata not strings', { __metadata__: { format: 1 }, a: t(0, 4) }, 4, /f\.st: header "__metadata__" expected an object of strings, found \{"format":1\}$/],
    ['header not an object', [1, 2], 0, /f\.st: header expected a JSON object, found an array$/],
  ];
  for (const [what, header, data, message] of cases) assert.throws(() => decodeSafetensors(withHeader(header, data), 'f.st'), message, what);
  // the same layouts, tiled exactly, read back (in any key order)
  const ok = decodeSafetensors(withHeader({ b: t(8, 12), a: t(0, 8) }, 12), 'f.st');
  assert.deepEqual(Object.keys(ok.tensors).sort(), ['a', 'b']);
});
