/**
 * Experiments as data: one declarative description per figure/table group — a base training
 * configuration, the variants compared (activation × init × depth), the learning-rate grid and the
 * seeds. Validated with zod so a user can copy one, change it and run it (`glorot run file.json`).
 */
import { z } from 'zod';
import { type InputSource, InvalidInputError } from '../core/errors.ts';
import { readJsonFile } from '../core/json.ts';
import { isRunId, RUN_ID_WORDS } from '../core/run-ids.ts';
import { parseWith, safeInteger, wholeNumber } from './domains.ts';
import { ActivationSchema, InitSchema, LearningRateSchema, parseTrainConfig, TRAIN_DEFAULTS, type TrainConfig, TrainConfigSchema } from './training.ts';

const LABEL_WORDS = 'a label of 1 to 40 characters';

/** One compared configuration: a label (the paper's row name) and what it changes in the base. */
const VariantSchema = z.strictObject(
  {
    /** e.g. "Tanh N" — the paper's Table 1 row names; N = normalized init. */
    label: z.string({ error: LABEL_WORDS }).min(1, { error: LABEL_WORDS }).max(40, { error: LABEL_WORDS }),
    activation: ActivationSchema,
    init: InitSchema,
    /** Hidden layers (default: the base's). */
    depth: wholeNumber(0).optional(),
  },
  { error: 'a variant: an object with label, activation, init and optionally depth' },
);

/** An experiment description. */
const NAME_WORDS = 'lower-case letters, digits and dashes, at most 41 characters, starting with a letter or digit';
const nonEmptyList = <T extends z.ZodType>(item: T, words: string): z.ZodArray<T> => z.array(item, { error: words }).min(1, { error: words });

const ExperimentSchema = z.strictObject(
  {
    /** Short name, used in run ids: lower-case letters, digits and dashes. */
    name: z.string({ error: NAME_WORDS }).regex(/^[a-z0-9][a-z0-9-]{0,40}$/, { error: NAME_WORDS }),
    description: z.string({ error: 'a text' }).default(''),
    /** Everything the variants share (a training configuration; activation/init/learningRate/seed are set per run). */
    base: TrainConfigSchema.partial().default({}),
    variants: nonEmptyList(VariantSchema, 'a list of at least one variant'),
    /** Learning rates tried per variant; the one with the lowest final validation error is reported (SPEC.md §1). */
    learningRates: nonEmptyList(LearningRateSchema, 'a list of at least one learning rate'),
    seeds: nonEmptyList(safeInteger().min(0, { error: 'a whole number ≥ 0' }), 'a list of at least one seed').default([1]),
  },
  { error: 'an object describing an experiment' },
);

/** A validated experiment. */
export type Experiment = z.infer<typeof ExperimentSchema>;
/** An experiment as written by a user. */
export type ExperimentInput = z.input<typeof ExperimentSchema>;

/** One run of an experiment: its id, what it is, and its full configuration. */
export interface PlannedRun {
  readonly runId: string;
  readonly experiment: string;
  readonly label: string;
  readonly learningRate: number;
  readonly seed: number;
  readonly config: TrainConfig;
}

/**
 * Validates an experiment.
 * @param source the file it was read from, or what it is (a string names its subject).
 * @throws InvalidInputError titled `invalid experiment`, listing each invalid field, what was
 *   expected and what was found; naming `variants[i].label` when a label appears twice.
 */
export function parseExperiment(input: unknown, source: InputSource | string): Experiment {
  const where: InputSource = { ...(typeof source === 'string' ? { subject: source } : source), title: 'invalid experiment' };
  const e = parseWith(ExperimentSchema, input, where);
  e.variants.forEach((v, i) => {
    if (e.variants.findIndex((w) => w.label === v.label) < i) {
      throw new InvalidInputError({ field: `variants[${i}].label`, expected: 'a label no other variant has', found: JSON.stringify(v.label) }, where);
    }
  });
  return e;
}

