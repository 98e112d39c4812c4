/**
 * Unbounded work from small input, the gzip kind (issue 15 item 5): every data file glorot gunzips
 * (IDX images, IDX labels, CIFAR-10 batches) is inflated only up to the size it announces, so a
 * small gzip that inflates to gigabytes stops there with an error naming the file, instead of
 * allocating it all before the size check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openDataset } from '../../../src/data/dataset.ts';
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
