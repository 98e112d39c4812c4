/**
 * The PyTorch round trip (issue 15, item 12), against Debian's python3-torch: a network written by
 * glorot in PyTorch's layout loads into a torch.nn.Sequential with load_state_dict(strict=True) and
 * gives the same logits to 1e-5, for every activation; a Sequential written by PyTorch loads here
 * (in-process, and through `glorot import`) with the same logits; `glorot export RUN --pytorch`
 * carries the run's facts as metadata and `glorot eval` evaluates the run and the exported file
 * alike. torch is a fixture generator only (scripts/fixtures/torch-interop.py), never a dependency.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTIVATIONS } from '../../../src/core/activations.ts';
import { parseTrainConfig } from '../../../src/config/training.ts';
import { createBackend } from '../../../src/kernels/index.ts';
import { SHAPESET_CLASS_NAMES } from '../../../src/data/shapeset/params.ts';
import { Mlp } from '../../../src/nn/mlp.ts';
import { modelFromTorchBytes, modelToTorchBytes } from '../../../src/nn/torch-io.ts';
import { evaluateOn, loadModelFile, runDataset } from '../../../src/run/interop.ts';
import { train } from '../../../src/run/train.ts';
import { PYTHON, skipUnlessPython } from '../../helpers/python.ts';
import { mulberry32 } from '../../helpers/random.ts';
import { tempDir } from '../../helpers/store.ts';

const SCRIPT = fileURLToPath(new URL('../../../scripts/fixtures/torch-interop.py', import.meta.url));
const BIN = fileURLToPath(new URL('../../../bin/glorot.js', import.meta.url));
const SKIP = skipUnlessPython('torch', 'python3-torch');

function python(...args: string[]): string {
  const r = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function glorot(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const f32 = (path: string): Float32Array => {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  assert.ok(worst <= 1e-5, `${what}: logits differ by up to ${worst}`);
}

const ROWS = 16;
const randomInputs = (n: number, seed: number): Float32Array => {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand());
};

test('glorot → PyTorch: every activation, and per-layer activations, load with load_state_dict(strict=True) and give the same logits', { skip: SKIP }, async () => {
  const { dir, cleanup } = tempDir('glorot-torch-');
  const backend = await createBackend({ name: 'reference' });
  try {
    const x = randomInputs(ROWS * 12, 7);
    writeFileSync(join(dir, 'x.f32'), x);
    const cases = [...ACTIVATIONS.map((a) => [a] as const), ['tanh', 'relu'] as const];
    const expected: Float32Array[] = [];
    const files: string[] = [];
    cases.forEach((acts, k) => {
      const mlp = new Mlp(backend, { widths: [12, 9, 7, 4], activation: acts.length === 1 ? acts[0]! : [...acts], init: { name: 'normalized' }, seed: k + 1 });
      const file = join(dir, `m${k}.safetensors`);
      writeFileSync(file, modelToTorchBytes(mlp, { run: `r${k}` }));
      expected.push(Float32Array.from(mlp.forward(x, ROWS)));
      files.push(file);
      mlp.dispose();
    });
    const metas = python('read', join(dir, 'x.f32'), String(ROWS), ...files).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    files.forEach((file, k) => assertClose(f32(`${file}.logits.f32`), expected[k]!, cases[k]!.join(',')));
    assert.equal(metas[1]!['architecture'], 'torch.nn.Sequential(Linear(12, 9), Tanh(), Linear(9, 7), Tanh(), Linear(7, 4))');
    assert.equal(metas.at(-1)!['activation'], '["tanh","relu"]');
    assert.deepEqual([metas[0]!['format'], metas[0]!['widths'], metas[0]!['run']], ['pytorch-state-dict', '[12,9,7,4]', 'r0']);
  } finally {
    backend.dispose();
    cleanup();
  }
});

test('PyTorch → glorot: a state_dict PyTorch wrote gives the same logits, in-process and after glorot import', { skip: SKIP }, async () => {
  const { dir, cleanup } = tempDir('glorot-torch-');
  const backend = await createBackend({ name: 'reference' });
  try {
    python('write', dir);
    const file = join(dir, 'torch-mlp.safetensors');
    const x = f32(join(dir, 'x.f32'));
    const mlp = modelFromTorchBytes(backend, readFileSync(file), file, 'tanh');
    assert.deepEqual(mlp.widths, [12, 9, 7, 4]);
    const logits = Float32Array.from(mlp.forward(x, ROWS));
    mlp.dispose();
    assertClose(logits, f32(join(dir, 'logits.f32')), 'PyTorch-written model');
    // without the activation, a file whose metadata names none is refused, naming the file and the field
    assert.throws(() => modelFromTorchBytes(backend, readFileSync(file), file, undefined), (e: Error) => e.message.includes(file) && /activation/.test(e.message));
    const r = glorot(dir, 'import', file, '--activation', 'tanh', '--out', 'o');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported .*torch-mlp\.safetensors: widths 12-9-7-4 → o\/models\/torch-mlp\.safetensors/);
    const imported = loadModelFile(backend, join(dir, 'o', 'models', 'torch-mlp.safetensors'));
    assert.equal(imported.layout, 'glorot');
    assert.deepEqual(Float32Array.from(imported.mlp.forward(x, ROWS)), logits);
    imported.mlp.dispose();
    const refused = glorot(dir, 'import', file, '--out', 'o2');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /activation/);
  } finally {
    backend.dispose();
    cleanup();
  }
});

test('glorot export RUN --pytorch: the run facts as metadata, PyTorch reads it; glorot eval gives the run and the file the same figures', { skip: SKIP }, async () => {
  const { dir, cleanup } = tempDir('glorot-torch-');
  const backend = await createBackend({ name: 'reference' });
  try {
    const out = join(dir, 'out');
    const config = parseTrainConfig(
      { dataset: 'shapeset', hidden: [8], updates: 20, validationSize: 50, testSize: 50, checkpointInterval: 20, probe: { interval: 20, size: 20, bins: 10, jacobianExamples: 0 } },
      'test',
    );
    const run = await train({ outDir: out, backend, config, runId: 'tiny' });
    assert.equal(run.run.status, 'finished');
    const ex = glorot(dir, 'export', 'tiny', '--out', 'out', '--pytorch');
    assert.equal(ex.code, 0, ex.stderr);
    const file = join(out, 'models', 'tiny.pytorch.safetensors');
    const x = randomInputs(ROWS * 1024, 3);
    writeFileSync(join(dir, 'x.f32'), x);
    const meta = JSON.parse(python('read', join(dir, 'x.f32'), String(ROWS), file)) as Record<string, string>;
    const own = loadModelFile(backend, run.modelPath!);
    assertClose(f32(`${file}.logits.f32`), Float32Array.from(own.mlp.forward(x, ROWS)), 'exported run model');
    assert.deepEqual(JSON.parse(meta['classes']!), SHAPESET_CLASS_NAMES);
    assert.equal(SHAPESET_CLASS_NAMES.length, 9);
    assert.deepEqual(
      [meta['dataset'], meta['run'], meta['seed'], meta['cost'], meta['input_shape'], meta['test_error']],
      ['shapeset', 'tiny', String(run.run.seed), 'nll', '[1,32,32]', String(run.test!.errorRate)],
    );
    assert.match(meta['input_scaling']!, /pixel \/ 255/);
    const figures = evaluateOn(own.mlp, await runDataset(out, 'tiny'));
    own.mlp.dispose();
    for (const args of [['tiny', '--out', 'out'], [file, '--dataset', 'shapeset', '--validation-size', '50', '--test-size', '50']]) {
      const r = glorot(dir, 'eval', ...args, '--json');
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { test: { errorRate: number; nll: number }; validation: { errorRate: number } };
      assert.equal(j.test.errorRate, figures.test.errorRate, args[0]);
      assert.ok(Math.abs(j.test.nll - figures.test.nll) < 1e-5, args[0]);
      assert.equal(j.validation.errorRate, figures.validation.errorRate, args[0]);
    }
  } finally {
    backend.dispose();
    cleanup();
  }
});
