/**
 * What stands at `<outDir>/glorot.sqlite` when it is not a regular file: a FIFO (SQLite's open of it
 * blocked forever: `glorot serve` hung at start, and a running server whose record was replaced by
 * one froze), a directory ("disk I/O error", naming nothing). Every open, read-only or not, refuses
 * it before SQLite touches it, naming the file and what it is.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openRunStore, RunStoreError } from '../../../src/store/index.ts';
import { tempDir } from '../../helpers/store.ts';

const KINDS: Array<[string, (file: string) => void, RegExp]> = [
  ['a FIFO', (f) => assert.equal(spawnSync('mkfifo', [f]).status, 0, 'mkfifo'), /is a named pipe \(FIFO\), not a regular file/],
  ['a directory', (f) => mkdirSync(f), /is a directory/],
];

for (const [kind, make, what] of KINDS) {
  test(`${kind} at glorot.sqlite: every open refuses it at once, naming the file`, (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const file = join(dir, 'glorot.sqlite');
    make(file);
    for (const readonly of [true, false]) {
      const t0 = performance.now();
      assert.throws(
        () => openRunStore(dir, { readonly }),
        (e: unknown) =>
          e instanceof RunStoreError && e.code === 'NOT_A_RUN_RECORD' && e.field === 'outDir' && e.message.startsWith(`${file} is `) &&
          what.test(e.message) && /a run record is a regular SQLite file/.test(e.message),
        `readonly ${readonly}`,
      );
      assert.ok(performance.now() - t0 < 2000, 'refused before any open');
    }
    rmSync(file, { recursive: true });
  });
}

test('an output directory named file:… is a directory, never a SQLite URI (URIs are on for immutable reads)', (t) => {
  const { dir, cleanup } = tempDir();
  const cwd = process.cwd();
  t.after(() => {
    process.chdir(cwd);
    cleanup();
  });
  process.chdir(dir);
  const w = openRunStore('file:rec?mode=memory');
  w.createRun({ id: 'r', config: { hidden: [2] }, seed: 1, backend: 'reference', threads: 1 });
  w.close();
  assert.ok(existsSync(join(dir, 'file:rec?mode=memory', 'glorot.sqlite')), 'the record is a file in that directory');
  const r = openRunStore('file:rec?mode=memory', { readonly: true });
  assert.deepEqual(r.listRuns().map((x) => x.id), ['r']);
  r.close();
});
