/**
 * `train` with `tensorboardDir` (issue 15, item 11): the log grows while the run trains — at each
 * probe point a reader already finds that point — and a run interrupted and resumed ends with each
 * probe point once and its hparams session ended.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBackend } from '../../../src/kernels/index.ts';
import { parseTrainConfig } from '../../../src/config/training.ts';
import { probePoints } from '../../../src/config/schedule.ts';
import { train } from '../../../src/run/train.ts';
import { pointEvents, readEvents, tempDir, type DecodedEvent } from '../../helpers/store.ts';

const config = parseTrainConfig(
  {
    dataset: 'shapeset',
    validationSize: 100,
    testSize: 100,
    hidden: [16, 16],
    updates: 200,
    checkpointInterval: 50,
    probe: { interval: 100, size: 40, bins: 10, jacobianExamples: 0 },
  },
  'test',
);
const POINTS = probePoints(200, 100, true); // 0, 1, 2, 5, 10, 20, 50, 100, 200

function events(dir: string): DecodedEvent[] {
  const files = readdirSync(dir).filter((f) => f.includes('tfevents'));
  assert.equal(files.length, 1, `one event file in ${dir}: ${files.join(', ')}`);
  return readEvents(readFileSync(join(dir, files[0]!)));
}

const steps = (dir: string): number[] => pointEvents(events(dir)).map((e) => e.step ?? 0);

test('train --tensorboard: at every probe point the event file already holds it (a running TensorBoard sees the run grow)', async () => {
  const { dir, cleanup } = tempDir('glorot-tb-live-');
  const backend = await createBackend({ name: 'reference' });
  try {
    const tb = join(dir, 'tb');
    const seen = new Map<number, number[]>();
    const r = await train({
      outDir: dir,
      backend,
      config,
      runId: 'live',
      tensorboardDir: tb,
      progressMs: 60_000, // reports only at probe points
      onProgress: (p) => {
        if (POINTS.includes(p.update) && !seen.has(p.update)) seen.set(p.update, steps(join(tb, 'live')));
      },
    });
    assert.equal(r.run.status, 'finished');
    assert.deepEqual([...seen.keys()], POINTS);
    for (const [u, s] of seen) assert.deepEqual(s, POINTS.slice(0, POINTS.indexOf(u) + 1), `the file at update ${u}`);
    const end = events(join(tb, 'live')).flatMap((e) => e.summary?.value ?? []).filter((v) => v.tag === '_hparams_/session_end_info');
    assert.equal(end.length, 1);
  } finally {
    backend.dispose();
    cleanup();
  }
});

test('train --tensorboard: interrupted then resumed, each probe point appears once and the session ends once', async () => {
  const { dir, cleanup } = tempDir('glorot-tb-resume-');
  const backend = await createBackend({ name: 'reference' });
  try {
    const tb = join(dir, 'tb');
    const part = await train({ outDir: dir, backend, config, runId: 'r', tensorboardDir: tb, until: 120 });
    assert.equal(part.run.status, 'interrupted');
    assert.deepEqual(steps(join(tb, 'r')), POINTS.filter((u) => u <= 100));
    const done = await train({ outDir: dir, backend, runId: 'r', resume: true, tensorboardDir: tb });
    assert.equal(done.run.status, 'finished');
    assert.deepEqual(steps(join(tb, 'r')), POINTS);
    assert.deepEqual(steps(join(tb, 'r', 'by_probe')), POINTS.map((_, i) => i));
  } finally {
    backend.dispose();
    cleanup();
  }
});
