/**
 * Child process of paths.test.ts: calls every function that creates a directory under a path the
 * user chose with a directory below `process.argv[2]` (e.g. /proc/glorot-…, where Node 20's
 * recursive mkdir loops forever) and prints each one's error message as JSON. The parent kills
 * this process when it does not finish in time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../../src/kernels/index.ts';
import { acquireRunLock } from '../../../src/store/locks.ts';
import { parseTrainConfig } from '../../../src/config/training.ts';
import { reproduce } from '../../../src/run/reproduce.ts';
import { train } from '../../../src/run/train.ts';
import { writeCheckpoint } from '../../../src/store/checkpoint.ts';
import { exportCsv, exportTensorboard } from '../../../src/store/export.ts';
import { ensureDir } from '../../../src/store/paths.ts';
import { openRunStore } from '../../../src/store/runStore.ts';
import { EventFileWriter } from '../../../src/store/tensorboard.ts';

const bad = process.argv[2]!;
const out: Record<string, string> = {};
const attempt = async (name: string, f: () => unknown): Promise<void> => {
  try {
    await f();
    out[name] = 'no error';
  } catch (e) {
    out[name] = e instanceof Error ? e.message : String(e);
  }
};
const ok = mkdtempSync(join(tmpdir(), 'glorot-proc-'));
try {
  const store = openRunStore(ok);
  const run = store.createRun({ id: 'r', config: {}, seed: 1, backend: 'x', threads: 1 }).id;
  await attempt('ensureDir', () => ensureDir(join(bad, 'a', 'b'), 'the test directory'));
  await attempt('openRunStore', () => openRunStore(bad));
  await attempt('writeCheckpoint', () => writeCheckpoint(bad, 'r', 0, { b: new Uint8Array(1) }, {}));
  await attempt('exportCsv', () => exportCsv(store, run, bad));
  await attempt('exportTensorboard', () => exportTensorboard(store, run, bad));
  await attempt('EventFileWriter', () => new EventFileWriter(bad));
  await attempt('acquireRunLock', () => acquireRunLock(bad, 'r'));
  await attempt('reproduce', () => reproduce({ scale: 'smoke', datasets: [], outDir: bad, jobs: 1, plan: { scale: 'smoke', datasets: [], totalUpdates: 0 } }));
  const backend = await createBackend({ name: 'reference' });
  const config = parseTrainConfig({ validationSize: 10, testSize: 10, hidden: [4], updates: 1, probe: { size: 5, jacobianExamples: 0 } }, 'test');
  await attempt('train', () => train({ outDir: bad, backend, config }));
  backend.dispose();
  store.close();
} finally {
  rmSync(ok, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(out));
