/** Training segments: which backend and thread count trained which updates of a resumed run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { databasePath, formatSegments, openRunStore, RunStoreError, runSegments, SEGMENTS_KEY } from '../../../src/store/index.ts';
import { tempDir } from '../../helpers/store.ts';

test('continueRun: columns name the latest segment, versions.segments lists them all while there is more than one', () => {
  const { dir, cleanup } = tempDir();
  const store = openRunStore(dir);
  try {
    const created = store.createRun({ id: 'r', config: {}, seed: 1, backend: 'native', threads: 1, versions: { backend: 'OpenBLAS Haswell' } });
    assert.deepEqual(runSegments(created), [{ from: 0, backend: 'native', threads: 1 }]);
    // resumed on the same backend and threads: nothing to record
    const same = store.continueRun('r', 100, 'native', 1, { backend: 'OpenBLAS Haswell' });
    assert.equal(same.run.versions[SEGMENTS_KEY], undefined);
    assert.deepEqual(same.previous, { from: 0, backend: 'native', threads: 1 });
    // another backend from update 157, then other threads from 300
    const wasm = store.continueRun('r', 157, 'wasm', 2, { backend: 'wasm simd' });
    assert.deepEqual([wasm.run.backend, wasm.run.threads, wasm.run.versions['backend']], ['wasm', 2, 'wasm simd']);
    assert.equal(wasm.run.versions[SEGMENTS_KEY], 'from update 0: native, 1 thread; from update 157: wasm, 2 threads');
    assert.equal(wasm.run.versions['node'], process.versions.node, 'the other versions are kept');
    const threads = store.continueRun('r', 300, 'wasm', 1);
    assert.deepEqual(threads.previous, { from: 157, backend: 'wasm', threads: 2 });
    assert.deepEqual(runSegments(threads.run), [
      { from: 0, backend: 'native', threads: 1 },
      { from: 157, backend: 'wasm', threads: 2 },
      { from: 300, backend: 'wasm', threads: 1 },
    ]);
    // a resume from an older checkpoint drops the segments that started at or after it
    const back = store.continueRun('r', 157, 'native', 1);
    assert.deepEqual(back.previous, { from: 0, backend: 'native', threads: 1 });
    assert.equal(back.run.versions[SEGMENTS_KEY], undefined, 'one segment again: no list');
    assert.deepEqual([back.run.backend, back.run.threads], ['native', 1]);
    // a restart from update 0 on another backend: one segment, the new one
    store.continueRun('r', 157, 'wasm', 2);
    const restart = store.continueRun('r', 0, 'reference', 1);
    assert.equal(restart.previous, null);
    assert.deepEqual(runSegments(restart.run), [{ from: 0, backend: 'reference', threads: 1 }]);
    assert.equal(restart.run.versions[SEGMENTS_KEY], undefined);
    // stored: a fresh reader sees the same
    store.continueRun('r', 50, 'wasm', 2);
    const reader = openRunStore(dir, { readonly: true });
    assert.equal(reader.getRun('r').versions[SEGMENTS_KEY], 'from update 0: reference, 1 thread; from update 50: wasm, 2 threads');
    reader.close();
  } finally {
    store.close();
    cleanup();
  }
});

test('continueRun and runSegments refuse bad input by name', () => {
  const { dir, cleanup } = tempDir();
  const store = openRunStore(dir);
  try {
    store.createRun({ id: 'r', config: {}, seed: 1, backend: 'native', threads: 1 });
    const invalid = (re: RegExp) => (e: unknown) => e instanceof RunStoreError && e.code === 'INVALID' && re.test(e.message);
    assert.throws(() => store.continueRun('r', -1, 'wasm', 1), invalid(/resume update/));
    assert.throws(() => store.continueRun('r', 1, 'wasm', 0), invalid(/threads/));
    assert.throws(() => store.continueRun('r', 1, 'my backend', 1), invalid(/backend must be a name without spaces or ";", found "my backend"/));
    assert.throws(() => store.continueRun('nope', 1, 'wasm', 1), (e: unknown) => e instanceof RunStoreError && e.code === 'UNKNOWN_RUN');
    const db = new Database(databasePath(dir));
    db.prepare(`UPDATE runs SET versions = json_set(versions, '$.segments', 'native from 0') WHERE id = 'r'`).run();
    db.close();
    assert.throws(
      () => runSegments(store.getRun('r')),
      invalid(/^run r: versions\.segments entry "native from 0" is not of the form "from update <n>: <backend>, <k> threads"$/),
    );
    assert.throws(() => store.continueRun('r', 5, 'wasm', 1), invalid(/versions\.segments entry/));
    assert.equal(formatSegments([{ from: 0, backend: 'a', threads: 1 }, { from: 9, backend: 'b', threads: 3 }]), 'from update 0: a, 1 thread; from update 9: b, 3 threads');
  } finally {
    store.close();
    cleanup();
  }
});
