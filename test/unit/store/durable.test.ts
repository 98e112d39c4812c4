import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fsyncPath, writeFileAtomic, writeNewFileDurably } from '../../../src/store/durable.ts';

test('writeFileAtomic replaces the file, and a failed rename leaves neither a temporary file nor a changed target', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-atomic-'));
  try {
    const file = join(dir, 'model.bin');
    writeFileAtomic(file, 'first');
    writeFileAtomic(file, Uint8Array.of(1, 2, 3));
    assert.deepEqual([...readFileSync(file)], [1, 2, 3]);
    // a non-empty directory where the file should go: the rename fails (EISDIR/ENOTEMPTY)
    const blocked = join(dir, 'blocked');
    mkdirSync(blocked);
    writeFileSync(join(blocked, 'keep'), 'x');
    assert.throws(() => writeFileAtomic(blocked, 'data'), /EISDIR|ENOTEMPTY|EEXIST|illegal operation/);
    assert.deepEqual(readdirSync(dir).sort(), ['blocked', 'model.bin'], 'no .blocked.<pid>.tmp left behind');
    assert.deepEqual(readdirSync(blocked), ['keep']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeFileAtomic overwrites a temporary left by a killed process of the same pid; writeNewFileDurably never replaces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-durable-'));
  try {
    const file = join(dir, 'manifest.json');
    const stale = join(dir, `.manifest.json.${process.pid}.tmp`);
    writeFileSync(stale, 'half a file from a crash');
    writeFileAtomic(file, '{"ok":true}');
    assert.equal(readFileSync(file, 'utf8'), '{"ok":true}');
    assert.deepEqual(readdirSync(dir), ['manifest.json'], 'the stale temporary became the file');
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    writeNewFileDurably(join(dir, 'blob.bin'), big);
    assert.ok(readFileSync(join(dir, 'blob.bin')).equals(Buffer.from(big)), 'every byte written');
    assert.throws(() => writeNewFileDurably(join(dir, 'blob.bin'), Uint8Array.of(1)), /EEXIST/);
    assert.equal(readFileSync(join(dir, 'blob.bin')).length, big.length, 'the existing file is untouched');
    fsyncPath(dir);
    assert.throws(() => fsyncPath(join(dir, 'missing')), /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('durable writing has one implementation: no fsync or write loop outside src/store/durable.ts', () => {
  const offenders: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, name.name);
      if (name.isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith(join('store', 'durable.ts')) && /\bfsyncSync\b|\bfsync\(|off \+= writeSync/.test(readFileSync(p, 'utf8'))) offenders.push(p);
    }
  };
  walk(join(import.meta.dirname, '..', '..', '..', 'src'));
  assert.deepEqual(offenders, []);
});
