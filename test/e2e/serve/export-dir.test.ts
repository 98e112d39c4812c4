/**
 * Where `glorot serve --export` may write (issue 11 attack, findings 4 and 8 and the merged export):
 * never into or over the dashboard's own web app (a snapshot written over build/web turned every
 * later live server into that snapshot), never merged into a directory holding other files (an
 * earlier snapshot is written over), and a directory that cannot be written is named with the
 * option, not as a raw EACCES on a temporary file's name. Nothing is written when it is refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exportSnapshot } from '../../../src/serve/index.ts';
import { openRunStore, RunStoreError } from '../../../src/store/index.ts';
import { BIN, tempDir } from '../../helpers/serve.ts';

const root = tempDir();
const out = join(root, 'out');
const web = join(root, 'build', 'web');
before(() => {
  chmodSync(root, 0o755); // the other user of the last test must reach the record
  const w = openRunStore(out);
  w.createRun({ id: 'r', config: { hidden: [2], activation: 'tanh' }, seed: 1, backend: 'reference', threads: 1 });
  w.close();
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(web, 'assets', 'app.js'), 'export {}');
});
after(() => rmSync(root, { recursive: true, force: true }));

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

test('into the web app\'s directory, inside it or over it: refused naming both, nothing written', () => {
  const before = tree(join(root, 'build'));
  for (const target of [web, join(web, 'snap'), join(web, 'assets'), join(root, 'build'), join(web, '..', 'web', '.')]) {
    assert.throws(
      () => exportSnapshot({ outDir: out, exportDir: target, webDir: web }),
      (e: unknown) => e instanceof RunStoreError && e.field === 'exportDir' &&
        e.message.startsWith(`refusing to write the snapshot to ${target}: it `) && e.message.includes(`the dashboard's own web app ${web}`),
      target,
    );
  }
  assert.deepEqual(tree(join(root, 'build')), before);
});

test('a directory holding other files is refused; an earlier snapshot is written over', () => {
  const mine = join(root, 'mine');
  mkdirSync(mine);
  writeFileSync(join(mine, 'index.html'), 'my own page');
  const r = spawnSync(process.execPath, [BIN, 'serve', '--out', out, '--export', mine], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, `glorot: --export: refusing to write the snapshot into ${mine}: it is not empty (1 entry) and holds no earlier ` +
    'snapshot (no data.js a snapshot wrote); choose an empty or new directory, so no file of yours is overwritten or mixed with the snapshot\n');
  assert.equal(readFileSync(join(mine, 'index.html'), 'utf8'), 'my own page');
  const snap = join(root, 'snap');
  for (let i = 0; i < 2; i++) {
    const again = spawnSync(process.execPath, [BIN, 'serve', '--out', out, '--export', snap], { encoding: 'utf8' });
    assert.equal(again.status, 0, again.stderr);
  }
  assert.ok(tree(snap).includes('data.js'));
});

test('a directory this user cannot write: refused naming --export and the directory', () => {
  const locked = join(root, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o555);
  // permissions do not bind root: as root, the export runs as nobody
  const node = [process.execPath, BIN, 'serve', '--out', out, '--export', locked];
  const cmd = process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...node] : node;
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..', '..') });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, `glorot: --export: cannot write the snapshot into ${locked}: this user may not create files there (EACCES)\n`);
  assert.deepEqual(readdirSync(locked), []);
});
