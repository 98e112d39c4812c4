import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeEvent, EventFileWriter, FILE_VERSION, histogramValue } from '../../../src/store/tensorboard.ts';
import { frameRecord } from '../../../src/store/tfrecord.ts';
import { readEvents, tempDir } from '../../helpers/store.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

// Published bytes of a real TensorFlow event file (`tf.summary.scalar("accuracy", 0.99, step=77)`,
// dumped with xxd), from TensorBoard's tensorboard/data/server/tf_record.rs tests.
const RECORD_1 = hex(`1800000000000000 a37f4b22  090000803899d6d741 1a0d ${ascii('brain.Event:2')}  124b36ab`);
const RECORD_2_DATA = hex(
  `09c405b73d99d6d741 104d 2a25 0a23 0a08 ${ascii('accuracy')} 420a 0801 1200 2204 a4707d3f 4a0b 0a09 0a07 ${ascii('scalars')}`,
);
const RECORD_2_HEAD = hex('3200000000000000 241956ec');
const RECORD_2_FOOT = hex('a55b6433');

test('our first event and its framing are byte-identical to a TensorFlow-written event file', () => {
  const wallTime = new DataView(RECORD_1.buffer, 13, 8).getFloat64(0, true);
  const framed = frameRecord(encodeEvent({ wall_time: wallTime, step: 0, file_version: FILE_VERSION }));
  assert.equal(Buffer.from(framed).toString('hex'), Buffer.from(RECORD_1).toString('hex'));
});

test('framing of a second TensorFlow record (a tensor summary) reproduces its length and data CRCs', () => {
  const framed = frameRecord(RECORD_2_DATA);
  assert.equal(RECORD_2_DATA.length, 0x32);
  assert.deepEqual(Buffer.from(framed.subarray(0, 12)), Buffer.from(RECORD_2_HEAD));
  assert.deepEqual(Buffer.from(framed.subarray(12 + RECORD_2_DATA.length)), Buffer.from(RECORD_2_FOOT));
});

test('EventFileWriter: file_version first, scalars and histograms read back through our reader', () => {
  const { dir, cleanup } = tempDir();
  try {
    const w = new EventFileWriter(join(dir, 'logs'), { wallTime: 1000.5 });
    assert.match(w.path, /events\.out\.tfevents\.1000\..*\.glorot$/);
    w.addScalar('layer1/activation/mean', 0, 0, 1001);
    w.addScalar('eval/test/error_rate', 12.5, 7, 1002);
    w.addHistogram('layer2/activation', [-1, 0, 1, 2, 3], [0, 4, 6, 0], 7, 1002);
    w.addSummary([{ tag: 'a', simple_value: -1.5 }, { tag: 'b', simple_value: Number.NaN }], 2 ** 40, 1003);
    w.close();
    w.close(); // idempotent
    assert.throws(() => w.addScalar('x', 1, 1), /is closed/);
    assert.deepEqual(readdirSync(join(dir, 'logs')).length, 1);

    const ev = readEvents(readFileSync(w.path));
    assert.equal(ev.length, 5);
    assert.deepEqual(ev[0], { wall_time: 1000.5, file_version: 'brain.Event:2' }); // step 0 is proto3's default, not written
    // a zero scalar must still be present (TensorBoard drops values with no oneof member set)
    assert.deepEqual(ev[1]!.summary!.value, [{ tag: 'layer1/activation/mean', simple_value: 0 }]);
    assert.equal(ev[1]!.wall_time, 1001);
    assert.equal(ev[2]!.step, 7);
    assert.deepEqual(ev[2]!.summary!.value, [{ tag: 'eval/test/error_rate', simple_value: 12.5 }]);
    const h = ev[3]!.summary!.value[0]!;
    assert.equal(h.tag, 'layer2/activation');
    // empty end bins dropped; min/max are the outer edges of the bins kept (min 0 is proto3's default, not written)
    assert.deepEqual({ min: 0, ...h.histo }, { min: 0, max: 2, num: 10, sum: 4 * 0.5 + 6 * 1.5, sum_squares: 4 * 0.25 + 6 * 2.25, bucket_limit: [1, 2], bucket: [4, 6] });
    assert.equal(ev[4]!.step, 2 ** 40);
    assert.equal(ev[4]!.summary!.value[0]!.simple_value, -1.5);
    assert.ok(Number.isNaN(ev[4]!.summary!.value[1]!.simple_value));
  } finally {
    cleanup();
  }
});

test('histogramValue: empty histograms and names without tfevents', () => {
  assert.deepEqual(histogramValue([0, 1, 2], [0, 0]), { min: 0, max: 0, num: 0, sum: 0, sum_squares: 0, bucket_limit: [], bucket: [] });
  assert.deepEqual(histogramValue([0, 1], [3]).bucket_limit, [1]);
  const { dir, cleanup } = tempDir();
  try {
    assert.throws(() => new EventFileWriter(dir, { filename: 'events.log' }), /must contain "tfevents"/);
  } finally {
    cleanup();
  }
});
