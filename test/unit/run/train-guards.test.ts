/**
 * Bad inputs to train() are refused before anything is recorded, with errors naming the option, and
 * late failures lose no training: empty evaluation splits, impossible allocations, an unusable
 * models directory, a model that cannot be saved, a damaged stored configuration, a missing
 * checkpoint, oversized histograms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PNG } from 'pngjs';
import { openDataset } from '../../../src/data/dataset.ts';
import { createBackend } from '../../../src/kernels/index.ts';
import type { Backend } from '../../../src/kernels/backend.ts';
import { MAX_HISTOGRAM_BINS, parseTrainConfig, type TrainConfig } from '../../../src/config/training.ts';
import type { InvalidInputError } from '../../../src/core/errors.ts';
import { ResumableRunError, train } from '../../../src/run/train.ts';
import { availableBackends } from '../../helpers/backends.ts';
import { readCheckpoint } from '../../../src/store/checkpoint.ts';
import { databasePath } from '../../../src/store/paths.ts';
import { openRunStore } from '../../../src/store/runStore.ts';

const config = parseTrainConfig(
  {
    dataset: 'shapeset',
    validationSize: 30,
    testSize: 30,
    hidden: [8, 8],
    activation: 'tanh',
    learningRate: 0.05,
    updates: 60,
    checkpointInterval: 20,
    probe: { interval: 20, size: 10, bins: 10, jacobianExamples: 0 },
  },
  'test',
);

async function withDir(f: (dir: string, backend: Backend) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-guard-'));
  const backend = await createBackend();
  try {
    await f(dir, backend);
  } finally {
    backend.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ids of the runs recorded in `dir`. */
function runIds(dir: string): string[] {
  const s = openRunStore(dir, { readonly: true });
  try {
    return s.listRuns().map((r) => r.id);
  } finally {
    s.close();
  }
}

/** Trains `r` in `dir` and stops it with a checkpoint at update `at`. */
async function interruptedAt(dir: string, backend: Backend, at: number, cfg: TrainConfig = config): Promise<void> {
  const controller = new AbortController();
  const r = await train({ outDir: dir, backend, config: cfg, runId: 'r', signal: controller.signal, progressMs: 0, onProgress: (p) => p.update >= at && controller.abort() });
  assert.equal(r.run.status, 'interrupted');
}

test('an empty validation or test split is refused before the run is recorded, naming the split and its field', async () => {
  await withDir(async (dir, backend) => {
    for (const [validationSize, testSize, split] of [
      [0, 30, 'validation'],
      [30, 0, 'test'],
    ] as const) {
      const dataset = await openDataset('shapeset', { validationSize, testSize });
      const why = split === 'test' ? 'every probe point evaluates it and probes its first 10 examples' : 'every probe point evaluates it';
      await assert.rejects(train({ outDir: dir, backend, config, dataset, runId: 'r' }), {
        name: 'InvalidInputError',
        field: `${split}Size`,
        message: `dataset shapeset: ${split}Size: expected a ${split} split of at least 1 example (${why}), found an empty ${split} split (0 examples)`,
      });
    }
    assert.deepEqual(runIds(dir), [], 'no run row is left behind');
  });
});

