import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../../src/kernels/index.ts';
import { parseTrainConfig } from '../../../src/config/training.ts';
import { train } from '../../../src/run/train.ts';
import { openRunStore } from '../../../src/store/runStore.ts';

const config = parseTrainConfig(
  {
    dataset: 'shapeset',
    validationSize: 200,
    testSize: 200,
    hidden: [24, 24, 24],
    activation: 'tanh',
    init: 'standard',
    learningRate: 0.05,
    updates: 300,
    checkpointInterval: 100,
    probe: { interval: 100, size: 50, bins: 20, jacobianExamples: 1 },
  },
  'test',
);

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'glorot-train-'));
}

test('a run interrupted and resumed ends bit-identical to one never interrupted (weights and records)', async () => {
  const backend = await createBackend();
  const a = tmp();
  const b = tmp();
  try {
    const full = await train({ outDir: a, backend, config, runId: 'r' });
    assert.equal(full.run.status, 'finished');
    const controller = new AbortController();
    const part = await train({
      outDir: b,
      backend,
      config,
      runId: 'r',
      signal: controller.signal,
      progressMs: 0,
      onProgress: (p) => {
        if (p.update >= 157) controller.abort();
      },
    });
    assert.equal(part.run.status, 'interrupted');
    assert.equal(part.run.statusDetail, 'interrupted at update 157');
    const resumed = await train({ outDir: b, backend, runId: 'r', resume: true });
    assert.equal(resumed.run.status, 'finished');
    assert.deepEqual(readFileSync(resumed.modelPath!), readFileSync(full.modelPath!));
    const sa = openRunStore(a, { readonly: true });
    const sb = openRunStore(b, { readonly: true });
    for (const name of ['activation.std', 'backprop_grad.p98', 'weight_grad.std'] as const) {
      assert.deepEqual(sb.scalarSeries('r', name), sa.scalarSeries('r', name), name);
    }
    for (const split of ['train', 'validation', 'test'] as const) {
      assert.deepEqual(sb.evaluationSeries('r', split), sa.evaluationSeries('r', split), split);
    }
    assert.deepEqual(sb.histogramsAt('r', 'activation', 300), sa.histogramsAt('r', 'activation', 300));
    // probe points: 0, early ones, 100, 200, 300 — each exactly once after the resume
    assert.deepEqual(sb.probePoints('r').map((p) => p.updates), [0, 1, 2, 5, 10, 20, 50, 100, 200, 300]);
    sa.close();
    sb.close();
  } finally {
    backend.dispose();
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('until stops a run with a checkpoint at that update; resumed in stages it ends bit-identical to an uninterrupted run', async () => {
  const backend = await createBackend();
  const a = tmp();
  const b = tmp();
  try {
    const full = await train({ outDir: a, backend, config, runId: 'r' });
    // 100 is a probe and checkpoint point, 137 neither: both must continue exactly
    const first = await train({ outDir: b, backend, config, runId: 'r', until: 100 });
    assert.equal(first.run.status, 'interrupted');
    assert.equal(first.run.statusDetail, 'stopped at update 100 as asked (until 100)');
    assert.equal(first.run.lastUpdate, 100);
    const second = await train({ outDir: b, backend, runId: 'r', resume: true, until: 137 });
    assert.equal(second.run.status, 'interrupted');
    assert.match(second.run.statusDetail ?? '', /^stopped at update 137 as asked/);
    const again = await train({ outDir: b, backend, runId: 'r', resume: true, until: 137 });
    assert.equal(again.run.status, 'interrupted', 'a resume at its until trains nothing');
    const rest = await train({ outDir: b, backend, runId: 'r', resume: true });
    assert.equal(rest.run.status, 'finished');
    assert.deepEqual(readFileSync(rest.modelPath!), readFileSync(full.modelPath!));
    const sa = openRunStore(a, { readonly: true });
    const sb = openRunStore(b, { readonly: true });
    assert.deepEqual(sb.probePoints('r').map((p) => p.updates), sa.probePoints('r').map((p) => p.updates));
    assert.deepEqual(sb.evaluationSeries('r', 'train'), sa.evaluationSeries('r', 'train'));
    assert.deepEqual(sb.scalarSeries('r', 'backprop_grad.std'), sa.scalarSeries('r', 'backprop_grad.std'));
    sa.close();
    sb.close();
  } finally {
    backend.dispose();
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('divergence stops the run with status diverged and the update; earlier records are kept', async () => {
  const backend = await createBackend();
  const dir = tmp();
  try {
    const r = await train({
      outDir: dir,
      backend,
      config: { ...config, learningRate: 1e30, activation: 'relu', init: 'normalized' },
      runId: 'boom',
    });
    assert.equal(r.run.status, 'diverged');
    assert.match(r.run.statusDetail ?? '', /loss became (NaN|Infinity) at update \d+/);
    const s = openRunStore(dir, { readonly: true });
    assert.ok(s.scalarSeries('boom', 'activation.std', 1).length >= 1, 'the probe at update 0 is kept');
    s.close();
  } finally {
    backend.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resuming a run that does not exist is a clear error', async () => {
  const backend = await createBackend();
  const dir = tmp();
  try {
    await train({ outDir: dir, backend, config, runId: 'exists' });
    await assert.rejects(train({ outDir: dir, backend, runId: 'nope', resume: true }), /nope/);
  } finally {
    backend.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
