/**
 * The paper's experiments at three scales (docs/DECISIONS.md "Scales"): `smoke` (under a minute,
 * tiny nets, for tests), `quick` (the default: at most 20 minutes on a 2-core machine, chosen so
 * the paper's phenomena still show), and `paper` (SPEC.md §1: 1000 units × 5 layers, minibatch 10,
 * 2.5 M updates, the learning-rate grid). Each dataset's experiment compares the paper's Table 1
 * rows (plus Sigmoid depth 4 on Shapeset, Fig. 11).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { ExperimentInput } from './experiment.ts';
import { UPDATES_PER_EPOCH } from './training.ts';

/** The scales of `glorot reproduce`. */
export const SCALES = ['smoke', 'quick', 'paper'] as const;
/** One of {@link SCALES}. */
export type Scale = (typeof SCALES)[number];

/** What a scale sets: sizes, lengths and grids. */
export interface ScaleSettings {
  readonly width: number;
  readonly depth: number;
  readonly updates: number;
  readonly probeInterval: number;
  readonly learningRates: readonly number[];
  readonly seeds: readonly number[];
  /** Generated Shapeset validation/test sizes (files: the held-out 10k validation, full test). */
  readonly shapesetEvalSize: number;
  readonly probeSize: number;
  readonly jacobianExamples: number;
  readonly bins: number;
  readonly checkpointInterval: number;
  /** One sentence on what this scale changes from the paper, shown in the report. */
  readonly note: string;
  /** How long the whole job takes, roughly (for help texts). */
  readonly duration: string;
}

/** The settings of each scale. */
export const SCALE_SETTINGS: Readonly<Record<Scale, ScaleSettings>> = {
  smoke: {
    width: 32,
    depth: 5,
    updates: 400,
    probeInterval: 200,
    learningRates: [0.1],
    seeds: [1],
    shapesetEvalSize: 300,
    probeSize: 100,
    jacobianExamples: 2,
    bins: 40,
    checkpointInterval: 200,
    duration: '<1 min',
    note: 'smoke test: 32 units per layer, 400 updates, one learning rate — checks that every figure and the table are produced, shows no phenomenon',
  },
  quick: {
    width: 250,
    depth: 5,
    updates: 60_000,
    probeInterval: 5_000,
    learningRates: [0.03, 0.1],
    seeds: [1],
    shapesetEvalSize: 5_000,
    probeSize: 300,
    jacobianExamples: 5,
    bins: 100,
    checkpointInterval: 10_000,
    duration: '≤20 min on 2 cores',
    note:
      'quick: 250 units per layer instead of 1000 (n·Var[W] and so the phenomena do not depend on width), ' +
      "60,000 updates (3 of the paper's epochs) instead of 2.5 M, learning rates {0.03, 0.1}, one seed, " +
      "5,000-image Shapeset validation and test sets (file datasets keep the paper's 10,000)",
  },
  paper: {
    width: 1000,
    depth: 5,
    updates: 2_500_000,
    probeInterval: UPDATES_PER_EPOCH,
    learningRates: [0.003, 0.01, 0.03, 0.1, 0.3],
    seeds: [1],
    shapesetEvalSize: 10_000,
    probeSize: 300,
    jacobianExamples: 5,
    bins: 100,
    checkpointInterval: UPDATES_PER_EPOCH,
    duration: 'days',
    note:
      'paper: 1000 units × 5 hidden layers (sigmoid also 4), minibatch 10, 2.5 M updates, ' +
      'learning-rate grid {0.003, 0.01, 0.03, 0.1, 0.3}, one seed by default',
  },
};

/**
 * The datasets `--data-dir` applies to: those whose files the user supplies. Shapeset is generated
 * and Fashion-MNIST comes from its Debian package, so one `--data-dir` can never make one dataset
 * read another's files (e.g. MNIST results under a Fashion-MNIST heading).
 */
