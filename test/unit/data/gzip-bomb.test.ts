/**
 * Unbounded work from small input, the decompression kind (issue 15 item 5): every data file glorot
 * gunzips (IDX images, IDX labels, CIFAR-10 batches) is inflated only up to the size it announces,
 * so a small gzip that inflates to gigabytes stops there with an error naming the file, instead of
 * allocating it all before the size check; and an image (PNG, JPEG) whose header announces more
 * than 50 megapixels is refused before it is inflated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { crc32, deflateSync } from 'node:zlib';
import { openDataset } from '../../../src/data/dataset.ts';
import { decodeGrey, MAX_IMAGE_PIXELS } from '../../../src/data/image.ts';
import { readDataFile, type SizeLimit } from '../../../src/data/files.ts';
import { IDX_IMAGES_SIZE, IDX_LABELS_SIZE } from '../../../src/data/idx.ts';
import { cifarBatch, idxImages, idxLabels, tempDir, writeIdxSet } from '../../helpers/data.ts';

/** zlib's output chunk (16 KiB): how far past the announced size inflation may run before it stops. */
const CHUNK = 16 * 1024;
/** Zeros after the real content: 256 MiB, as 256 gzip members of 1 MiB (a multi-member gzip is one stream). */
const BOMB_MEMBERS = 256;

/** `head` gzipped, followed by BOMB_MEMBERS gzip members of 1 MiB of zeros: ≈ 260 kB that inflate to 256 MiB more. */
function bomb(head: Uint8Array): Buffer {
  const member = gzipSync(new Uint8Array(1 << 20), { level: 9 });
  return Buffer.concat([gzipSync(head), ...Array.from({ length: BOMB_MEMBERS }, () => member)]);
}

/** The bytes the error says were inflated before stopping. */
function stoppedAfter(message: string): number {
  const m = /stopped after ([\d,]+) bytes/.exec(message);
  assert.ok(m, message);
  return Number(m[1]!.replace(/,/g, ''));
}

const cases: Array<{ what: string; limit: SizeLimit; content: Uint8Array; expected: string }> = [
  { what: 'IDX images', limit: IDX_IMAGES_SIZE, content: idxImages(3, 28, 28, () => 7), expected: '2,368 bytes once decompressed (header 16 + 3 × 28 × 28 data, as its header announces)' },
  { what: 'IDX labels', limit: IDX_LABELS_SIZE, content: idxLabels([1, 2, 3]), expected: '11 bytes once decompressed (header 8 + 3 data, as its header announces)' },
]; // prettier-ignore

test('a gzip that inflates past the size its IDX header announces stops within one zlib chunk of it, naming the file', async () => {
  const dir = tempDir('bomb');
  for (const { what, limit, content, expected } of cases) {
    const path = join(dir, `${what}.gz`);
    writeFileSync(path, bomb(content));
    const err = await readDataFile(path, limit).then(
      () => assert.fail(`${what}: a bomb was read whole`),
      (e: Error) => e,
    );
    assert.equal(err.name, 'DataFileError', what);
    assert.ok(err.message.startsWith(`${path}: length: expected ${expected}, found more: its gzip stream inflates past that`), err.message);
    const stopped = stoppedAfter(err.message);
    assert.ok(stopped > content.length && stopped <= content.length + 2 * CHUNK, `${what}: inflated ${stopped} bytes for ${content.length} announced`);
    // the same content, gzipped without the bomb, reads back exactly (the cap is the announced size, not less)
    writeFileSync(path, gzipSync(content));
    assert.deepEqual(new Uint8Array(await readDataFile(path, limit)), new Uint8Array(content), what);
  }
});

test('a gzipped file whose header does not parse stops after the header: the parser names the fault (gzip inside gzip)', async () => {
  const dir = tempDir('bomb-twice');
  const inner = gzipSync(idxImages(3, 28, 28, () => 7));
  writeFileSync(join(dir, 'x.gz'), bomb(inner));
  const head = await readDataFile(join(dir, 'x.gz'), IDX_IMAGES_SIZE);
  assert.equal(head.length, 16, 'only the would-be header was inflated');
  assert.deepEqual([head[0], head[1]], [0x1f, 0x8b]);
});

test('every dataset that gunzips caps it: a bombed IDX set or CIFAR-10 batch is refused, naming the file and the size announced', async () => {
  const idx = tempDir('bomb-idx');
  writeIdxSet(idx, [0, 1, 2], [1, 0], { rows: 4, cols: 4 });
  writeFileSync(join(idx, 'train-images-idx3-ubyte.gz'), bomb(idxImages(3, 4, 4, () => 1)));
  rmSync(join(idx, 'train-images-idx3-ubyte'));
  await assert.rejects(openDataset(`idx:${idx}`, { validationSize: 1 }), (e: Error) => {
    assert.match(e.message, /train-images-idx3-ubyte\.gz: length: expected 64 bytes once decompressed \(header 16 \+ 3 × 4 × 4 data, as its header announces\)/);
    assert.ok(stoppedAfter(e.message) <= 64 + 2 * CHUNK);
    return true;
  });

  const cifar = tempDir('bomb-cifar');
  const batch = cifarBatch([1, 2], () => 9);
  for (const k of [1, 2, 3, 4]) writeFileSync(join(cifar, `data_batch_${k}.bin`), batch);
  writeFileSync(join(cifar, 'test_batch.bin'), batch);
  // a batch holds 10,000 records (30,730,000 bytes): a gzip inflating to 256 MiB more stops there
  writeFileSync(join(cifar, 'data_batch_5.bin.gz'), bomb(batch));
  await assert.rejects(openDataset('cifar10', { dataDir: cifar, validationSize: 1 }), (e: Error) => {
    assert.match(e.message, /data_batch_5\.bin\.gz: length: expected 30,730,000 bytes once decompressed \(a batch of 10,000 records of 3073 bytes\)/);
    assert.ok(stoppedAfter(e.message) <= 30_730_000 + 2 * CHUNK);
    return true;
  });
});

/** A grey PNG of side × side zero pixels: ≈ side²/1000 bytes that decode to 4·side² (RGBA). */
function zeroPng(side: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const b = Buffer.alloc(12 + data.length);
    b.writeUInt32BE(data.length, 0);
    b.write(type, 4, 'latin1');
    data.copy(b, 8);
    b.writeUInt32BE(crc32(b.subarray(4, 8 + data.length)), 8 + data.length);
    return b;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (grey)
  const rows = Math.min(side, 64); // enough data to look real: the header alone must decide
  const idat = deflateSync(Buffer.alloc((side + 1) * rows));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

test('an image announcing more than 50 megapixels is refused from its header, before it is inflated (PNG and JPEG)', () => {
  const expected = `at most ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels (50 megapixels)`;
  assert.throws(() => decodeGrey(zeroPng(20_000), 'big.png'), {
    name: 'DataFileError',
    message: `big.png: width × height: expected ${expected}, found 20000 × 20000 = 400,000,000 pixels, as its header announces`,
  });
  // a JPEG frame header (SOF0) announcing 20,000 × 20,000, one component
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x4e, 0x20, 0x4e, 0x20, 0x01, 0x01, 0x11, 0x00, 0xff, 0xd9]);
  assert.throws(() => decodeGrey(jpeg, 'big.jpg'), {
    name: 'DataFileError',
    message: `big.jpg: width × height: expected ${expected}, found 400 megapixels, as its frame header announces`,
  });
  // an image within the limit decodes
  assert.equal(decodeGrey(zeroPng(64), 'small.png').data.length, 64 * 64);
});
