/**
 * A run's data for measuring: the dataset its configuration names, the check that its validation
 * and test splits can be evaluated, the probe set (SPEC.md §5: the first 300 test examples), and the
 * evaluations recorded at every probe point.
 */
import type { TrainConfig } from '../config/training.ts';
import { isFolderDataset } from '../core/datasets.ts';
import { InvalidInputError } from '../core/errors.ts';
import { openDataset, type Dataset, type Split } from '../data/dataset.ts';
import type { Mlp } from '../nn/mlp.ts';
import type { EvaluationRecord } from '../core/metrics.ts';
import type { Running } from './step.ts';

/** Opens the dataset a configuration names, with its options. */
export function openConfigDataset(config: TrainConfig): Promise<Dataset> {
  return openDataset(config.dataset, {
    ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}),
    ...(config.validationSize !== undefined ? { validationSize: config.validationSize } : {}),
    ...(config.testSize !== undefined ? { testSize: config.testSize } : {}),
  });
}

/**
 * Refuses a dataset that cannot be evaluated: every probe point evaluates the validation and the
 * test split, and the probe set is the first `probe.size` examples of the test split, so both must
 * hold at least one example. (A test split smaller than `probe.size` is probed whole, with a notice.)
 * @throws InvalidInputError naming the field that sets the empty split (`validationSize`,
 *   `testSize`, or `dataset` when its test file is empty), with the dataset as subject.
 */
export function checkEvaluationSplits(config: TrainConfig, dataset: Dataset): void {
  for (const [split, data] of [
    ['validation', dataset.validation],
    ['test', dataset.test],
  ] as const) {
    if (data.n >= 1) continue;
    const why = split === 'test' ? `every probe point evaluates it and probes its first ${config.probe.size} examples` : 'every probe point evaluates it';
    const found = `an empty ${split} split (0 examples)`;
    const subject = `dataset ${config.dataset}`;
    if (isFolderDataset(config.dataset)) {
      const images = ['train', 'validation', 'test'].reduce((a, k) => a + Number(dataset.info[k] ?? 0), 0);
      const expected = `a ${split} split of at least 1 example (${why}; the folder has ${images} images: add images, or choose a size ≥ 1)`;
      throw new InvalidInputError({ field: `${split}Size`, expected, found }, { subject });
    }
    if (config.dataset === 'shapeset' || split === 'validation') {
      throw new InvalidInputError({ field: `${split}Size`, expected: `a ${split} split of at least 1 example (${why})`, found }, { subject });
    }
    // a file dataset's test split is its test file, whatever the options
    const expected = `a dataset whose test file holds examples (${why})`;
    throw new InvalidInputError({ field: 'dataset', expected, found: `${JSON.stringify(config.dataset)}, whose test file holds none` });
  }
}

/** The probe set: the first `size` test examples (the paper's 300), materialised as float32 [n, inputSize]. */
export function probeSet(test: Split, inputSize: number, size: number): { x: Float32Array; y: Int32Array; n: number } {
  const n = Math.min(size, test.n);
  const x = new Float32Array(n * inputSize);
  test.read(0, n, x, 0);
  return { x, y: test.y.subarray(0, n), n };
}

/** Evaluations at a probe point: the running training estimate, validation and test. */
export function evaluate(mlp: Mlp, dataset: Dataset, running: Running): EvaluationRecord[] {
  const out: EvaluationRecord[] = [];
  if (running.examples > 0) {
    out.push({ split: 'train', errorRate: (100 * running.wrong) / running.examples, nll: running.loss / running.examples, examples: running.examples });
  }
  for (const [split, data] of [
    ['validation', dataset.validation],
    ['test', dataset.test],
  ] as const) {
    // the split itself: Mlp.evaluate reads it chunk by chunk (it stays compact, e.g. 8-bit pixels)
    const r = mlp.evaluate(data, data.y, data.n);
    out.push({ split, errorRate: r.errorRate, nll: r.nll, examples: r.n });
  }
  return out;
}
