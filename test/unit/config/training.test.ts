/**
 * The configuration schema is the one place where a training field's domain is checked: every way a
 * value enters (glorot train's flags, a --config file, an experiment file, a stored run) goes
 * through it, and its errors name the field by its path, what was expected and what was found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { parseExperiment, planRuns } from '../../../src/config/experiment.ts';
import { LearningRateSchema, parseStoredTrainConfig, parseTrainConfig, TRAIN_DEFAULTS, TrainConfigSchema } from '../../../src/config/training.ts';

/** The issues of `input` as `field: expected, found` lines. */
function issues(input: unknown): string[] {
  try {
    parseTrainConfig(input);
  } catch (e) {
    assert.ok(e instanceof InvalidInputError, String(e));
    assert.equal(e.title, 'invalid training configuration');
    return e.issues.map((i) => `${i.field}: ${i.expected}, ${i.found}`);
  }
  return [];
}

test('the learning rate has one domain, a finite number > 0, wherever it enters', () => {
  for (const [lr, found] of [[0, '0'], [-0.1, '-0.1'], [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'], ['0.1', '"0.1"'], [null, 'null']] as const) {
    assert.deepEqual(issues({ learningRate: lr }), [`learningRate: a finite number > 0, ${found}`], String(lr));
    // an experiment's grid uses the same schema
    assert.throws(() => parseExperiment({ name: 'e', variants: [{ label: 'T', activation: 'tanh', init: 'standard' }], learningRates: [0.1, lr] }, { file: 'e.json' }), {
      message: `e.json: invalid experiment:\n  - learningRates[1]: expected a finite number > 0, found ${found}`,
    });
  }
  for (const lr of [1e-12, 0.01, 3]) assert.equal(parseTrainConfig({ learningRate: lr }).learningRate, lr);
  assert.equal(LearningRateSchema.safeParse(Number.MIN_VALUE).success, true, 'the smallest positive double is a learning rate');
});

test('each field names its own domain: choices, whole-number ranges, list elements, unknown fields, the probe settings', () => {
  assert.deepEqual(issues({ activation: 'gelu', init: 'xavier', cost: 'mse' }), [
    'activation: one of sigmoid, tanh, softsign, relu, leaky_relu, elu, selu, linear, "gelu"',
    `init: one of ${TrainConfigSchema.shape.init.unwrap().options.join(', ')}, "xavier"`,
    'cost: one of nll, quadratic, "mse"',
  ]);
  assert.deepEqual(issues({ hidden: [8, 0, 2.5, 'x'], minibatch: 0, updates: -1, seed: 2 ** 60 }), [
    'hidden[1]: a whole number ≥ 1, 0',
    'hidden[2]: a whole number ≥ 1, 2.5',
    'hidden[3]: a whole number ≥ 1, "x"',
    'minibatch: a whole number ≥ 1, 0',
    'updates: a whole number ≥ 0, -1',
    `seed: a whole number (at most 2^53 − 1 in size), ${2 ** 60}`,
  ]);
  assert.deepEqual(issues({ gain: -1, hidden: 'wide', extra: 1, probe: { bins: 10_001, early: 'yes', jacobianAt: 'end', typo: 2 } }), [
    'hidden: a list of hidden-layer widths (whole numbers ≥ 1), input side first, "wide"',
    'gain: a finite number ≥ 0, -1',
    "probe.early: true or false, \"yes\"",
    "probe.bins: a whole number from 1 to 10,000 (glorot's limit: every histogram is stored whole at every probe point), 10001",
    'probe.jacobianAt: one of init, every, "end"',
    'probe.typo: no such field (it is not part of the configuration; check its spelling), 2',
    'extra: no such field (it is not part of the configuration; check its spelling), 1',
  ]);
  assert.deepEqual(issues(5), [': an object of training settings, 5']);
});

test('the defaults have one home, the schema, and every default is valid', () => {
  assert.deepEqual(TRAIN_DEFAULTS, parseTrainConfig({}));
  assert.deepEqual([TRAIN_DEFAULTS.learningRate, TRAIN_DEFAULTS.hidden, TRAIN_DEFAULTS.activation, TRAIN_DEFAULTS.probe.size], [0.01, [1000, 1000, 1000, 1000, 1000], 'tanh', 300]);
  // an experiment whose base sets no widths takes the default's
  const [run] = planRuns(parseExperiment({ name: 'e', variants: [{ label: 'T', activation: 'tanh', init: 'standard', depth: 2 }], learningRates: [0.1] }, 'test'));
  assert.deepEqual(run!.config.hidden, [1000, 1000]);
});

test('experiments: a repeated label, a bad name and empty lists are named by their path', () => {
  const v = { activation: 'tanh', init: 'standard' };
  assert.throws(() => parseExperiment({ name: 'e', variants: [{ label: 'A', ...v }, { label: 'B', ...v }, { label: 'A', ...v }], learningRates: [0.1] }, { file: 'e.json' }), {
    message: 'e.json: invalid experiment:\n  - variants[2].label: expected a label no other variant has, found "A"',
  });
  assert.throws(() => parseExperiment({ name: 'E!', variants: [], learningRates: [] }, 'test'), {
    message:
      'test: invalid experiment:\n' +
      '  - name: expected lower-case letters, digits and dashes, at most 41 characters, starting with a letter or digit, found "E!"\n' +
      '  - variants: expected a list of at least one variant, found []\n' +
      '  - learningRates: expected a list of at least one learning rate, found []',
  });
});

test('a stored configuration must hold every field: a missing one is named with the default it would silently take', () => {
  const stored = { ...TRAIN_DEFAULTS, probe: { ...TRAIN_DEFAULTS.probe } } as Record<string, unknown>;
  delete stored['learningRate'];
  delete (stored['probe'] as Record<string, unknown>)['size'];
  assert.throws(() => parseStoredTrainConfig(stored, { file: 'out/glorot.sqlite', subject: 'run r' }), {
    name: 'InvalidInputError',
    message:
      'out/glorot.sqlite: run r: invalid stored training configuration (the record was changed or damaged: repair runs.config, or start a new run):\n' +
      '  - learningRate: expected a value (a stored configuration holds every field; the default would be 0.01), found nothing\n' +
      '  - probe.size: expected a value (a stored configuration holds every field; the default would be 300), found nothing',
  });
  assert.deepEqual(parseStoredTrainConfig(TRAIN_DEFAULTS, 'run r'), TRAIN_DEFAULTS);
});
