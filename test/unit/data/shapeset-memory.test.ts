// Its own file (so its own process under `node --test`): the measurement sees no other test's buffers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDataset } from '../../../src/data/dataset.ts';

test('shapeset: opening 2 × 10,000 evaluation images takes well under the 82 MB of float32 (8-bit pixels, issue 6)', async (t) => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const ds = await openDataset('shapeset', { validationSize: 10_000, testSize: 10_000 });
  const after = process.memoryUsage();
  const grown = after.arrayBuffers - before.arrayBuffers;
  t.diagnostic(
    `arrayBuffers +${(grown / 1e6).toFixed(1)} MB, rss +${((after.rss - before.rss) / 1e6).toFixed(1)} MB ` +
      `(float32 would be ${((2 * 10_000 * 1024 * 4) / 1e6).toFixed(1)} MB)`,
  );
  assert.deepEqual([ds.validation.n, ds.test.n], [10_000, 10_000]);
  assert.ok(grown < 30e6, `arrayBuffers grew by ${grown} bytes; expected < 30 MB (2 × 10,000 × 1024 bytes ≈ 20.5 MB)`);
});
