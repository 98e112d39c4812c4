/**
 * CRC-32C (Castagnoli), the checksum of TFRecord framing, and TensorFlow's CRC mask.
 *
 * Reflected CRC with polynomial 0x1EDC6F41 (reversed: 0x82F63B78), initial value and final XOR
 * 0xFFFFFFFF, as specified in RFC 3720 (iSCSI) §12.1 and appendix B.4. Table-driven, one byte at a
 * time (`crc = T[(crc ^ b) & 0xff] ^ (crc >>> 8)`). Check value: crc32c("123456789") = 0xE3069283.
 */

/** The reversed Castagnoli polynomial. */
const POLY_REVERSED = 0x82f63b78;

/** T[n] = CRC of the single byte n (no init/final XOR), the standard reflected table. */
const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLY_REVERSED ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32C of `bytes`, as an unsigned 32-bit integer.
 * @param previous the CRC of the bytes before `bytes`, to checksum a stream in pieces (default: start).
 */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  let crc = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TensorFlow's CRC mask delta (tensorflow/core/lib/hash/crc32c.h, from LevelDB). */
const MASK_DELTA = 0xa282ead8;

/**
 * Masks a CRC as TFRecord stores it: rotate right by 15 bits, add 0xa282ead8 (mod 2^32). Storing a
 * masked CRC avoids the weak checksums of data that itself embeds CRCs.
 */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Inverse of {@link maskCrc}. */
export function unmaskCrc(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

/** The masked CRC-32C of `bytes`: what a TFRecord stores after the length and after the data. */
export function maskedCrc32c(bytes: Uint8Array): number {
  return maskCrc(crc32c(bytes));
}
