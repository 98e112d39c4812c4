import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/store/durable.ts';

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
