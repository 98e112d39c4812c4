/** Checkpoints survive a writer killed at random moments (child processes; split from test/unit/store/checkpoint.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { checkpointDir, readCheckpoint } from '../../../src/store/checkpoint.ts';
import { tempDir } from '../../helpers/store.ts';
import { blobsFor } from './fixtures/checkpointWriter.ts';

test('a writer killed (SIGKILL) at random moments always leaves a valid, consistent checkpoint', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const fixture = fileURLToPath(new URL('./fixtures/checkpointWriter.ts', import.meta.url));
    let start = 0;
    const updates: number[] = [];
    // at least 6 kills, and more while the writer has not got past a few checkpoints: on a loaded
    // machine one 10–160 ms window may hold a single write (full test suite, load ≈ 10 on 2 cores)
    for (let round = 0; round < 6 || (start <= 6 && round < 30); round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, String(start)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => (out += d));
      while (!out.includes('ready')) {
        if (child.exitCode !== null) throw new Error('checkpoint writer exited early');
        await sleep(5);
      }
      await sleep(10 + Math.random() * 150);
      child.kill('SIGKILL');
      await once(child, 'exit');
      const c = readCheckpoint(dir, 'crash'); // verifies every SHA-256
      assert.ok(c !== null);
      assert.ok(c.update >= start, `round ${round}: update ${c.update} < ${start}`);
      const want = blobsFor(c.update);
      assert.deepEqual(c.meta, { u: c.update });
      assert.deepEqual(Buffer.from(c.blobs['state']!), Buffer.from(want['state']!));
      assert.ok(Buffer.from(c.blobs['model']!).equals(Buffer.from(want['model']!)), `round ${round}: model blob of update ${c.update} is not its own`);
      updates.push(c.update);
      start = c.update + 1;
    }
    assert.ok(updates.at(-1)! > 6, `the writer made little progress: ${JSON.stringify(updates)}`);
    assert.ok(existsSync(join(checkpointDir(dir, 'crash'), 'manifest.json')));
  } finally {
    cleanup();
  }
});
