/**
 * A run id read from the record passes the rule an id from the command line passes (issue 15, item
 * 6): a record changed outside glorot to hold `../../evil` must not lead an export, a checkpoint or a
 * model file out of the output directory. Every reader refuses such a record, naming the file and
 * the id; every path helper refuses such an id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { checkpointDir } from '../../../src/store/checkpoint.ts';
import { RunStoreError } from '../../../src/store/errors.ts';
import { databasePath, defaultCsvDir, defaultTensorboardDir } from '../../../src/store/paths.ts';
import { openRunStore } from '../../../src/store/runStore.ts';
import { tempDir } from '../../helpers/store.ts';

/** Ids glorot never writes: paths out of the directory, hidden names, controls, too long. */
export const TAMPERED_IDS: readonly string[] = [
  '../../evil', '..', '/etc/passwd', 'a/b', 'a\\b', '.hidden', '', ' ', 'UPPER', 'has space', '-dash',
  'x\u001b]0;pwned\u0007', 'nul\u0000', 'line\nbreak', 'a'.repeat(65), 'é',
];

test(`a record holding an invalid run id is refused by every reader, naming the file and the id (${TAMPERED_IDS.length} ids)`, () => {
  const { dir, cleanup } = tempDir();
  try {
    const w = openRunStore(dir);
    w.createRun({ id: 'good', config: { activation: 'tanh' }, seed: 1, backend: 'reference', threads: 1 });
    w.close();
    let previous = 'good';
    for (const id of TAMPERED_IDS) {
      const db = new Database(databasePath(dir));
      db.prepare('UPDATE runs SET id = ? WHERE id = ?').run(id, previous);
      db.close();
      previous = id;
      const store = openRunStore(dir, { readonly: true });
      try {
        const refused = (e: unknown): boolean =>
          e instanceof RunStoreError && e.code === 'CORRUPT' && e.message.startsWith(`${databasePath(dir)} holds the run id `) && /glorot will not use it$/.test(e.message);
        assert.throws(() => store.listRuns(), refused, `listRuns with ${JSON.stringify(id)}`);
        assert.throws(() => store.getRun(id), refused, `getRun(${JSON.stringify(id)})`);
      } finally {
        store.close();
      }
    }
  } finally {
    cleanup();
  }
});

test(`every path made from a run id refuses an invalid one before joining it (${TAMPERED_IDS.length} ids × 3 paths)`, () => {
  for (const id of TAMPERED_IDS) {
    for (const [what, f] of [['csv', defaultCsvDir], ['tensorboard', defaultTensorboardDir], ['checkpoint', checkpointDir]] as const) {
      assert.throws(() => f('out', id), (e: unknown) => e instanceof RunStoreError && e.code === 'INVALID' && /^invalid run id /.test(e.message), `${what} ${JSON.stringify(id)}`);
    }
  }
  assert.equal(defaultCsvDir('out', 'r-1'), join('out', 'csv', 'r-1'));
});
