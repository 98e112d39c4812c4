import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c, maskCrc, maskedCrc32c, unmaskCrc } from '../../../src/store/crc32c.ts';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

test('crc32c: the published check value', () => {
  // CRC catalogue (reveng) check value of CRC-32/ISCSI
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

test('crc32c: RFC 3720 (iSCSI) appendix B.4 test vectors', () => {
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa, '32 bytes of zeros');
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43, '32 bytes of 0xFF');
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e, '32 bytes incrementing 00..1f');
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c, '32 bytes decrementing 1f..00');
});

test('crc32c: a stream checksummed in pieces equals the whole', () => {
  const data = ascii('The quick brown fox jumps over the lazy dog');
  assert.equal(crc32c(data), 0x22620404);
  assert.equal(crc32c(data.subarray(10), crc32c(data.subarray(0, 10))), 0x22620404);
});

test('masked crc: TensorFlow mask, and a checksum taken from a real TensorFlow event file', () => {
  assert.equal(maskCrc(0), 0xa282ead8);
  for (const c of [0, 1, 0x8a9136aa, 0xffffffff, 0x12345678]) assert.equal(unmaskCrc(maskCrc(c)), c);
  // From tensorboard/data/server/masked_crc.rs: the record of
  // tf.compat.v1.Event(file_version=b"CRC test, one two") has masked CRC 0x5794d08a.
  assert.equal(maskedCrc32c(ascii('\x1a\x11CRC test, one two')), 0x5794d08a);
});
