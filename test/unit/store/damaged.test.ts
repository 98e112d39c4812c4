/**
 * A damaged run record is never read silently and never reported without its file (issue 15, item
 * 8): a readonly open runs SQLite's quick_check and names the file and what SQLite found; a query
 * that meets a damaged page (a writable open, which skips the check) names the file too. Each case
 * damages one structure of a real record: a leaf page of a table or an index, the runs table, the
 * header, the end of the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, openSync, closeSync, writeSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { RunStoreError } from '../../../src/store/errors.ts';
import { databasePath } from '../../../src/store/paths.ts';
import { openRunStore } from '../../../src/store/runStore.ts';
import { syntheticPoint, tempDir } from '../../helpers/store.ts';

/** A record of one run with 40 probe points, checkpointed into the main file. */
function writeRecord(dir: string): void {
  const w = openRunStore(dir);
  w.createRun({ id: 'r', config: { activation: 'tanh' }, seed: 1, backend: 'reference', threads: 1 });
  for (let u = 0; u < 40; u++) w.recordProbePoint('r', u * 10, syntheticPoint(u * 10));
  w.close();
  const db = new Database(databasePath(dir));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = DELETE');
  db.close();
}

/** Pages of `name` (a table or index) by type, from SQLite's dbstat. */
function pagesOf(file: string, name: string): { leaf: number[]; root: number } {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare('SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno').all(name) as { pageno: number; pagetype: string }[];
    const root = (db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').get(name) as { rootpage: number }).rootpage;
    return { leaf: rows.filter((r) => r.pagetype === 'leaf').map((r) => r.pageno), root };
  } finally {
    db.close();
  }
}

/** Overwrites `bytes` at `offset` of `file`. */
function overwrite(file: string, offset: number, bytes: Uint8Array): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

const PAGE = 4096;
const garbage = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);

/** Each damage: a name, and what it does to a copy of the record's file. */
const DAMAGES: ReadonlyArray<readonly [string, (file: string) => void]> = [
  ['a zeroed leaf page of scalars', (f) => overwrite(f, (pagesOf(f, 'scalars').leaf[3]! - 1) * PAGE, new Uint8Array(PAGE))],
  ['garbled cell pointers of a scalars page', (f) => overwrite(f, (pagesOf(f, 'scalars').leaf[3]! - 1) * PAGE + 8, garbage(40))],
  ['a zeroed leaf page of the scalars index', (f) => overwrite(f, (pagesOf(f, 'scalars_by_name').leaf[2]! - 1) * PAGE, new Uint8Array(PAGE))],
  ['a garbled leaf page of the histograms', (f) => overwrite(f, (pagesOf(f, 'histograms').leaf[1]! - 1) * PAGE + 8, garbage(64))],
  ['a zeroed runs page', (f) => overwrite(f, (pagesOf(f, 'runs').root - 1) * PAGE, new Uint8Array(PAGE))],
  ['the last pages cut off', (f) => truncateSync(f, statSync(f).size - 8 * PAGE)],
];

test(`a damaged record: a readonly open says so, naming the file (${DAMAGES.length} damages)`, () => {
  const { dir, cleanup } = tempDir();
  try {
    writeRecord(join(dir, 'good'));
    for (const [what, damage] of DAMAGES) {
      const out = join(dir, what.replace(/\W+/g, '-'));
      mkdirSync(out);
      const file = databasePath(out);
      copyFileSync(databasePath(join(dir, 'good')), file);
      damage(file);
      assert.throws(
        () => openRunStore(out, { readonly: true }).close(),
        (e: unknown) => e instanceof RunStoreError && e.code === 'CORRUPT' && e.message.startsWith(`${file} is damaged: `) && /cannot be trusted/.test(e.message),
        what,
      );
    }
    // the undamaged record opens, checked
    const ok = openRunStore(join(dir, 'good'), { readonly: true });
    assert.equal(ok.integrity.status, 'ok');
    assert.equal(ok.listRuns().length, 1);
    ok.close();
  } finally {
    cleanup();
  }
});

test('a query that meets a damaged page names the file (a writable open does not run the check)', () => {
  const { dir, cleanup } = tempDir();
  try {
    writeRecord(dir);
    const file = databasePath(dir);
    overwrite(file, (pagesOf(file, 'scalars_by_name').leaf[2]! - 1) * PAGE, new Uint8Array(PAGE));
    const store = openRunStore(dir);
    try {
      assert.equal(store.integrity.status, 'not-run');
      assert.throws(
        () => {
          for (const name of ['activation.mean', 'activation.std', 'weight.std'] as const) store.scalarSeries('r', name);
        },
        (e: unknown) => e instanceof RunStoreError && e.code === 'CORRUPT' && e.message.startsWith(`${file} is damaged: SQLite says "database disk image is malformed"`),
      );
    } finally {
      store.close();
    }
  } finally {
    cleanup();
  }
});
