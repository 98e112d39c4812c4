/**
 * A run record in a directory the reader cannot write (an archive, a read-only mount): SQLite cannot
 * create the WAL index (-shm) there, so a plain read-only open fails with SQLITE_READONLY_DIRECTORY.
 * The store reads such a record as an immutable file when no data waits in a -wal file, and
 * otherwise refuses with a message naming the file and what to do (src/store/open.ts).
 *
 * Directory permissions do not bind root, so when the tests run as root the reader is a child
 * process run as `nobody` (setpriv); as any other user the directory is made read-only for it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openRunStore } from '../../../src/store/index.ts';

const CHILD = join(import.meta.dirname, 'readonly-child.ts');
const asRoot = process.getuid?.() === 0;

/** Opens `dir`'s record read-only as a user who cannot write `dir`; returns what the child printed. */
function readAsOtherUser(dir: string): { mode?: string; runs?: string[]; error?: string; code?: string | null } {
  const node = [process.execPath, '--import', 'tsx', CHILD, dir];
  const cmd = asRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...node] : node;
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', timeout: 60_000, cwd: join(import.meta.dirname, '..', '..', '..') });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

/** A fresh record with runs `ids` in `<root>/out`, closed (so checkpointed: no -wal, no -shm). */
function makeRecord(ids: string[]): { root: string; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'glorot-rodir-'));
  chmodSync(root, 0o755); // mkdtemp makes it 0700: the other user must reach the record
  const out = join(root, 'out');
  const w = openRunStore(out);
  for (const id of ids) w.createRun({ id, config: { activation: 'tanh', hidden: [2] }, seed: 1, backend: 'reference', threads: 1 });
  w.close();
  return { root, out };
}

test('a record in a read-only directory is read as an immutable file, and the directory stays untouched', (t) => {
  const { root, out } = makeRecord(['a', 'b']);
  t.after(() => {
    chmodSync(out, 0o755);
    rmSync(root, { recursive: true, force: true });
  });
  assert.equal(existsSync(join(out, 'glorot.sqlite-shm')), false, 'a closed record leaves no -shm');
  chmodSync(join(out, 'glorot.sqlite'), 0o644);
  chmodSync(out, 0o555);
  const r = readAsOtherUser(out);
  assert.deepEqual(r, { mode: 'immutable', runs: ['a', 'b'] });
  assert.equal(existsSync(join(out, 'glorot.sqlite-shm')), false);
});

test('a record whose -wal holds data is refused in a read-only directory, naming the file and what to do', (t) => {
  const { root, out } = makeRecord(['a']);
  t.after(() => {
    chmodSync(out, 0o755);
    rmSync(root, { recursive: true, force: true });
  });
  // a writer killed before its checkpoint (its -wal kept as it was), then the -shm lost
  const w = new Database(join(out, 'glorot.sqlite'));
  w.pragma('wal_autocheckpoint = 0');
  w.exec("UPDATE runs SET status = 'failed' WHERE id = 'a'");
  const copy = spawnSync('cp', [join(out, 'glorot.sqlite-wal'), join(root, 'wal')]);
  assert.equal(copy.status, 0);
  w.close();
  spawnSync('cp', [join(root, 'wal'), join(out, 'glorot.sqlite-wal')]);
  rmSync(join(out, 'glorot.sqlite-shm'), { force: true });
  for (const f of ['glorot.sqlite', 'glorot.sqlite-wal']) chmodSync(join(out, f), 0o644);
  chmodSync(out, 0o555);
  const r = readAsOtherUser(out);
  assert.equal(r.code, 'UNWRITABLE');
  assert.match(r.error!, new RegExp(`cannot read ${join(out, 'glorot.sqlite').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: its directory cannot be written`));
  assert.match(r.error!, /glorot\.sqlite-wal holds \d+ bytes not yet in the database/);
  assert.match(r.error!, /Copy the output directory .* somewhere writable/);
});
