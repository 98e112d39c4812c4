/** The wasm backend in a child process: its kernel workers never keep the process alive (split from test/unit/kernels/wasm.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWasmBackend } from '../../../src/kernels/wasm/index.ts';

test('wasm: use after dispose throws; a worker does not keep the process alive', async () => {
  const be = await createWasmBackend(2);
  be.dispose();
  be.dispose(); // idempotent
  assert.throws(() => be.alloc(1), /used after dispose/);
  const script =
    "const { createWasmBackend } = await import('./src/kernels/wasm/index.ts');" +
    'const be = await createWasmBackend(2); const a = be.alloc(4); be.colSum(a, 2, 2, 1, 0, a);' +
    "console.log('ok');";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.equal(r.signal, null, 'the child exited by itself (not killed at the timeout)');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ok');
});