test('a 4-image folder trains: one image held out for test and one for validation', async () => {
  const root = mkdtempSync(join(tmpdir(), 'glorot-guard-folder-'));
  try {
    for (const c of ['a', 'b']) {
      mkdirSync(join(root, 'imgs', c), { recursive: true });
      for (let k = 0; k < 2; k++) {
        const p = new PNG({ width: 4, height: 4 });
        p.data.fill(c === 'a' ? 30 + k : 200 + k);
        writeFileSync(join(root, 'imgs', c, `${k}.png`), PNG.sync.write(p));
      }
    }
    await withDir(async (dir, backend) => {
      const notices: string[] = [];
      const folderConfig = parseTrainConfig({ ...config, dataset: `folder:${join(root, 'imgs')}`, validationSize: undefined, testSize: undefined, updates: 5 }, 'test');
      const r = await train({ outDir: dir, backend, config: folderConfig, runId: 'f', onNotice: (m) => notices.push(m) });
      assert.equal(r.run.status, 'finished');
      assert.deepEqual([r.test?.examples, r.validation?.examples], [1, 1]);
      // the probe set is the whole 1-image test split: said, and kept in the record
      const note = 'the test split has 1 example, fewer than probe.size 10: the probe set is the whole test split';
      assert.deepEqual(notices, [note]);
      assert.equal(r.run.statusDetail, note);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a minibatch or network too large to allocate is an error naming the option and the sizes; no run is recorded', async () => {
  for (const { name, backend } of await availableBackends()) {
    const dir = mkdtempSync(join(tmpdir(), 'glorot-guard-'));
    try {
      await tooLarge(dir, backend);
      assert.deepEqual(runIds(dir), [], name);
    } finally {
      backend.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

/** Asserts both allocation errors (buffers, network) on one backend. */
async function tooLarge(dir: string, backend: Backend): Promise<void> {
  await assert.rejects(
    train({ outDir: dir, backend, config: { ...config, minibatch: 1_000_000_000 }, runId: 'r' }),
    (e: InvalidInputError) =>
      e.field === 'minibatch' &&
      e.message.startsWith(
        'minibatch: expected a minibatch whose buffers can be allocated for widths 1024-8-8-9 (use a smaller one), ' +
          'found 1000000000 rows (1,090,000,000,000 floats, 4.4 TB): ',
      ),
  );
  await assert.rejects(
    train({ outDir: dir, backend, config: { ...config, hidden: [1_000_000, 1_000_000] }, runId: 'r' }),
    (e: InvalidInputError) =>
      e.field === 'hidden' &&
      e.message.startsWith(
        'hidden: expected hidden-layer widths whose weights can be allocated (use narrower layers), found a 1024-1000000-1000000-9 network (1,001,035,000,009 floats, 4.0 TB): ',
      ),
  );
}

test('an unusable models directory is refused before training, naming the path', async () => {
  await withDir(async (dir, backend) => {
    writeFileSync(join(dir, 'models'), 'not a directory');
    await assert.rejects(train({ outDir: dir, backend, config, runId: 'r' }), {
      message: `cannot create the models directory (in the output directory) ${join(dir, 'models')}: ${join(dir, 'models')} is a file, not a directory`,
    });
    assert.deepEqual(runIds(dir), []);
  });
});

test('a model that cannot be saved at the end keeps a final checkpoint: a resume saves it without retraining', async () => {
  await withDir(async (dir, backend) => {
    const reference = join(dir, 'reference');
    const full = await train({ outDir: reference, backend, config, runId: 'r' });
    const out = join(dir, 'out');
    const modelPath = join(out, 'models', 'r.safetensors');
    mkdirSync(modelPath, { recursive: true }); // a directory where the model file goes
    await assert.rejects(
      train({ outDir: out, backend, config, runId: 'r' }),
      (e: Error) =>
        e instanceof ResumableRunError &&
        e.runId === 'r' &&
        e.message.startsWith(`cannot save the model to ${modelPath} (`) &&
        e.message.endsWith('); training is complete and checkpointed at update 60: fix that, then resume run r: it saves the model without retraining'),
    );
    const store = openRunStore(out, { readonly: true });
    assert.equal(store.getRun('r').status, 'failed');
    store.close();
    assert.equal(readCheckpoint(out, 'r')?.update, 60);
    rmSync(modelPath, { recursive: true });
    const updates: number[] = [];
    const resumed = await train({ outDir: out, backend, runId: 'r', resume: true, progressMs: 0, onProgress: (p) => updates.push(p.update) });
    assert.equal(resumed.run.status, 'finished');
    assert.deepEqual(updates, [], 'no update was trained again');
    assert.deepEqual(readFileSync(modelPath), readFileSync(full.modelPath!), 'the same model as an uninterrupted run');
    const a = openRunStore(reference, { readonly: true });
    const b = openRunStore(out, { readonly: true });
    assert.deepEqual(b.evaluationSeries('r', 'test'), a.evaluationSeries('r', 'test'));
    a.close();
    b.close();
  });
});

test('resuming a run whose stored configuration is damaged names the run and each bad field; the run stays resumable', async () => {
  await withDir(async (dir, backend) => {
    await interruptedAt(dir, backend, 7);
    const db = new Database(databasePath(dir));
    const original = (db.prepare(`SELECT config FROM runs WHERE id = 'r'`).get() as { config: string }).config;
    const head = `${databasePath(dir)}: run r: invalid stored training configuration (the record was changed or damaged: repair runs.config, or start a new run):\n`;
    const missing = (field: string, value: string): string => `  - ${field}: expected a value (a stored configuration holds every field; the default would be ${value}), found nothing`;
    for (const [edit, lines] of [
      [`json_remove(config, '$.dataset')`, [missing('dataset', '"shapeset"')]],
      [`json_remove(config, '$.probe.bins')`, [missing('probe.bins', '100')]],
      [`json_set(config, '$.hidden', 'wide')`, ['  - hidden: expected a list of hidden-layer widths (whole numbers ≥ 1), input side first, found "wide"']],
      [`json_set(config, '$.extra', 1)`, ['  - extra: expected no such field (it is not part of the configuration; check its spelling), found 1']],
      [`json_set(json_remove(config, '$.seed'), '$.probe.bins', 100000000)`, [
        missing('seed', '1'),
        "  - probe.bins: expected a whole number from 1 to 10,000 (glorot's limit: every histogram is stored whole at every probe point), found 100000000",
      ]],
    ] as const) {
      db.prepare(`UPDATE runs SET config = ${edit} WHERE id = 'r'`).run();
      await assert.rejects(train({ outDir: dir, backend, runId: 'r', resume: true }), { message: head + lines.join('\n') }, edit);
      db.prepare(`UPDATE runs SET config = ? WHERE id = 'r'`).run(original);
    }
    db.close();
    const store = openRunStore(dir, { readonly: true });
    assert.equal(store.getRun('r').status, 'interrupted', 'a refused resume changes nothing');
    store.close();
    const resumed = await train({ outDir: dir, backend, runId: 'r', resume: true });
    assert.equal(resumed.run.status, 'finished');
  });
});

test('a resume without a usable checkpoint says so and restarts from update 0, ending as an uninterrupted run', async () => {
  await withDir(async (dir, backend) => {
    const reference = join(dir, 'reference');
    await train({ outDir: reference, backend, config, runId: 'r' });
    const out = join(dir, 'out');
    await interruptedAt(out, backend, 37);
    rmSync(join(out, 'checkpoints', 'r', 'manifest.json'));
    const notices: string[] = [];
    const resumed = await train({ outDir: out, backend, runId: 'r', resume: true, onNotice: (m) => notices.push(m) });
    const note = `run r: no usable checkpoint found (no ${join(out, 'checkpoints', 'r', 'manifest.json')}): restarting from update 0; its records up to update 20 are recomputed`;
    assert.deepEqual(notices, [note]);
    assert.equal(resumed.run.status, 'finished');
    assert.equal(resumed.run.statusDetail, note);
    const a = openRunStore(reference, { readonly: true });
    const b = openRunStore(out, { readonly: true });
    assert.deepEqual(b.probePoints('r').map((p) => p.updates), a.probePoints('r').map((p) => p.updates));
    for (const split of ['train', 'validation', 'test'] as const) assert.deepEqual(b.evaluationSeries('r', split), a.evaluationSeries('r', split));
    a.close();
    b.close();
  });
});

test(`probe.bins is at most ${MAX_HISTOGRAM_BINS}, and that many are stored`, async () => {
  for (const bins of [100_000_000, MAX_HISTOGRAM_BINS + 1]) {
    assert.throws(() => parseTrainConfig({ probe: { bins } }, { file: 'x.json' }), {
      message: `x.json: invalid training configuration:\n  - probe.bins: expected a whole number from 1 to 10,000 (glorot's limit: every histogram is stored whole at every probe point), found ${bins}`,
    });
  }
  await withDir(async (dir, backend) => {
    const r = await train({ outDir: dir, backend, config: { ...config, updates: 0, probe: { ...config.probe, bins: MAX_HISTOGRAM_BINS } }, runId: 'r' });
    assert.equal(r.run.status, 'finished');
    const store = openRunStore(dir, { readonly: true });
    const h = store.histogramsAt('r', 'activation', 0);
    assert.deepEqual(h.map((x) => x.counts.length), [MAX_HISTOGRAM_BINS, MAX_HISTOGRAM_BINS]);
    assert.deepEqual(h.map((x) => x.counts.reduce((a, c) => a + c, 0) + x.nan + x.posInf + x.negInf), [10 * 8, 10 * 8], 'every value of the 10 × 8 activations binned');
    store.close();
  });
});
