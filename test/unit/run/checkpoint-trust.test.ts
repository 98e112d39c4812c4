/**
 * Trusting what a checkpoint or model file says (issue 15 item 1): a resume checks everything it
 * reads back against the run — the meta (update counter, stream state, running sums) against the
 * run's record and configuration, the model's embedded config against the run's stored config —
 * and refuses a mismatch with an error naming the file and the field, touching nothing. Each case
 * writes a checkpoint whose checksums are all correct (as a buggy writer or a copy would), so only
 * the checks against the run can catch it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackend } from '../../../src/kernels/index.ts';
import type { Backend } from '../../../src/kernels/backend.ts';
import { parseTrainConfig, type TrainConfig } from '../../../src/config/training.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import { openConfigDataset } from '../../../src/run/evaluation.ts';
import { train } from '../../../src/run/train.ts';
import { type Checkpoint, checkpointDir, readCheckpoint, writeCheckpoint } from '../../../src/store/checkpoint.ts';
import { openRunStore } from '../../../src/store/runStore.ts';

const base = {
  dataset: 'shapeset',
  validationSize: 30,
  testSize: 30,
  hidden: [8, 8],
  activation: 'tanh',
  learningRate: 0.05,
  minibatch: 10,
  updates: 200,
  checkpointInterval: 1000,
  probe: { interval: 50, size: 10, bins: 10, jacobianExamples: 0 },
};
const config = parseTrainConfig(base, 'test');
/** The data of every run here (opened once: the refusals are the subject, not Shapeset's generator). */
let dataset: Dataset;

/** The record of run r: status, status detail and probe points. */
function recordOf(dir: string): string {
  const s = openRunStore(dir, { readonly: true });
  try {
    const r = s.getRun('r');
    return JSON.stringify([r.status, r.statusDetail, s.probePoints('r').map((p) => p.updates)]);
  } finally {
    s.close();
  }
}

/** Run r of `cfg` stopped with a checkpoint at update 70 (probe points 0 … 50 recorded). */
async function stoppedAt70(backend: Backend, cfg: TrainConfig = config): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-trust-'));
  const r = await train({ outDir: dir, backend, config: cfg, dataset, runId: 'r', until: 70 });
  assert.equal(r.run.status, 'interrupted');
  return dir;
}

type Meta = { update: number; stream: Record<string, unknown> & { rng?: { words: number[] } }; running: Record<string, unknown> };

/** Rewrites run r's checkpoint with whole checksums: `edit` changes its update, blobs or meta. */
function rewrite(dir: string, c: Checkpoint, edit: (x: { update: number; blobs: Record<string, Uint8Array>; meta: Meta }) => void): void {
  const x = { update: c.update, blobs: { ...c.blobs }, meta: structuredClone(c.meta) as unknown as Meta };
  edit(x);
  writeCheckpoint(dir, 'r', x.update, x.blobs, x.meta);
}

