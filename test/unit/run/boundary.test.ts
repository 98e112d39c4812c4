/**
 * The trainer's refusals name the field at fault (never a flag: only src/cli knows flags), before
 * anything is allocated in earnest or recorded: impossible sizes, empty evaluation splits, a stored
 * run made with another configuration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planRuns, parseExperiment } from '../../../src/config/experiment.ts';
import { parseTrainConfig } from '../../../src/config/training.ts';
import { InvalidInputError } from '../../../src/core/errors.ts';
import type { Dataset, Split } from '../../../src/data/dataset.ts';
import { createBackend } from '../../../src/kernels/index.ts';
import { checkEvaluationSplits } from '../../../src/run/evaluation.ts';
import { runJobs } from '../../../src/run/jobs.ts';
import { buildNetwork } from '../../../src/run/network.ts';
import { openRunStore } from '../../../src/store/runStore.ts';

/** A dataset of `validation` and `test` examples (contents never read). */
function fakeDataset(name: string, validation: number, test: number, info: Record<string, number> = {}): Dataset {
  const split = (n: number): Split => ({ n, inputSize: 4, y: new Int32Array(n), read: () => {} });
  return { name, inputSize: 1024, classes: 9, classNames: [], validation: split(validation), test: split(test), trainStream: () => { throw new Error('unused'); }, info };
}

test('sizes no backend can allocate name hidden or minibatch, with the floats tried', async () => {
  const backend = await createBackend({ name: 'reference' });
  try {
    const dataset = fakeDataset('shapeset', 1, 1);
    // 1024 × 10^7 weights: the first layer alone is past the largest typed array, so nothing is allocated
    const wide = parseTrainConfig({ hidden: [10_000_000, 10_000_000] });
    assert.throws(() => buildNetwork(backend, wide, dataset), (e: unknown) => {
      assert.ok(e instanceof InvalidInputError);
      assert.equal(e.field, 'hidden');
      assert.equal(e.expected, 'hidden-layer widths whose weights can be allocated (use narrower layers)');
      assert.match(e.found, /^a 1024-10000000-10000000-9 network \(100,010,350,000,009 floats, 400\.0 TB\): /);
      return true;
    });
    const big = parseTrainConfig({ hidden: [8, 8], minibatch: 1_000_000_000 });
    assert.throws(() => buildNetwork(backend, big, dataset), (e: unknown) => {
      assert.ok(e instanceof InvalidInputError);
      assert.equal(e.field, 'minibatch');
      assert.equal(e.expected, 'a minibatch whose buffers can be allocated for widths 1024-8-8-9 (use a smaller one)');
      assert.match(e.found, /^1000000000 rows \(1,090,000,000,000 floats, 4\.4 TB\): /);
      return true;
    });
  } finally {
    backend.dispose();
  }
});

test('an empty evaluation split names the field that sets it: the size, the folder, or the dataset whose test file is empty', () => {
  const config = parseTrainConfig({ probe: { size: 10 } });
  const why = 'every probe point evaluates it and probes its first 10 examples';
  assert.throws(() => checkEvaluationSplits(config, fakeDataset('shapeset', 0, 5)), {
    field: 'validationSize',
    message: 'dataset shapeset: validationSize: expected a validation split of at least 1 example (every probe point evaluates it), found an empty validation split (0 examples)',
  });
  const folder = parseTrainConfig({ dataset: 'folder:/imgs', probe: { size: 10 } });
  assert.throws(() => checkEvaluationSplits(folder, fakeDataset('imgs', 1, 0, { train: 2, validation: 1, test: 0 })), {
    field: 'testSize',
    message: `dataset folder:/imgs: testSize: expected a test split of at least 1 example (${why}; the folder has 3 images: add images, or choose a size ≥ 1), found an empty test split (0 examples)`,
  });
  const idx = parseTrainConfig({ dataset: 'idx:/d', probe: { size: 10 } });
  assert.throws(() => checkEvaluationSplits(idx, fakeDataset('d', 1, 0)), {
    field: 'dataset',
    message: `dataset: expected a dataset whose test file holds examples (${why}), found "idx:/d", whose test file holds none`,
  });
  assert.doesNotThrow(() => checkEvaluationSplits(config, fakeDataset('shapeset', 1, 1)));
});

test('a planned run whose id is stored with another configuration is refused before any worker starts, naming the run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-jobs-mismatch-'));
  try {
    const [run] = planRuns(parseExperiment({ name: 'e', variants: [{ label: 'T', activation: 'tanh', init: 'standard' }], learningRates: [0.1] }, 'test'));
    const store = openRunStore(dir);
    store.createRun({ id: run!.runId, config: { ...run!.config, learningRate: 0.2 }, seed: 1, backend: 'reference', threads: 1 });
    store.close();
    await assert.rejects(runJobs([run!], { outDir: dir }), {
      field: 'outDir',
      message:
        "outDir: expected an output directory whose run e-t-lr0.1-s1 has this job's configuration (another scale or setting needs its own), " +
        `found ${dir}, where that run has learningRate 0.2 (this job: 0.1) (give another output directory, or remove this one to start again)`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
