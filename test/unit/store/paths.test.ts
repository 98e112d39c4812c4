/**
 * ensureDir: every directory glorot creates under a path the user chose is made one component at a
 * time. Node 20's mkdirSync(p, {recursive: true}) loops forever at 100% CPU, deaf to SIGINT/SIGTERM,
 * where mkdir fails with ENOENT under an existing parent (e.g. --out /proc/glorot).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureDir, RunStoreError } from '../../../src/store/index.ts';
import { tempDir } from '../../helpers/store.ts';

test('ensureDir: creates every missing component, accepts an existing directory, names a file in the way', () => {
  const { dir, cleanup } = tempDir();
  try {
    const deep = join(dir, 'a', 'b', 'c');
    assert.equal(ensureDir(deep, 'the test directory'), deep);
    assert.ok(statSync(deep).isDirectory());
    assert.equal(ensureDir(deep, 'the test directory'), deep, 'an existing directory is fine');
    assert.equal(ensureDir(`${deep}/`, 'the test directory'), `${deep}/`);
    const file = join(dir, 'a', 'file');
    writeFileSync(file, 'x');
    for (const target of [file, join(file, 'sub'), join(file, 'sub', 'deeper')]) {
      assert.throws(
        () => ensureDir(target, 'the models directory (in the output directory)', 'outDir'),
        (e: unknown) =>
          e instanceof RunStoreError &&
          e.code === 'UNWRITABLE' &&
          e.message === `cannot create the models directory (in the output directory) ${target}: ${file} is a file, not a directory` &&
          e.field === 'outDir',
      );
    }
    assert.equal(existsSync(join(file, 'sub')), false);
  } finally {
    cleanup();
  }
});

/** Source files allowed to call mkdirSync recursively: none (Node 20's recursive mkdir spins forever under /proc). */
const RECURSIVE_MKDIR_ALLOWED = new Set<string>();

test('no source file outside the known exceptions calls mkdirSync with recursive: true (use ensureDir)', () => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ts$/.test(name)) {
        const code = readFileSync(p, 'utf8')
          .split('\n')
          .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)); // comments may name the trap
        if (code.some((line) => /mkdirSync\([^)]*recursive:\s*true/.test(line))) offenders.push(relative('.', p));
      }
    }
  };
  walk('src');
  assert.deepEqual(offenders.filter((f) => !RECURSIVE_MKDIR_ALLOWED.has(f)), []);
});