test('a resume refuses a checkpoint that does not fit the run, naming the file and the field, and changes nothing', async () => {
  const backend = await createBackend();
  dataset = await openConfigDataset(config);
  const dir = await stoppedAt70(backend);
  const other = await stoppedAt70(backend, parseTrainConfig({ ...base, hidden: [16, 8] }, 'test'));
  const reseeded = await stoppedAt70(backend, parseTrainConfig({ ...base, seed: 2 }, 'test'));
  try {
    const good = readCheckpoint(dir, 'r')!;
    const manifest = join(checkpointDir(dir, 'r'), 'manifest.json');
    assert.equal(good.update, 70);
    const before = recordOf(dir);
    const cases: Array<[string, (x: { update: number; blobs: Record<string, Uint8Array>; meta: Meta }) => void, string, RegExp]> = [
      // the counter: a run that would "finish" without training the missing updates
      ['counter at the end', (x) => ((x.update = 200), (x.meta.update = 200)), 'meta.update', /meta\.update: expected an update whose probe points the run's record holds \(it lacks update 100; its points: up to update 50\), found 200/],
      ['counter past the updates', (x) => ((x.update = 500), (x.meta.update = 500)), 'meta.update', /meta\.update: expected at most the run's 200 updates, found 500/],
      ['counter unlike the manifest', (x) => (x.meta.update = 60), 'meta.update', /meta\.update: expected the manifest's update 70, found 60/],
      ['counter not a count', (x) => (x.meta.update = -1), 'meta.update', /meta\.update: expected a whole number ≥ 0, found -1/],
      // the data stream: degenerate, shifted, or another stream's
      ['zeroed generator state', (x) => (x.meta.stream.rng!.words = [0, 0, 0, 0]), 'meta.stream', /meta\.stream: training stream state: rng state: words: expected four 32-bit integers not all 0/],
      ['stream behind the counter', (x) => (x.meta.stream['images'] = 690), 'meta.stream', /meta\.stream: expected a state that has drawn 700 examples \(70 updates × minibatch 10\), found one that has drawn 690/],
      ['another seed\'s stream', (x) => (x.meta.stream['seed'] = 12345), 'meta.stream', /meta\.stream: training stream state: seed is 12345 but this stream's is/],
      ['no stream', (x) => delete (x.meta as Partial<Meta>).stream, 'meta.stream', /meta\.stream: training stream state: expected an object/],
      // the running sums since the probe point at 50: 20 updates × 10 examples
      ['examples off', (x) => (x.meta.running['examples'] = 190), 'meta.running.examples', /meta\.running\.examples: expected 200 \(20 updates since the probe point at 50 × minibatch 10\), found 190/],
      ['more wrong than seen', (x) => (x.meta.running['wrong'] = 201), 'meta.running.wrong', /meta\.running\.wrong: expected at most the 200 examples, found 201/],
      ['loss not a number', (x) => (x.meta.running['loss'] = null), 'meta.running.loss', /meta\.running\.loss: expected a finite number ≥ 0, found null/],
      ['no running sums', (x) => delete (x.meta as Partial<Meta>).running, 'meta.running', /meta\.running: expected an object \{loss, wrong, examples\}, found nothing/],
    ];
    for (const [what, edit, field, message] of cases) {
      rewrite(dir, good, edit);
      await assert.rejects(
        train({ outDir: dir, backend, dataset, runId: 'r', resume: true }),
        (e: unknown) => {
          const err = e as { name: string; file: string; field: string; message: string };
          assert.equal(err.name, 'CheckpointError', `${what}: ${err.message}`);
          assert.equal(err.file, manifest, what);
          assert.equal(err.field, field, `${what}: ${err.message}`);
          assert.match(err.message, message, what);
          assert.ok(err.message.startsWith(`checkpoint ${manifest}: ${field}: `), err.message);
          return true;
        },
        what,
      );
      assert.equal(recordOf(dir), before, `${what}: the record is untouched`);
    }

    // a model blob copied from another run of the same id: another network, or the same one drawn from another seed
    for (const [from, field] of [[other, 'config.widths'], [reseeded, 'config.seed']] as const) {
      rewrite(dir, good, (x) => (x.blobs['model'] = readCheckpoint(from, 'r')!.blobs['model']!));
      const model = readCheckpoint(dir, 'r')!.files['model']!;
      await assert.rejects(train({ outDir: dir, backend, dataset, runId: 'r', resume: true }), (e: unknown) => {
        const err = e as { name: string; file: string; field: string; message: string };
        assert.equal(err.name, 'InvalidInputError', err.message);
        assert.equal([err.file, err.field].join(' '), `${model} ${field}`);
        assert.match(err.message, new RegExp(`^${model}: metadata "config": ${field.replace('.', '\\.')}: expected .* \\(the run's stored configuration\\), found `));
        return true;
      });
      assert.equal(recordOf(dir), before, `${field}: the record is untouched`);
    }

    // a hand edit that leaves the checksum stale is caught by the store before any of this
    rewrite(dir, good, () => {});
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('"update": 70,\n    "stream"', '"update": 200,\n    "stream"'));
    await assert.rejects(train({ outDir: dir, backend, dataset, runId: 'r', resume: true }), { name: 'CheckpointError', field: 'meta' });

    // the checkpoint as written resumes, and ends as an uninterrupted run would
    rewrite(dir, good, () => {});
    const resumed = await train({ outDir: dir, backend, dataset, runId: 'r', resume: true });
    assert.equal(resumed.run.status, 'finished');
    const full = mkdtempSync(join(tmpdir(), 'glorot-trust-full-'));
    try {
      const uninterrupted = await train({ outDir: full, backend, config, dataset, runId: 'r' });
      assert.deepEqual(readFileSync(resumed.modelPath!), readFileSync(uninterrupted.modelPath!));
    } finally {
      rmSync(full, { recursive: true, force: true });
    }
  } finally {
    backend.dispose();
    for (const d of [dir, other, reseeded]) rmSync(d, { recursive: true, force: true });
  }
});
