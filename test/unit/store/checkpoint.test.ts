import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError, checkpointDir, readCheckpoint, writeCheckpoint, type CheckpointStep } from '../../../src/store/checkpoint.ts';
import { tempDir } from '../../helpers/store.ts';

const bytes = (...v: number[]): Uint8Array => Uint8Array.from(v);

test('checkpoint round trip; a new one replaces the old and leaves one generation on disk', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.equal(readCheckpoint(dir, 'r1'), null);
    writeCheckpoint(dir, 'r1', 100, { model: bytes(1, 2, 3), rng: bytes() }, { loss: 0.5, stream: { epoch: 2 } });
    const a = readCheckpoint(dir, 'r1')!;
    assert.equal(a.run, 'r1');
    assert.equal(a.update, 100);
    assert.deepEqual(Array.from(a.blobs['model']!), [1, 2, 3]);
    assert.equal(a.blobs['rng']!.length, 0);
    assert.deepEqual(a.meta, { loss: 0.5, stream: { epoch: 2 } });
    assert.match(a.createdAt, /Z$/);

    writeCheckpoint(dir, 'r1', 200, { model: bytes(9) }, {});
    const b = readCheckpoint(dir, 'r1')!;
    assert.equal(b.update, 200);
    assert.deepEqual(Object.keys(b.blobs), ['model']);
    assert.deepEqual(Array.from(b.blobs['model']!), [9]);
    const entries = readdirSync(checkpointDir(dir, 'r1')).sort();
    assert.equal(entries.length, 2);
    assert.equal(entries[0], 'manifest.json');
    assert.match(entries[1]!, /^u000000000200-[0-9a-f]{8}$/);
    const manifest = JSON.parse(readFileSync(join(checkpointDir(dir, 'r1'), 'manifest.json'), 'utf8')) as { blobs: { model: { sha256: string } } };
    // sha256 of the single byte 0x09
    assert.equal(manifest.blobs.model.sha256, '2b4c342f5433ebe591a1da77e013d1b72475562d48578dca8b84bac6651c3cb9');
    assert.equal(readCheckpoint(dir, 'other-run'), null);
  } finally {
    cleanup();
  }
});

test('checkpoint arguments are checked', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.throws(() => writeCheckpoint(dir, '../evil', 1, { m: bytes() }, {}), /invalid run id "..\/evil"/);
    assert.throws(() => writeCheckpoint(dir, 'r', -1, { m: bytes() }, {}), /update must be an integer ≥ 0, found -1/);
    assert.throws(() => writeCheckpoint(dir, 'r', 1, {}, {}), /at least one blob/);
    assert.throws(() => writeCheckpoint(dir, 'r', 1, { 'a/b': bytes() }, {}), /invalid checkpoint blob name "a\/b"/);
    assert.throws(() => writeCheckpoint(dir, 'r', 1, { m: [1] as unknown as Uint8Array }, {}), /blob "m" must be a Uint8Array/);
    assert.throws(() => writeCheckpoint(dir, 'r', 1, { m: bytes() }, []), /meta must be a plain object/);
  } finally {
    cleanup();
  }
});

const STEPS: CheckpointStep[] = ['temp-dir-created', 'blob-written', 'generation-renamed', 'manifest-temp-written', 'manifest-renamed', 'cleaned'];

test('a crash between any two steps leaves the old or the new checkpoint, never a torn one', () => {
  for (const crashAt of STEPS) {
    for (const occurrence of crashAt === 'blob-written' ? [1, 2] : [1]) {
      const { dir, cleanup } = tempDir();
      try {
        writeCheckpoint(dir, 'r', 10, { model: bytes(10, 10), rng: bytes(1) }, { u: 10 });
        let seen = 0;
        const crash = new Error('simulated crash');
        assert.throws(
          () =>
            writeCheckpoint(dir, 'r', 20, { model: bytes(20, 20, 20), rng: bytes(2) }, { u: 20 }, {
              onStep: (s) => {
                if (s === crashAt && ++seen === occurrence) throw crash;
              },
            }),
          (e: unknown) => e === crash,
        );
        const c = readCheckpoint(dir, 'r')!;
        const committed = STEPS.indexOf(crashAt) >= STEPS.indexOf('manifest-renamed');
        assert.equal(c.update, committed ? 20 : 10, `crash at ${crashAt} #${occurrence}`);
        assert.deepEqual(Array.from(c.blobs['model']!), committed ? [20, 20, 20] : [10, 10]);
        assert.deepEqual(c.meta, { u: committed ? 20 : 10 });
        // the next write succeeds and sweeps the leftovers
        writeCheckpoint(dir, 'r', 30, { model: bytes(30) }, { u: 30 });
        assert.equal(readCheckpoint(dir, 'r')!.update, 30);
        assert.equal(readdirSync(checkpointDir(dir, 'r')).length, 2);
      } finally {
        cleanup();
      }
    }
  }
});

