/**
 * TFRecord framing, the container of TensorBoard event files (tensorflow/core/lib/io/record_writer.cc):
 * ```
 * uint64 length            little-endian
 * uint32 masked_crc32c(length bytes)
 * byte   data[length]
 * uint32 masked_crc32c(data)
 * ```
 */
import { maskedCrc32c } from './crc32c.ts';

/** Bytes of framing around each record: 8 (length) + 4 (length CRC) + 4 (data CRC). */
const RECORD_OVERHEAD = 16;

/** Frames one record: returns `data.length + 16` bytes. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + RECORD_OVERHEAD);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
