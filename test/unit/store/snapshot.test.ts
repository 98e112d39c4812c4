import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { checkpointDir, readCheckpoint, writeCheckpoint } from '../../../src/store/checkpoint.ts';
import { openRunStore } from '../../../src/store/runStore.ts';
import { snapshotOutDir, type SnapshotSummary } from '../../../src/store/snapshot.ts';
import { syntheticPoint, tempDir } from '../../helpers/store.ts';

/**
 * An output directory with three runs — `done` (finished), `mid` and `fresh` (interrupted, each with
 * a checkpoint) — a lock file, a model temporary, an experiment file. Returns the still-open writer:
 * its last probe point sits in the WAL, not yet in glorot.sqlite.
 */
function outDir(dir: string): ReturnType<typeof openRunStore> {
  const store = openRunStore(dir);
  for (const id of ['done', 'mid', 'fresh']) store.createRun({ id, config: { activation: 'tanh' }, seed: 1, backend: 'reference', threads: 1 });
  for (let u = 0; u <= 30; u += 10) store.recordProbePoint('mid', u, syntheticPoint(u));
  store.recordProbePoint('done', 0, syntheticPoint(0));
  store.setStatus('done', 'finished');
  store.setStatus('mid', 'interrupted');
  store.setStatus('fresh', 'interrupted');
  writeCheckpoint(dir, 'mid', 30, { model: Uint8Array.from([1, 2, 3, 4]) }, { update: 30 });
  writeCheckpoint(dir, 'fresh', 0, { model: Uint8Array.from([9]) }, {});
  writeCheckpoint(dir, 'done', 0, { model: Uint8Array.from([7, 7]) }, {});
  mkdirSync(join(dir, 'locks'));
  writeFileSync(join(dir, 'locks', 'mid.lock'), '12345');
  mkdirSync(join(dir, 'experiments'));
  writeFileSync(join(dir, 'experiments', 'e.json'), '{"name":"e"}');
  mkdirSync(join(dir, 'models'));
  writeFileSync(join(dir, 'models', 'done.safetensors'), 'weights');
  writeFileSync(join(dir, 'models', '.mid.safetensors.999.tmp'), 'torn');
  return store;
}

test('a snapshot holds the WAL-resident records, the unfinished runs\' checkpoints (verified), no locks, no temporaries', () => {
  const { dir, cleanup } = tempDir();
  try {
    const src = join(dir, 'src');
    const dest = join(dir, 'dest');
    const writer = outDir(src);
    try {
      assert.ok(existsSync(join(src, 'glorot.sqlite-wal')), 'the fixture keeps recent records in the WAL');
      const s = snapshotOutDir(src, dest, { checkpoints: 'unfinished', models: true });
      assert.deepEqual(readdirSync(dest).sort(), ['SNAPSHOT.json', 'checkpoints', 'experiments', 'glorot.sqlite', 'models']);
      assert.deepEqual(readdirSync(join(dest, 'checkpoints')).sort(), ['fresh', 'mid']);
      assert.deepEqual(readdirSync(join(dest, 'models')), ['done.safetensors']);
      assert.deepEqual(Array.from(readCheckpoint(dest, 'mid')!.blobs['model']!), [1, 2, 3, 4]);
      assert.equal(readCheckpoint(dest, 'done'), null);
      const copy = openRunStore(dest, { readonly: true });
      try {
        assert.equal(copy.getRun('mid').lastUpdate, 30);
        assert.deepEqual(copy.readProbePoint('mid', 30), writer.readProbePoint('mid', 30));
      } finally {
        copy.close();
      }
      const byRun = new Map(s.runs.map((r) => [r.run, r]));
      assert.equal(byRun.get('mid')!.checkpointUpdate, 30);
      assert.equal(byRun.get('mid')!.checkpointBytes, 4);
      assert.equal(byRun.get('done')!.checkpointUpdate, null);
      assert.equal(s.totalBytes, s.recordBytes + s.checkpointBytes + s.otherBytes);
      const onDisk = JSON.parse(readFileSync(join(dest, 'SNAPSHOT.json'), 'utf8')) as SnapshotSummary;
      assert.deepEqual(onDisk, s);
    } finally {
      writer.close();
    }
  } finally {
    cleanup();
  }
});

test('a snapshot replaces an earlier one entry by entry and keeps files written beside it', () => {
  const { dir, cleanup } = tempDir();
  try {
    const src = join(dir, 'src');
    const dest = join(dir, 'dest');
    outDir(src).close();
    snapshotOutDir(src, dest, { checkpoints: 'unfinished', models: true });
    writeFileSync(join(dest, 'README.md'), '# results');
    const s = snapshotOutDir(src, dest, { checkpoints: ['mid'], models: false });
    assert.deepEqual(readdirSync(dest).sort(), ['README.md', 'SNAPSHOT.json', 'checkpoints', 'experiments', 'glorot.sqlite']);
    assert.deepEqual(readdirSync(join(dest, 'checkpoints')), ['mid']);
    assert.equal(readFileSync(join(dest, 'README.md'), 'utf8'), '# results');
    assert.deepEqual(s.runs.filter((r) => r.checkpointUpdate !== null).map((r) => r.run), ['mid']);
    assert.deepEqual(readdirSync(dir).sort(), ['dest', 'src'], 'no temporary directory is left beside the snapshot');
    snapshotOutDir(src, dest, { checkpoints: 'none', models: false });
    assert.deepEqual(readdirSync(join(dest, 'checkpoints')), []);
  } finally {
    cleanup();
  }
});

test('bad destinations, unknown runs and a size over the limit are refused before anything is written', () => {
  const { dir, cleanup } = tempDir();
  try {
    const src = join(dir, 'src');
    outDir(src).close();
    const refused = (dest: string, field: string, pattern: RegExp, options = {}): void => {
      assert.throws(
        () => snapshotOutDir(src, dest, { checkpoints: 'unfinished', models: false, ...options }),
        (e: unknown) => e instanceof InvalidInputError && e.field === field && pattern.test(e.message),
      );
    };
    refused(join(src, 'inside'), 'snapshotDir', /outside/);
    refused(dir, 'snapshotDir', /outside/);
    mkdirSync(join(dir, 'busy'));
    writeFileSync(join(dir, 'busy', 'notes.txt'), 'mine');
    refused(join(dir, 'busy'), 'snapshotDir', /empty directory or an earlier snapshot.*notes\.txt/);
    writeFileSync(join(dir, 'afile'), '');
    refused(join(dir, 'afile'), 'snapshotDir', /a directory/);
    refused(join(dir, 'd1'), 'checkpoints', /found: nope|nope/, { checkpoints: ['mid', 'nope'] });
    refused(join(dir, 'd2'), 'maxMegabytes', /at least the snapshot's size, \d+\.\d MB .*2 checkpoints/, { maxMegabytes: 0.000001 });
    assert.equal(existsSync(join(dir, 'd1')) || existsSync(join(dir, 'd2')), false);
    assert.deepEqual(readdirSync(join(dir, 'busy')), ['notes.txt']);
    assert.ok(existsSync(checkpointDir(src, 'mid')));
  } finally {
    cleanup();
  }
});
