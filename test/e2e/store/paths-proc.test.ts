/**
 * ensureDir in a child process: every directory glorot creates under a user path fails fast and by
 * name under /proc, where Node 20's recursive mkdirSync loops forever (split from
 * test/unit/store/paths.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

test('every directory made under a user path fails fast and by name under /proc (no endless recursive mkdir)', { skip: !existsSync('/proc/self') }, () => {
  const bad = `/proc/glorot-test-${process.pid}`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/e2e/store/proc-child.ts', bad], {
    encoding: 'utf8',
    timeout: 90_000,
    killSignal: 'SIGKILL',
  });
  assert.equal(r.signal, null, `the child hung (killed after 90 s): ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  const messages = JSON.parse(r.stdout) as Record<string, string>;
  const enoent = (what: string, path: string): string => `cannot create ${what} ${path}: mkdir ${bad} failed (ENOENT: no such file or directory, mkdir '${bad}')`;
  assert.deepEqual(messages, {
    ensureDir: enoent('the test directory', join(bad, 'a', 'b')),
    openRunStore: enoent('the output directory', bad),
    writeCheckpoint: enoent('the checkpoint directory of run r (in the output directory)', join(bad, 'checkpoints', 'r')),
    exportCsv: enoent('the CSV export directory', bad),
    exportTensorboard: enoent('the TensorBoard log directory', bad),
    EventFileWriter: enoent('the TensorBoard log directory', bad),
    acquireRunLock: enoent('the lock directory (in the output directory)', join(bad, 'locks')),
    reproduce: enoent('the experiments directory (in the output directory)', join(bad, 'experiments')),
    train: enoent('the output directory', bad),
  });
});