test('a corrupt or incomplete checkpoint gives an error naming the file', () => {
  const { dir, cleanup } = tempDir();
  try {
    writeCheckpoint(dir, 'r', 5, { model: bytes(1, 2, 3, 4), rng: bytes(7) }, {});
    const runDir = checkpointDir(dir, 'r');
    const gen = readdirSync(runDir).find((e) => e.startsWith('u'))!;
    const model = join(runDir, gen, 'model.bin');

    writeFileSync(model, bytes(1, 2, 3, 5)); // same length, one bit flipped
    assert.throws(
      () => readCheckpoint(dir, 'r'),
      (e: unknown) => e instanceof CheckpointError && e.file === model && e.message.includes(`checkpoint ${model} is corrupt: SHA-256`),
    );
    writeFileSync(model, bytes(1, 2, 3));
    assert.throws(() => readCheckpoint(dir, 'r'), new RegExp(`${model} is corrupt: 3 bytes, the manifest says 4`));
    writeFileSync(model, bytes(1, 2, 3, 4));
    assert.equal(readCheckpoint(dir, 'r')!.update, 5);

    const rng = join(runDir, gen, 'rng.bin');
    rmSync(rng);
    assert.throws(() => readCheckpoint(dir, 'r'), (e: unknown) => e instanceof CheckpointError && e.file === rng && /is missing/.test(e.message));

    const manifest = join(runDir, 'manifest.json');
    const text = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, text.slice(0, text.length / 2));
    assert.throws(() => readCheckpoint(dir, 'r'), (e: unknown) => e instanceof CheckpointError && e.file === manifest && /is corrupt: not valid JSON/.test(e.message));
    writeFileSync(manifest, text.replace('"run": "r"', '"run": "q"'));
    assert.throws(() => readCheckpoint(dir, 'r'), /belongs to run "q", not "r"/);
    writeFileSync(manifest, text.replace('"version": 2', '"version": 9'));
    assert.throws(() => readCheckpoint(dir, 'r'), /has manifest version 9; this glorot reads versions 1 and 2/);
  } finally {
    cleanup();
  }
});

test('what the manifest says is checked, each refusal naming the manifest and its field: the meta against its SHA-256, the update against its generation', () => {
  const { dir, cleanup } = tempDir();
  try {
    writeCheckpoint(dir, 'r', 500, { model: bytes(1, 2, 3, 4) }, { update: 500, stream: { images: 5000, rng: { words: [1, 2, 3, 4] } }, running: { loss: 0 } });
    const manifest = join(checkpointDir(dir, 'r'), 'manifest.json');
    const good = readFileSync(manifest, 'utf8');
    const m = JSON.parse(good) as Record<string, unknown> & { meta: Record<string, unknown>; blobs: Record<string, Record<string, unknown>> };
    assert.equal(m['version'], 2);
    assert.match(String(m['metaSha256']), /^[0-9a-f]{64}$/);
    const c = readCheckpoint(dir, 'r')!;
    assert.equal(c.manifest, manifest);
    assert.match(c.files['model']!, /u000000000500-[0-9a-f]{8}\/model\.bin$/);

    const refused = (edit: (m: Record<string, unknown> & { meta: Record<string, unknown>; blobs: Record<string, Record<string, unknown>> }) => void, field: string, message: RegExp): void => {
      const copy = JSON.parse(good) as typeof m;
      edit(copy);
      writeFileSync(manifest, JSON.stringify(copy, null, 2));
      assert.throws(
        () => readCheckpoint(dir, 'r'),
        (e: unknown) => e instanceof CheckpointError && e.file === manifest && e.field === field && message.test(e.message),
        field,
      );
    };
    // each part of the meta is covered by its SHA-256: a counter, a stream state, a running sum
    refused((x) => (x.meta['update'] = 2000), 'meta', /is corrupt: meta: SHA-256 [0-9a-f]{64}, the manifest's metaSha256 says/);
    refused((x) => ((x.meta['stream'] as { rng: { words: number[] } }).rng.words = [0, 0, 0, 0]), 'meta', /metaSha256/);
    refused((x) => ((x.meta['running'] as { loss: number }).loss = 1), 'meta', /metaSha256/);
    refused((x) => delete x['metaSha256'], 'metaSha256', /metaSha256: expected a SHA-256, found undefined/);
    refused((x) => (x['update'] = 2000), 'update', /update: generation u000000000500-[0-9a-f]{8} was written at update 500, the manifest says 2000/);
    refused((x) => (x['dir'] = '../../elsewhere'), 'dir', /dir: expected u<12 digits>-<8 hex>, found "\.\.\/\.\.\/elsewhere"/);
    refused((x) => (x.blobs['model']!['bytes'] = -4), 'blobs.model', /blobs\.model: expected \{file: "model\.bin", bytes, sha256\}/);
    refused((x) => (x.blobs['model']!['sha256'] = 'abc'), 'blobs.model', /blobs\.model/);
    refused((x) => (x.meta = [] as unknown as Record<string, unknown>), 'meta', /meta: expected an object/);

    // a version-1 manifest (before metaSha256) is still read: its meta is checked by the trainer against the record
    const v1 = JSON.parse(good) as typeof m;
    v1['version'] = 1;
    delete v1['metaSha256'];
    writeFileSync(manifest, JSON.stringify(v1, null, 2));
    assert.equal(readCheckpoint(dir, 'r')!.update, 500);
  } finally {
    cleanup();
  }
});