export const DATA_DIR_DATASETS: readonly string[] = ['mnist', 'cifar10'];

/** The compared configurations: the paper's Table 1 rows; `Sigmoid d4` only on Shapeset (Fig. 11). */
function variantsFor(dataset: string, depth: number): ExperimentInput['variants'] {
  const v: ExperimentInput['variants'] = [
    { label: 'Sigmoid', activation: 'sigmoid', init: 'standard' },
    { label: 'Tanh', activation: 'tanh', init: 'standard' },
    { label: 'Tanh N', activation: 'tanh', init: 'normalized' },
    { label: 'Softsign', activation: 'softsign', init: 'standard' },
    { label: 'Softsign N', activation: 'softsign', init: 'normalized' },
  ];
  if (dataset === 'shapeset' && depth > 1) v.splice(1, 0, { label: 'Sigmoid d4', activation: 'sigmoid', init: 'standard', depth: depth - 1 });
  return v;
}

/**
 * The longest experiment name kept as the dataset's own slug: its run ids
 * (`<name>-softsign-n-lr0.003-s<seed>`, 25 characters after the name with a 4-digit seed) then stay
 * within the 64 characters of a run id, with room to spare.
 */
const MAX_PLAIN_NAME = 32;

/**
 * The experiment name of a dataset, made from its name: `shapeset`, `fashion-mnist`, and for
 * `folder:<dir>` or `idx:<dir>` the slug of the whole name (`folder-tmp-pets`) when it is at most
 * {@link MAX_PLAIN_NAME} characters, else the kind, the slug of the directory's own name and 8 hex
 * digits of the SHA-256 of the whole name (`folder-pets-3f2a9c1d`): a long path no longer makes a
 * name (and run ids) too long, and two directories of one name still differ.
 */
export function experimentName(dataset: string): string {
  const slug = (s: string): string => s.replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/^-+|-+$/g, '');
  const plain = slug(dataset);
  if (/^[a-z0-9][a-z0-9-]*$/.test(plain) && plain.length <= MAX_PLAIN_NAME) return plain;
  const kind = dataset.startsWith('idx:') ? 'idx' : 'folder';
  const dir = basename(dataset.replace(/^(idx|folder):/, ''));
  const hash = createHash('sha256').update(dataset).digest('hex').slice(0, 8);
  return [kind, slug(dir).slice(0, 16).replace(/-+$/, ''), hash].filter((p) => p !== '').join('-');
}

/**
 * The experiment of one dataset at a scale.
 * @param seeds overrides the scale's seeds when given (`--seeds K` → 1 … K).
 */
export function experimentFor(dataset: string, scale: Scale, options: { dataDir?: string; seeds?: number } = {}): ExperimentInput {
  const s = SCALE_SETTINGS[scale];
  const isShapeset = dataset === 'shapeset';
  // file datasets keep the paper's splits (10k held out for validation, the 10k test file)
  const evalSize = isShapeset ? s.shapesetEvalSize : undefined;
  return {
    name: experimentName(dataset),
    description: `Table 1 column and curves for ${dataset} at the ${scale} scale`,
    base: {
      dataset,
      ...(options.dataDir !== undefined && DATA_DIR_DATASETS.includes(dataset) ? { dataDir: options.dataDir } : {}),
      ...(evalSize !== undefined ? { validationSize: evalSize, testSize: evalSize } : {}),
      hidden: Array<number>(s.depth).fill(s.width),
      minibatch: 10,
      updates: s.updates,
      checkpointInterval: s.checkpointInterval,
      probe: { interval: s.probeInterval, early: true, size: s.probeSize, bins: s.bins, jacobianExamples: s.jacobianExamples, jacobianAt: 'init' },
    },
    variants: variantsFor(dataset, s.depth),
    learningRates: [...s.learningRates],
    seeds: options.seeds !== undefined ? Array.from({ length: options.seeds }, (_, i) => i + 1) : [...s.seeds],
  };
}
