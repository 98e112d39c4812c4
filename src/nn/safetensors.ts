/**
 * Reading and writing the safetensors format (the field's interchange format for tensors:
 * https://github.com/huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
 * JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}`,
 * then the tensor bytes (little-endian, row-major), offsets relative to the end of the header.
 * Only F32 tensors are written; F32 and F64 are read.
 */

/** One tensor: row-major data and its shape. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * Serialises tensors (in the given key order) and string metadata.
 * @throws Error when a tensor's data length differs from the product of its shape.
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${name}: shape ${JSON.stringify(t.shape)} holds ${n} values, data has ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8); // align the data to 8 bytes, as the reference writer does
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of Object.values(tensors)) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, pos); // Float32Array is little-endian on every platform Node runs on (x86, arm)
    pos += bytes.length;
  }
  return out;
}

/**
 * Parses a safetensors file.
 * @param source the file name, used in error messages.
 * @throws Error naming `source`, the field, what was expected and what was found, on a truncated
 * file, a bad header or `__metadata__`, an unsupported dtype, offsets outside the data, tensors
 * whose bytes overlap, or data bytes that belong to no tensor.
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error(`${source}: expected a safetensors file (8-byte header length), found ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8) throw new Error(`${source}: header length field says ${n} bytes, but only ${bytes.length - 8} follow`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${source}: header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new Error(`${source}: header expected a JSON object, found ${Array.isArray(header) ? 'an array' : JSON.stringify(header)}`);
  }
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const tensors: Record<string, Tensor> = {};
  const spans: Array<{ name: string; begin: number; end: number }> = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = checkMetadata(entry, source);
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const where = `${source}: tensor "${name}"`;
    if (e.dtype !== 'F32' && e.dtype !== 'F64') throw new Error(`${where}: dtype expected F32 or F64, found ${JSON.stringify(e.dtype)}`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${where}: shape expected a list of non-negative integers, found ${JSON.stringify(e.shape)}`);
    }
    const offs = e.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${where}: data_offsets expected [begin, end], found ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    spans.push({ name, begin, end });
    const width = e.dtype === 'F32' ? 4 : 8;
    const count = (e.shape as number[]).reduce((a, b) => a * b, 1);
    if (end < begin || end > dataLen || end - begin !== count * width) {
      throw new Error(`${where}: data_offsets [${begin}, ${end}] expected ${count * width} bytes within the ${dataLen} data bytes`);
    }
    // copy (Node's Buffer#slice would not): aligned and detached from the file buffer
    const raw = new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end));
    const data = e.dtype === 'F32' ? new Float32Array(raw.buffer) : Float32Array.from(new Float64Array(raw.buffer));
    tensors[name] = { shape: e.shape as number[], data };
  }
  checkSpans(spans, dataLen, source);
  return { tensors, metadata };
}

/** @throws Error naming `source` unless `entry` is an object of strings (safetensors' `__metadata__`). */
function checkMetadata(entry: unknown, source: string): Record<string, string> {
  if (entry === null || entry === undefined) return {};
  const ok = typeof entry === 'object' && !Array.isArray(entry) && Object.values(entry).every((v) => typeof v === 'string');
  if (!ok) throw new Error(`${source}: header "__metadata__" expected an object of strings, found ${JSON.stringify(entry).slice(0, 80)}`);
  return entry as Record<string, string>;
}

/**
 * The safetensors rule: the tensors' byte ranges tile the data exactly — no two overlap (one
 * tensor's bytes would be read as another's) and no byte belongs to none.
 * @throws Error naming `source` and the tensors (or the bytes) at fault.
 */
function checkSpans(spans: Array<{ name: string; begin: number; end: number }>, dataLen: number, source: string): void {
  const sorted = [...spans].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: { name: string; begin: number; end: number } | null = null;
  for (const t of sorted) {
    if (t.begin < at && previous !== null) {
      throw new Error(
        `${source}: tensor "${t.name}": data_offsets [${t.begin}, ${t.end}] expected to start at or after ${at}, ` +
          `found an overlap with tensor "${previous.name}" [${previous.begin}, ${previous.end}]`,
      );
    }
    if (t.begin > at) throw new Error(`${source}: data bytes [${at}, ${t.begin}) expected to belong to a tensor, found none (before tensor "${t.name}")`);
    at = t.end;
    previous = t;
  }
  if (at !== dataLen) throw new Error(`${source}: data bytes [${at}, ${dataLen}) expected to belong to a tensor, found none (after the last tensor)`);
}