/**
 * Reads and validates an experiment file, read as every JSON file a user writes is
 * (src/core/json.ts: a byte-order mark accepted, nesting bounded).
 * @throws InvalidInputError naming the file when it cannot be read, is not JSON, or is not a valid experiment.
 */
export function readExperiment(path: string): Experiment {
  return parseExperiment(readJsonFile(path, 'an experiment'), { file: path });
}

/**
 * The fields of an experiment that chose a variant's network size, for messages: its hidden widths
 * (`variants[i].depth` when the variant sets the depth and the base no widths, else `base.hidden`)
 * and its minibatch (`base.minibatch`).
 */
export function sizeFields(e: Experiment, label: string): { hidden: string; minibatch: string } {
  const i = e.variants.findIndex((v) => v.label === label);
  const byDepth = i >= 0 && e.variants[i]!.depth !== undefined && e.base.hidden === undefined;
  return { hidden: byDepth ? `variants[${i}].depth` : 'base.hidden', minibatch: 'base.minibatch' };
}

/** `Tanh N` → `tanh-n`: the label as it appears in run ids. */
function labelSlug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * A learning rate as it appears in run ids: 0.01 → `0.01`, 3e-4 → `0.0003`, 1e-7 → `1e-7`,
 * 1e21 → `1e21` (a run id has no `+`).
 */
function lrSlug(lr: number): string {
  return String(Number(lr.toPrecision(6))).replace('e+', 'e');
}

/**
 * Expands an experiment into its runs: variants × learning rates × seeds, in that order.
 * @param source the file the experiment was read from, for the messages.
 * @throws InvalidInputError when a run's configuration is invalid (naming the experiment and variant),
 *   a label has no letter or digit, or a run's id would not be a valid run id (too long); Error when
 *   two runs would get the same id.
 */
export function planRuns(e: Experiment, source: InputSource = {}): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const [i, v] of e.variants.entries()) {
    for (const lr of e.learningRates) {
      for (const seed of e.seeds) {
        const hidden = e.base.hidden ?? TRAIN_DEFAULTS.hidden;
        const depth = v.depth ?? hidden.length;
        // a variant deeper than the base repeats the base's last width (an empty base: the default width)
        const widths = Array.from({ length: depth }, (_, k) => hidden[Math.min(k, hidden.length - 1)] ?? TRAIN_DEFAULTS.hidden[0]!);
        const config = parseTrainConfig(
          { ...e.base, hidden: widths, activation: v.activation, init: v.init, learningRate: lr, seed },
          { ...source, subject: `experiment ${e.name}, variant ${v.label}` },
        );
        const slug = labelSlug(v.label);
        if (slug === '') {
          const expected = 'a label with a letter or digit (run ids are made from it)';
          const issue = { field: `variants[${i}].label`, expected, found: JSON.stringify(v.label) };
          throw new InvalidInputError(issue, { ...source, subject: `experiment ${e.name}` });
        }
        const runId = `${e.name}-${slug}-lr${lrSlug(lr)}-s${seed}`;
        // the id a run will be stored under obeys the one rule now, not when the job reaches it
        if (!isRunId(runId)) {
          throw new InvalidInputError(
            { field: '', expected: RUN_ID_WORDS, found: `${JSON.stringify(runId)} (${runId.length} characters)` },
            {
              ...source,
              subject: `experiment ${e.name}, the id of the run of variant ${JSON.stringify(v.label)}, learning rate ${lr}, seed ${seed}`,
              hint: 'an id is <name>-<label>-lr<rate>-s<seed>: shorten the experiment name or the label',
            },
          );
        }
        const clash = runs.find((r) => r.runId === runId);
        if (clash) {
          throw new Error(
            `experiment ${e.name}: run id ${runId} would be used twice (variant "${clash.label}", lr ${clash.learningRate}, seed ${clash.seed} ` +
              `and variant "${v.label}", lr ${lr}, seed ${seed}); give distinct labels, learning rates and seeds`,
          );
        }
        runs.push({
          runId,
          experiment: e.name,
          label: v.label,
          learningRate: lr,
          seed,
          config,
        });
      }
    }
  }
  return runs;
}
