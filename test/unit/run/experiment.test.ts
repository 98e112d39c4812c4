import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExperiment, planRuns } from '../../../src/config/experiment.ts';
import { experimentFor, DATA_DIR_DATASETS } from '../../../src/config/scales.ts';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import { parseTrainConfig } from '../../../src/config/training.ts';
import { train } from '../../../src/run/train.ts';
import { openRunStore } from '../../../src/store/runStore.ts';

const base = { name: 'e1', learningRates: [0.1], variants: [{ label: 'Tanh N', activation: 'tanh', init: 'normalized' }] };

test('run ids never collide: labels, learning rates or seeds that name the same run are rejected', () => {
  const clashes = [
    { ...base, variants: [...base.variants, { label: 'tanh-n', activation: 'sigmoid', init: 'standard' }] },
    { ...base, learningRates: [0.1, 0.1000000001] },
    { ...base, learningRates: [0.1, 0.1] },
    { ...base, seeds: [1, 1] },
  ];
  for (const e of clashes) assert.throws(() => planRuns(parseExperiment(e, 'x.json')), /run id e1-tanh-n-lr0\.1-s1 would be used twice/);
  assert.throws(() => planRuns(parseExperiment({ ...base, variants: [{ label: '!!!', activation: 'tanh', init: 'standard' }] }, 'x.json')), {
    name: 'InvalidInputError',
    message: 'experiment e1: variants[0].label: expected a label with a letter or digit (run ids are made from it), found "!!!"',
  });
  const ok = planRuns(parseExperiment({ ...base, seeds: [1, 2], learningRates: [0.01, 0.1] }, 'x.json'));
  assert.equal(new Set(ok.map((r) => r.runId)).size, 4);
});

test('--data-dir reaches only the datasets whose files the user supplies (mnist, cifar10)', () => {
  assert.deepEqual([...DATA_DIR_DATASETS], ['mnist', 'cifar10']);
  for (const d of ['shapeset', 'fashion-mnist']) assert.equal(experimentFor(d, 'smoke', { dataDir: '/x' }).base?.dataDir, undefined, d);
  assert.equal(experimentFor('mnist', 'smoke', { dataDir: '/x' }).base?.dataDir, '/x');
});

test('a run whose dataset cannot be opened leaves no run row behind (its id stays free)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-ghost-'));
  const backend = createReferenceBackend();
  try {
    const config = parseTrainConfig({ dataset: 'mnist', dataDir: join(dir, 'nope'), hidden: [4], updates: 1 }, 'test');
    await assert.rejects(train({ outDir: dir, backend, config, runId: 'myrun' }), /nope/);
    const store = openRunStore(dir, { readonly: true });
    assert.equal(store.hasRun('myrun'), false);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
