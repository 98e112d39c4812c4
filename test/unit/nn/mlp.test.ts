import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReferenceBackend } from '../../../src/kernels/reference.ts';
import type { CostName } from '../../../src/core/costs.ts';
import { type ExampleReader, argmax } from '../../../src/nn/evaluate.ts';
import { Mlp } from '../../../src/nn/mlp.ts';
import type { MlpConfig } from '../../../src/nn/mlp-config.ts';
import { loadModel, modelToBytes } from '../../../src/nn/io.ts';
import { decodeSafetensors, encodeSafetensors } from '../../../src/nn/safetensors.ts';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { writeFileAtomic } from '../../../src/store/durable.ts';
import { mulberry32 } from '../../helpers/random.ts';
import { availableBackends } from '../../helpers/backends.ts';

const be = createReferenceBackend();

function batch(seed: number, rows: number, d: number, classes: number): { x: Float32Array; y: Int32Array } {
  const r = mulberry32(seed);
  return { x: new Float32Array(rows * d).map(() => r()), y: new Int32Array(rows).map(() => Math.floor(r() * classes)) };
}

test('fused SGD step equals W − lr·∂C/∂W computed without the update', () => {
  const cfg = { widths: [6, 5, 4, 3], activation: 'tanh' as const, init: { name: 'normalized' as const }, seed: 3 };
  const a = new Mlp(be, cfg);
  const b = new Mlp(be, cfg);
  const { x, y } = batch(1, 7, 6, 3);
  const g = b.gradients(x, y, 7);
  assert.ok(Number.isNaN(a.lastLoss), 'no loss before the first step');
  a.trainStep(x, y, 7, 0.1);
  assert.equal(a.lastLoss, g.loss);
  a.layers.forEach((l, i) => {
    for (let j = 0; j < l.W.length; j++) {
      const want = b.layers[i]!.W[j]! - 0.1 * g.weightGrad[i]![j]!;
      assert.ok(Math.abs(l.W[j]! - want) < 1e-7, `W${i}[${j}]`);
    }
    for (let j = 0; j < l.b.length; j++) assert.ok(Math.abs(l.b[j]! - (0 - 0.1 * g.biasGrad[i]![j]!)) < 1e-7);
  });
});

test('training on a learnable problem drives the loss down', () => {
  const mlp = new Mlp(be, { widths: [4, 8, 2], activation: 'tanh', init: { name: 'normalized' }, seed: 1 });
  const r = mulberry32(9);
  const x = new Float32Array(40).map(() => r() * 2 - 1);
  const y = new Int32Array(10).map((_, i) => (x[i * 4]! > 0 ? 1 : 0));
  mlp.trainStep(x, y, 10, 0.5);
  const first = mlp.lastLoss;
  for (let i = 0; i < 200; i++) mlp.trainStep(x, y, 10, 0.5);
  const last = mlp.lastLoss;
  assert.ok(last < first / 4, `loss ${first} → ${last}`);
  assert.equal(mlp.evaluate(x, y, 10).errorRate, 0);
});

test('same seed and backend: bit-identical weights after 100 steps; different seed differs', async () => {
  for (const { name, backend } of await availableBackends()) {
    const run = (seed: number): Float32Array[] => {
      const mlp = new Mlp(backend, { widths: [16, 12, 12, 5], activation: 'softsign', init: { name: 'standard' }, seed });
      for (let s = 0; s < 100; s++) {
        const { x, y } = batch(1000 + s, 10, 16, 5);
        mlp.trainStep(x, y, 10, 0.05);
      }
      const w = mlp.layers.map((l) => Float32Array.from(l.W));
      mlp.dispose();
      return w;
    };
    const a = run(1);
    assert.deepEqual(run(1), a, `${name}: same seed`);
    assert.notDeepEqual(run(2), a, `${name}: different seed`);
    backend.dispose();
  }
});

