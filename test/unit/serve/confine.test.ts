/**
 * The files the server reads from the output directory (the record, the job's experiment files, the
 * run locks) never lead it out of that directory nor block it, and what it says about a bad file
 * names the file and what is wrong, never the file's content (the attack on glorot serve: a symlink
 * experiments/leak.json → /etc/passwd put "root:x:0:0" in /api/job's warnings and in the snapshot).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openRunStore, RunStoreError, runLockPath } from '../../../src/store/index.ts';
import { buildJobView } from '../../../src/serve/job.ts';
import { RecordSource } from '../../../src/serve/record.ts';
import { readRunLock } from '../../../src/serve/summary.ts';
import { tempDir } from '../../helpers/serve.ts';

/** A secret outside the output directory, and an output directory with a record. */
function setUp(t: { after: (f: () => void) => void }): { root: string; out: string; secret: string } {
  const root = tempDir();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const secret = join(root, 'secret.json');
  writeFileSync(secret, '{"name": "SECRET-root:x:0:0", "base": {"hidden": "SECRET-2"}}');
  const out = join(root, 'out');
  const w = openRunStore(out);
  w.createRun({ id: 'r', config: { activation: 'tanh', hidden: [2] }, seed: 1, backend: 'reference', threads: 1, status: 'running' });
  w.close();
  mkdirSync(join(out, 'experiments'));
  return { root, out, secret };
}

test('/api/job: an experiment file that leads out of the output directory, or is no regular file, is named and not read', (t) => {
  const { out, secret } = setUp(t);
  const exp = join(out, 'experiments');
  symlinkSync(secret, join(exp, 'leak.json'));
  symlinkSync('/etc/passwd', join(exp, 'passwd.json'));
  assert.equal(spawnSync('mkfifo', [join(exp, 'fifo.json')]).status, 0);
  const store = openRunStore(out, { readonly: true });
  t.after(() => store.close());
  const t0 = performance.now();
  const view = buildJobView(store, out);
  const warnings = view.warnings ?? [];
  assert.ok(performance.now() - t0 < 2000, 'a FIFO is not opened');
  const text = JSON.stringify(view);
  assert.doesNotMatch(text, /SECRET|root:/, 'nothing of the files is shown');
  assert.equal(warnings.length, 3);
  assert.match(warnings.find((w) => w.includes('leak.json'))!, /leak\.json is not read: an experiment file must lie inside the output directory .*symbolic link leading out of it/);
  assert.match(warnings.find((w) => w.includes('passwd.json'))!, /passwd\.json is not read: .*leading out of it \(to \/etc\/passwd\)/);
  assert.match(warnings.find((w) => w.includes('fifo.json'))!, /fifo\.json cannot be read as an experiment file: it is a named pipe \(FIFO\)/);
});

test('/api/job: an invalid experiment file inside the output directory is named with its fields, never its values or text', (t) => {
  const { out } = setUp(t);
  const exp = join(out, 'experiments');
  writeFileSync(join(exp, 'bad-json.json'), 'SECRET-1 not json');
  writeFileSync(join(exp, 'bad-field.json'), JSON.stringify({ name: 'e', base: { hidden: 'SECRET-2' }, variants: [{ label: 'SECRET-3' }] }));
  const store = openRunStore(out, { readonly: true });
  t.after(() => store.close());
  const view = buildJobView(store, out);
  const warnings = view.warnings ?? [];
  assert.doesNotMatch(JSON.stringify(view), /SECRET/);
  assert.equal(warnings.length, 2);
  assert.match(warnings.find((w) => w.includes('bad-json.json'))!, /bad-json\.json is not a valid experiment \(the file: expected JSON \(an experiment\)\); the values found are not shown here/);
  assert.match(warnings.find((w) => w.includes('bad-field.json'))!, /bad-field\.json is not a valid experiment \(.*expected .*\); the values found are not shown here/);
});

test('a run lock that leads out of the output directory or is a FIFO counts as none, without reading it', (t) => {
  const { root, out } = setUp(t);
  const lock = runLockPath(out, 'r');
  mkdirSync(join(out, 'locks'), { recursive: true });
  const other = join(root, 'other.lock');
  writeFileSync(other, JSON.stringify({ pid: process.pid, command: 'SECRET', since: 'x' }));
  symlinkSync(other, lock);
  assert.equal(readRunLock(out, 'r'), 'none');
  rmSync(lock);
  assert.equal(spawnSync('mkfifo', [lock]).status, 0);
  assert.equal(readRunLock(out, 'r'), 'none');
  rmSync(lock);
  writeFileSync(lock, JSON.stringify({ pid: process.pid, command: 'glorot train' }));
  assert.notEqual(readRunLock(out, 'r'), 'none', 'a lock inside the directory is read');
});

test('the record: a symlink leading out is refused at start; replaced by a FIFO under a running server, it is named at once', (t) => {
  const { root, out } = setUp(t);
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(elsewhere);
  renameSync(join(out, 'glorot.sqlite'), join(elsewhere, 'glorot.sqlite'));
  symlinkSync(join(elsewhere, 'glorot.sqlite'), join(out, 'glorot.sqlite'));
  assert.throws(() => new RecordSource(out), (e: unknown) => e instanceof RunStoreError && e.code === 'INVALID' &&
    e.message.startsWith(`${join(out, 'glorot.sqlite')} is not read: the run record must lie inside the output directory`));
  rmSync(join(out, 'glorot.sqlite'));
  renameSync(join(elsewhere, 'glorot.sqlite'), join(out, 'glorot.sqlite'));
  // an output directory reached through a symlink is fine: both sides are resolved
  symlinkSync(out, join(root, 'link'));
  new RecordSource(join(root, 'link')).close();

  const source = new RecordSource(out);
  t.after(() => source.close());
  assert.equal(source.get().listRuns().length, 1);
  rmSync(join(out, 'glorot.sqlite'));
  assert.equal(spawnSync('mkfifo', [join(out, 'glorot.sqlite')]).status, 0);
  const t0 = performance.now();
  assert.equal(source.checkFile(), true, 'the file changed');
  assert.ok(performance.now() - t0 < 2000, 'the FIFO is not opened');
  assert.match(source.error!, new RegExp(`^${join(out, 'glorot.sqlite').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a named pipe \\(FIFO\\)`));
  assert.throws(() => source.get(), (e: unknown) => (e as { status?: number }).status === 503);
});
