/**
 * The training configuration: one JSON object that fully determines a run (with the backend and
 * thread count). Validated with zod; every default is the paper's setting or a documented choice
 * (SPEC.md §1, §5, §7; docs/DECISIONS.md).
 */
import { z } from 'zod';
import { ACTIVATIONS } from '../core/activations.ts';
import { COSTS } from '../core/costs.ts';
import { DATASET_NAME_WORDS } from '../core/datasets.ts';
import { type InputSource, InvalidInputError, type InputIssue, foundText } from '../core/errors.ts';
import { INIT_NAMES } from '../core/init-schemes.ts';
import { inputIssues, nonNegativeNumber, oneOf, positiveNumber, safeInteger, wholeNumber, yesNo } from './domains.ts';

/** Updates per plotted "epoch" in the paper's figures (SPEC.md §1). */
export const UPDATES_PER_EPOCH = 20_000;

/**
 * Most histogram bins a probe may ask for. Each histogram is one row of float64 blobs (16 bytes
 * per bin), one per tensor and layer at every probe point: 10,000 bins (160 kB) resolve far more
 * than a figure shows, while 100,000,000 made SQLite refuse the row after 40 s of training ("The
 * bound string, buffer, or bigint is too big").
 */
export const MAX_HISTOGRAM_BINS = 10_000;

/** The hidden activation (the paper's sigmoid, tanh, softsign, and the extensions). */
export const ActivationSchema = oneOf(ACTIVATIONS);
/** The weight initialisation scheme (eq. (16) `normalized`, the paper's `standard`, …). */
export const InitSchema = oneOf(INIT_NAMES);
/** The SGD step size ε: one domain for every way a learning rate enters (SPEC.md §1). */
export const LearningRateSchema = positiveNumber();

/** Probe schedule and contents. */
const ProbeConfigSchema = z
  .strictObject(
    {
      /** Probe every `interval` updates (and at update 0 and at the last update). */
      interval: wholeNumber(1).default(UPDATES_PER_EPOCH),
      /**
       * Also probe at 1, 2, 5, 10, 20, 50 … updates below the first interval, so the first epochs
       * (where sigmoid's top layer collapses, Fig. 2) are visible on a log axis.
       */
      early: yesNo().default(true),
      /** Probe-set size: the first `size` test examples (the paper: 300). */
      size: wholeNumber(1).default(300),
      /** Histogram bins (at most {@link MAX_HISTOGRAM_BINS}). */
      bins: wholeNumber(1, MAX_HISTOGRAM_BINS, "glorot's limit: every histogram is stored whole at every probe point").default(100),
      /** Examples whose Jacobian spectrum is computed per hidden layer (0: never). */
      jacobianExamples: wholeNumber(0).default(5),
      /** When the Jacobian is computed: only at initialisation (the paper's figure), or at every probe. */
      jacobianAt: oneOf(['init', 'every']).default('init'),
    },
    { error: 'an object of probe settings' },
  );

/** The whole training configuration. */
export const TrainConfigSchema = z.strictObject(
  {
    /** Dataset name as understood by openDataset (shapeset, fashion-mnist, mnist, cifar10, idx:DIR, folder:DIR). */
    dataset: z.string({ error: `a dataset name: ${DATASET_NAME_WORDS}` }).min(1, { error: `a dataset name: ${DATASET_NAME_WORDS}` }).default('shapeset'),
    /** Directory of the dataset's files, when it needs one. */
    dataDir: z.string({ error: 'a directory' }).min(1, { error: 'a directory (an empty path would mean the current one)' }).optional(),
    /** Validation and test set sizes where the dataset allows choosing them (Shapeset: generated). */
    validationSize: wholeNumber(1).optional(),
    testSize: wholeNumber(1).optional(),
    /** Hidden-layer widths, input side first (the paper: five layers of 1000). */
    hidden: z.array(wholeNumber(1), { error: 'a list of hidden-layer widths (whole numbers ≥ 1), input side first' }).default([1000, 1000, 1000, 1000, 1000]),
    activation: ActivationSchema.default('tanh'),
    init: InitSchema.default('normalized'),
    /** Multiplies every layer's init scale (default 1: the paper uses none). */
    gain: nonNegativeNumber().default(1),
    cost: oneOf(COSTS).default('nll'),
    /** SGD step size ε (chosen on validation in the paper). */
    learningRate: LearningRateSchema.default(0.01),
    /** Examples per update (the paper: 10). */
    minibatch: wholeNumber(1).default(10),
    /** SGD updates to run. */
    updates: wholeNumber(0).default(100_000),
    seed: safeInteger().default(1),
    probe: ProbeConfigSchema.default(ProbeConfigSchema.parse({})),
    /** Write a checkpoint every this many updates (and on SIGINT/SIGTERM). */
    checkpointInterval: wholeNumber(1).default(10_000),
  },
  { error: 'an object of training settings' },
);

/** A validated training configuration with every default filled in. */
export type TrainConfig = z.infer<typeof TrainConfigSchema>;

/** Every default of the training configuration: the one home of each (the CLI's help reads them here). */
export const TRAIN_DEFAULTS: TrainConfig = TrainConfigSchema.parse({});

/** `source` as an {@link InputSource}: a string names what the input is (its subject). */
function sourceOf(source: InputSource | string): InputSource {
  return typeof source === 'string' ? { subject: source } : source;
}

/**
 * Validates and completes a configuration.
 * @param source where it came from (a file, a subject such as `experiment e1, variant Tanh N`).
 * @throws InvalidInputError titled `invalid training configuration`, listing every invalid field
 *   by its path with what was expected and what was found.
 */
export function parseTrainConfig(input: unknown, source: InputSource | string = {}): TrainConfig {
  const r = TrainConfigSchema.safeParse(input);
  if (r.success) return r.data;
  throw new InvalidInputError(inputIssues(r.error.issues, input), { ...sourceOf(source), title: 'invalid training configuration' });
}

/**
 * Validates the configuration stored with a run (`runs.config`) before resuming it. The trainer
 * stores the complete, validated configuration, so besides everything {@link parseTrainConfig}
 * checks, a field missing from it is an error too: filling in its default would silently resume
 * a different training than the one recorded.
 * @param source names the run and the record, e.g. `{ subject: 'run r (stored in out/glorot.sqlite)' }`.
 * @throws InvalidInputError titled `invalid stored training configuration`, listing every invalid or
 *   missing field with what was expected and what was found.
 */
export function parseStoredTrainConfig(input: unknown, source: InputSource | string): TrainConfig {
  const issues: InputIssue[] = [];
  // every field that has a default (the optional ones have none) must have been stored
  const missing = (defaults: Record<string, unknown>, stored: unknown, prefix: string): void => {
    if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return; // zod names it
    for (const [key, value] of Object.entries(defaults)) {
      const given = (stored as Record<string, unknown>)[key];
      if (given === undefined) {
        const expected = `a value (a stored configuration holds every field; the default would be ${foundText(value)})`;
        issues.push({ field: `${prefix}${key}`, expected, found: 'nothing' });
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) missing(value as Record<string, unknown>, given, `${prefix}${key}.`);
    }
  };
  missing(TRAIN_DEFAULTS, input, '');
  const r = TrainConfigSchema.safeParse(input);
  if (!r.success) issues.push(...inputIssues(r.error.issues, input).filter((i) => !issues.some((m) => m.field === i.field)));
  if (r.success && issues.length === 0) return r.data;
  throw new InvalidInputError(issues, {
    ...sourceOf(source),
    title: 'invalid stored training configuration',
    hint: 'the record was changed or damaged: repair runs.config, or start a new run',
  });
}