test('every backend agrees with reference on forward, backward and a 3-step SGD run', async () => {
  const cfg = { widths: [33, 40, 17, 9], activation: 'tanh' as const, init: { name: 'normalized' as const }, seed: 5 };
  for (const threads of [1, 2]) {
    for (const { name, backend } of await availableBackends(threads)) {
      const ref = new Mlp(be, cfg);
      const other = new Mlp(backend, cfg);
      const { x, y } = batch(4, 10, 33, 9);
      const xb = backend.alloc(x.length);
      xb.set(x);
      const close = (a: Float32Array, b: Float32Array, what: string, tol = 1e-5): void => {
        for (let i = 0; i < b.length; i++) {
          assert.ok(Math.abs(a[i]! - b[i]!) <= tol * (1 + Math.abs(b[i]!)), `${name}/${threads}: ${what}[${i}] ${a[i]} vs ${b[i]}`);
        }
      };
      close(other.forward(xb, 10), ref.forward(x, 10), 'logits');
      const go = other.gradients(xb, y, 10);
      const gr = ref.gradients(x, y, 10);
      gr.weightGrad.forEach((g, i) => close(go.weightGrad[i]!, g, `dW${i}`));
      gr.backpropGrad.forEach((g, i) => close(go.backpropGrad[i]!, g, `dS${i}`));
      for (let s = 0; s < 3; s++) {
        const b2 = batch(50 + s, 10, 33, 9);
        xb.set(b2.x);
        other.trainStep(xb, b2.y, 10, 0.1);
        ref.trainStep(b2.x, b2.y, 10, 0.1);
        const lo = other.lastLoss;
        const lr = ref.lastLoss;
        assert.ok(Math.abs(lo - lr) < 1e-5 * (1 + lr), `${name}: loss ${lo} vs ${lr}`);
      }
      ref.layers.forEach((l, i) => close(other.layers[i]!.W, l.W, `W${i} after 3 steps`));
      other.dispose();
      backend.free(xb);
      backend.dispose();
    }
  }
});

