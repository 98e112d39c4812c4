/**
 * Resuming on another backend or thread count is allowed, but the run record says which backend
 * trained which updates (runs.backend/threads = the latest segment, versions.segments = all of
 * them) and the caller gets a one-line warning that the results are not bit-identical.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../../src/kernels/index.ts';
import type { Backend } from '../../../src/kernels/backend.ts';
import { parseTrainConfig } from '../../../src/config/training.ts';
import { train } from '../../../src/run/train.ts';
import { openRunStore } from '../../../src/store/runStore.ts';
import { runSegments, SEGMENTS_KEY } from '../../../src/store/segments.ts';

const config = parseTrainConfig(
  {
    dataset: 'shapeset',
    validationSize: 30,
    testSize: 30,
    hidden: [8, 8],
    updates: 60,
    checkpointInterval: 20,
    probe: { interval: 20, size: 10, bins: 10, jacobianExamples: 0 },
  },
  'test',
);

/** Trains (or resumes) run `r` in `dir` on `backend`, stopping at update `stopAt` when given. */
async function segment(dir: string, backend: Backend, stopAt: number | null, notices: string[], resume: boolean) {
  const controller = new AbortController();
  return train({
    outDir: dir,
    backend,
    runId: 'r',
    ...(resume ? { resume: true } : { config }),
    signal: controller.signal,
    progressMs: 0,
    onProgress: (p) => stopAt !== null && p.update >= stopAt && controller.abort(),
    onNotice: (m) => notices.push(m),
  });
}

test('a run resumed on another backend, then other threads, records every segment and warns each time', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-segments-'));
  const reference = await createBackend({ name: 'reference' });
  const wasm2 = await createBackend({ name: 'wasm', threads: 2 });
  const wasm1 = await createBackend({ name: 'wasm', threads: 1 });
  try {
    const notices: string[] = [];
    assert.equal((await segment(dir, reference, 17, notices, false)).run.status, 'interrupted');
    assert.deepEqual(notices, []);
    const second = await segment(dir, wasm2, 37, notices, true);
    assert.equal(second.run.status, 'interrupted');
    const warn1 = 'run r was trained on reference with 1 thread up to update 17 and resumes on wasm with 2 threads: its results will not be bit-identical to an uninterrupted run';
    assert.deepEqual(notices, [warn1]);
    assert.equal(second.run.statusDetail, `interrupted at update 37; ${warn1}`);
    const third = await segment(dir, wasm1, null, notices, true);
    const warn2 = 'run r was trained on wasm with 2 threads up to update 37 and resumes on wasm with 1 thread: its results will not be bit-identical to an uninterrupted run';
    assert.deepEqual(notices, [warn1, warn2]);
    assert.equal(third.run.status, 'finished');
    assert.equal(third.run.statusDetail, warn2);
    const store = openRunStore(dir, { readonly: true });
    const run = store.getRun('r');
    assert.deepEqual([run.backend, run.threads, run.versions['backend']], ['wasm', 1, wasm1.detail]);
    assert.equal(run.versions[SEGMENTS_KEY], 'from update 0: reference, 1 thread; from update 17: wasm, 2 threads; from update 37: wasm, 1 thread');
    assert.deepEqual(runSegments(run), [
      { from: 0, backend: 'reference', threads: 1 },
      { from: 17, backend: 'wasm', threads: 2 },
      { from: 37, backend: 'wasm', threads: 1 },
    ]);
    store.close();
  } finally {
    for (const b of [reference, wasm2, wasm1]) b.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run resumed on the same backend and threads records no segments and warns of nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-segments-'));
  const wasm = await createBackend({ name: 'wasm', threads: 1 });
  try {
    const notices: string[] = [];
    await segment(dir, wasm, 17, notices, false);
    const done = await segment(dir, wasm, null, notices, true);
    assert.deepEqual([done.run.status, done.run.statusDetail, notices], ['finished', null, []]);
    assert.deepEqual([done.run.backend, done.run.threads, done.run.versions[SEGMENTS_KEY]], ['wasm', 1, undefined]);
  } finally {
    wasm.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