test('save and load: safetensors round trip gives bit-identical outputs; bad files are clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glorot-io-'));
  try {
    const mlp = new Mlp(be, { widths: [7, 6, 3], activation: 'sigmoid', init: { name: 'he_uniform' }, seed: 2 });
    const { x, y } = batch(2, 5, 7, 3);
    mlp.trainStep(x, y, 5, 0.3);
    const path = join(dir, 'model.safetensors');
    writeFileAtomic(path, modelToBytes(mlp));
    const loaded = loadModel(be, path);
    assert.deepEqual(loaded.config, mlp.config);
    assert.deepEqual(Array.from(loaded.forward(x, 5)), Array.from(mlp.forward(x, 5)));
    // header names and shapes are documented: check them in the file itself
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString()) as Record<string, { shape: number[]; dtype: string }>;
    assert.deepEqual(header['layers.0.weight']!.shape, [7, 6]);
    assert.deepEqual(header['layers.1.bias']!.shape, [3]);
    assert.equal(header['layers.1.weight']!.dtype, 'F32');
    writeFileSync(path, bytes.subarray(0, bytes.length - 4));
    assert.throws(() => loadModel(be, path), /model\.safetensors: tensor "layers\.1\.bias": data_offsets/);
    writeFileSync(path, Buffer.from([1, 2, 3]));
    assert.throws(() => loadModel(be, path), /expected a safetensors file/);
    assert.throws(() => loadModel(be, join(dir, 'nope.safetensors')), /nope\.safetensors: cannot read the model file \(ENOENT\)/);
    // the file is where a model's activation names enter: checked there, naming the file and field
    const acts = 'sigmoid, tanh, softsign, relu, leaky_relu, elu, selu, linear';
    const { tensors, metadata } = decodeSafetensors(modelToBytes(mlp), 'saved');
    for (const [activation, field, found] of [
      ['gelu', 'activation', '"gelu"'],
      [['gelu'], 'activation[0]', '"gelu"'],
      ['toString', 'activation', '"toString"'],
      [null, 'activation', 'null'],
    ] as const) {
      const config = { ...(JSON.parse(metadata['config']!) as object), activation };
      writeFileSync(path, encodeSafetensors(tensors, { ...metadata, config: JSON.stringify(config) }));
      assert.throws(() => loadModel(be, path), (e: unknown) => {
        assert.ok(e instanceof InvalidInputError, String(e));
        assert.equal(e.message, `${path}: metadata "config": ${field}: expected one of ${acts}, found ${found}`);
        assert.equal(e.file, path);
        return true;
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config errors name the field', () => {
  assert.throws(() => new Mlp(be, { widths: [3], activation: 'tanh', init: { name: 'standard' }, seed: 1 }), /widths: expected at least 2/);
  assert.throws(() => new Mlp(be, { widths: [3, 0, 2], activation: 'tanh', init: { name: 'standard' }, seed: 1 }), /widths\[1\]: expected a positive integer, found 0/);
  assert.throws(() => new Mlp(be, { widths: [3, 4, 2], activation: ['tanh', 'relu'], init: { name: 'standard' }, seed: 1 }), /activation: expected one name or 1/);
});

test('argmax: NaN rows are counted wrong, ties go to the first', () => {
  assert.equal(argmax(Float32Array.of(1, 3, 3), 0, 3), 1);
  assert.equal(argmax(Float32Array.of(1, NaN, 3), 0, 3), -1);
  assert.equal(argmax(Float32Array.of(9, 1, 2, 0), 1, 3), 1);
});

/** A Float32Array split as an ExampleReader (as src/data's splits: inputSize plus read()). */
function readerOf(x: Float32Array, inputSize: number): ExampleReader {
  return {
    inputSize,
    read(start, rows, out, at) {
      out.set(x.subarray(start * inputSize, (start + rows) * inputSize), at);
    },
  };
}

test('evaluate: bad arguments are clear errors (a reader of another input size no longer mis-strides)', () => {
  const mlp = new Mlp(be, { widths: [6, 5, 3], activation: 'tanh', init: { name: 'normalized' }, seed: 4 });
  const { x, y } = batch(8, 12, 6, 3);
  // the valid calls: the same real error rate and NLL through a Float32Array, a reader and any chunk
  const whole = mlp.evaluate(x, y, 12);
  assert.ok(whole.nll > 0 && Number.isFinite(whole.nll));
  assert.equal(Math.round((whole.errorRate * 12) / 100) * (100 / 12), whole.errorRate, 'a whole number of errors');
  assert.deepEqual(mlp.evaluate(readerOf(x, 6), y, 12, 5), whole);
  assert.deepEqual(mlp.evaluate(x, y, 0), { errorRate: NaN, nll: NaN, n: 0 });
  const d8 = batch(9, 12, 8, 3).x;
  const cases: Array<[string, () => unknown, typeof TypeError | typeof RangeError, string]> = [
    // a 6-input network on an 8-input split used to read every example from the wrong offset
    ['reader of another input size', () => mlp.evaluate(readerOf(d8, 8), y, 12), RangeError,
      'x holds examples of 8 inputs (its inputSize), but the network takes 6 (widths[0])'],
    ['reader without inputSize', () => mlp.evaluate({ read: () => {} } as unknown as ExampleReader, y, 12), RangeError,
      'x holds examples of undefined inputs (its inputSize), but the network takes 6 (widths[0])'],
    ['short x', () => mlp.evaluate(x.subarray(0, 70), y, 12), RangeError, 'x has 70 values, needs n × inputSize = 12 × 6 = 72'],
    ['Float64Array x', () => mlp.evaluate(new Float64Array(72) as unknown as Float32Array, y, 12), TypeError,
      'x must be a Float32Array or an ExampleReader (read() and inputSize), got a Float64Array'],
    ['negative n', () => mlp.evaluate(x, y, -1), RangeError, 'n must be a non-negative integer, got -1'],
    ['NaN n', () => mlp.evaluate(x, y, NaN), RangeError, 'n must be a non-negative integer, got NaN'],
    ['string n', () => mlp.evaluate(x, y, '12' as unknown as number), TypeError, 'n must be a number, got "12" (a string)'],
    ['short y', () => mlp.evaluate(x, y.subarray(0, 11), 12), RangeError, 'y has 11 labels, needs at least n = 12'],
    ['Float64Array y', () => mlp.evaluate(x, Float64Array.from(y) as unknown as Int32Array, 12), TypeError,
      'y must be an Int32Array, got a Float64Array'],
    ['chunk 0', () => mlp.evaluate(x, y, 12, 0), RangeError, 'chunk must be a positive integer, got 0'],
    ['fractional chunk', () => mlp.evaluate(x, y, 12, 2.5), RangeError, 'chunk must be a positive integer, got 2.5'],
    ['string chunk', () => mlp.evaluate(x, y, 12, '5' as unknown as number), TypeError, 'chunk must be a number, got "5" (a string)'],
  ];
  for (const [what, call, cls, message] of cases) {
    assert.throws(call, (e: unknown) => {
      assert.ok(e instanceof cls, `${what}: expected a ${cls.name}, got ${String(e)}`);
      assert.equal(e.message, message, what);
      return true;
    });
  }
});

test('trainStep and gradients: an unknown cost or a bad target throws on every backend, leaves the weights alone and lastLoss NaN', async () => {
  const cfg = { widths: [5, 4, 3], activation: 'tanh' as const, init: { name: 'normalized' as const }, seed: 6 };
  for (const { name, backend } of await availableBackends()) {
    const mlp = new Mlp(backend, cfg);
    const { x, y } = batch(3, 4, 5, 3);
    const xb = backend.alloc(x.length);
    xb.set(x);
    const weights = (): number[][] => mlp.layers.map((l) => [...l.W, ...l.b]);
    const start = weights();
    const bad: Array<[string, () => void, typeof TypeError | typeof RangeError, string]> = [
      // used to train with the quadratic cost
      ['cost "mse"', () => mlp.trainStep(xb, y, 4, 0.1, 'mse' as CostName), RangeError, 'cost must be one of "nll", "quadratic", got "mse" (a string)'],
      ['cost "NLL"', () => mlp.gradients(xb, y, 4, 'NLL' as CostName), RangeError, 'cost must be one of "nll", "quadratic", got "NLL" (a string)'],
      // (the learning rate's one domain, a finite number > 0, is checked by the configuration
      // schema where it enters: test/config/training.test.ts)
      ['a bad target', () => mlp.trainStep(xb, Int32Array.of(0, 1, 2, 3), 4, 0.1), RangeError, 'target of row 3 is 3, expected a class index in [0, 3)'],
    ];
    const expectAll = (when: string): void => {
      for (const [what, call, cls, message] of bad) {
        assert.throws(call, (e: unknown) => {
          assert.ok(e instanceof cls, `${name}, ${when}, ${what}: expected a ${cls.name}, got ${String(e)}`);
          assert.equal(e.message, message, `${name}, ${when}, ${what}`);
          return true;
        });
        assert.ok(Number.isNaN(mlp.lastLoss), `${name}, ${when}, ${what}: lastLoss ${mlp.lastLoss} after a failed step`);
        mlp.gradients(xb, y, 4); // a valid call in between, so lastLoss is a number again
        assert.ok(Number.isFinite(mlp.lastLoss));
      }
    };
    expectAll('before any step');
    assert.deepEqual(weights(), start, `${name}: the failed steps changed the weights`);
    // a valid step, then the same bad calls
    mlp.trainStep(xb, y, 4, 0.1);
    const loss = mlp.lastLoss;
    const after = weights();
    assert.notDeepEqual(after, start);
    expectAll('after a step');
    assert.deepEqual(weights(), after, `${name}: the failed steps changed the weights`);
    // and the next valid step equals a fresh network's second step
    mlp.trainStep(xb, y, 4, 0.1);
    const fresh = new Mlp(backend, cfg);
    fresh.trainStep(xb, y, 4, 0.1);
    assert.equal(fresh.lastLoss, loss);
    fresh.trainStep(xb, y, 4, 0.1);
    assert.equal(mlp.lastLoss, fresh.lastLoss, `${name}: the step after the failures`);
    assert.deepEqual(weights(), fresh.layers.map((l) => [...l.W, ...l.b]));
    // lr 0 (which the configuration schema refuses) makes the fused update add nothing
    mlp.trainStep(xb, y, 4, 0);
    assert.deepEqual(weights(), fresh.layers.map((l) => [...l.W, ...l.b]), `${name}: lr 0 changes nothing`);
    mlp.dispose();
    fresh.dispose();
    backend.free(xb);
    backend.dispose();
  }
});

test('the constructor refuses an unknown init scheme or activation on every backend, naming the valid ones, before allocating', async () => {
  const acts = 'sigmoid, tanh, softsign, relu, leaky_relu, elu, selu, linear';
  const inits = 'standard, normalized, glorot_normal, lecun_uniform, lecun_normal, he_uniform, he_normal, orthogonal, truncated_normal, torch_trunc_normal';
  const base = { widths: [4, 3, 3, 2], activation: 'tanh', init: { name: 'normalized' }, seed: 1 };
  const cases: Array<[string, Record<string, unknown>, typeof Error, string]> = [
    // MlpConfig's precondition (the names are checked where they enter: the configuration schema,
    // the model reader) broken: the table lookup still refuses the name before any buffer exists
    // (the reference backend once trained on NaN losses; native and wasm threw only at the first step)
    ['activation "gelu"', { activation: 'gelu' }, RangeError, `unknown activation "gelu", expected one of ${acts}`],
    ['per-layer activation', { activation: ['tanh', 'gelu'] }, RangeError, `unknown activation "gelu", expected one of ${acts}`],
    ['inherited name', { activation: 'toString' }, RangeError, `unknown activation "toString", expected one of ${acts}`],
    // used to throw "Cannot read properties of undefined (reading 'distribution')"
    ['init "xavier"', { init: { name: 'xavier' } }, RangeError, `init.name: unknown initialisation "xavier", expected one of ${inits}`],
    ['init as a string', { init: 'normalized' }, TypeError,
      'init: expected a scheme object { name, gain?, std? }, found "normalized" (a string) (write { name: "normalized" })'],
    ['per-layer init', { init: [{ name: 'standard' }, { name: 'standard' }, { name: 'he' }] }, RangeError,
      `init[2].name: unknown initialisation "he", expected one of ${inits}`],
    ['string gain', { init: { name: 'standard', gain: '2' } }, RangeError, 'init.gain must be a finite number ≥ 0, found "2" (a string)'],
  ];
  for (const { name, backend } of await availableBackends()) {
    for (const [what, over, cls, message] of cases) {
      const cfg = { ...base, ...over } as unknown as MlpConfig;
      assert.throws(() => new Mlp(backend, cfg), (e: unknown) => {
        assert.ok(e instanceof cls, `${name}, ${what}: expected a ${cls.name}, got ${String(e)}`);
        assert.equal(e.message, message, `${name}, ${what}`);
        return true;
      });
    }
    backend.dispose();
  }
  const inner = createReferenceBackend();
  let allocated = 0;
  const counting = { ...inner, alloc: (n: number): Float32Array => (allocated++, inner.alloc(n)) };
  for (const [what, over] of cases) {
    assert.throws(() => new Mlp(counting, { ...base, ...over } as unknown as MlpConfig));
    assert.equal(allocated, 0, `${what}: allocated before refusing`);
  }
});

test('a workspace allocation that fails part-way frees the buffers it had already allocated', () => {
  const inner = createReferenceBackend();
  const live = new Set<Float32Array>();
  let failAfter = Infinity;
  const counting = {
    ...inner,
    alloc(n: number): Float32Array {
      if (failAfter-- <= 0) throw new RangeError(`alloc length ${n}: out of memory (test)`);
      const b = inner.alloc(n);
      live.add(b);
      return b;
    },
    free(b: Float32Array): void {
      live.delete(b);
      inner.free(b);
    },
  };
  const mlp = new Mlp(counting, { widths: [6, 5, 4, 3], activation: 'tanh', init: { name: 'normalized' }, seed: 1 });
  const weights = live.size; // W and b of 3 layers
  assert.equal(weights, 6);
  failAfter = 4; // the 5th workspace buffer fails
  assert.throws(() => mlp.inputBuffers(10), /out of memory \(test\)/);
  assert.equal(live.size, weights, 'no workspace buffer is left allocated');
  failAfter = Infinity;
  mlp.inputBuffers(10); // a later attempt succeeds
  mlp.dispose();
  assert.equal(live.size, 0);
});
