/**
 * Experiments as data: one declarative description per figure/table group — a base training
 * configuration, the variants compared (activation × init × depth), the learning-rate grid and the
 * seeds. Validated with zod so a user can copy one, change it and run it (`glorot run file.json`).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ACTIVATIONS } from '../kernels/backend.ts';
import { INIT_NAMES } from '../nn/init.ts';
import { formatIssues, parseTrainConfig, type TrainConfig, TrainConfigSchema } from './training.ts';

/** One compared configuration: a label (the paper's row name) and what it changes in the base. */
export const VariantSchema = z
  .object({
    /** e.g. "Tanh N" — the paper's Table 1 row names; N = normalized init. */
    label: z.string().min(1).max(40),
    activation: z.enum(ACTIVATIONS),
    init: z.enum(INIT_NAMES),
    /** Hidden layers (default: the base's). */
    depth: z.number().int().min(0).optional(),
  })
  .strict();

/** An experiment description. */
export const ExperimentSchema = z
  .object({
    /** Short name, used in run ids: lower-case letters, digits and dashes. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lower-case letters, digits and dashes, at most 41 characters'),
    description: z.string().default(''),
    /** Everything the variants share (a training configuration; activation/init/learningRate/seed are set per run). */
    base: TrainConfigSchema.partial().default({}),
    variants: z.array(VariantSchema).min(1),
    /** Learning rates tried per variant; the one with the lowest final validation error is reported (SPEC.md §1). */
    learningRates: z.array(z.number().positive().finite()).min(1),
    seeds: z.array(z.number().int().min(0)).min(1).default([1]),
  })
  .strict();

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
 * @param source file name or description for error messages.
 * @throws Error listing each invalid field, what was expected and what was found.
 */
export function parseExperiment(input: unknown, source: string): Experiment {
  const r = ExperimentSchema.safeParse(input);
  if (!r.success) throw new Error(`${source}: invalid experiment:\n${formatIssues(r.error.issues, input)}`);
  const labels = new Set<string>();
  for (const v of r.data.variants) {
    if (labels.has(v.label)) throw new Error(`${source}: variants: the label "${v.label}" appears twice`);
    labels.add(v.label);
  }
  return r.data;
}

/**
 * Reads and validates an experiment file.
 * @throws Error naming the file when it cannot be read, is not JSON, or is not a valid experiment.
 */
export function readExperiment(path: string): Experiment {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read the experiment file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseExperiment(json, path);
}

/** `Tanh N` → `tanh-n`: the label as it appears in run ids. */
export function labelSlug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A learning rate as it appears in run ids: 0.01 → `0.01`, 3e-4 → `0.0003`. */
function lrSlug(lr: number): string {
  return String(Number(lr.toPrecision(6))).replace(/e-(\d+)/, (_, d: string) => `e-${d}`);
}

/**
 * Expands an experiment into its runs: variants × learning rates × seeds, in that order.
 * @throws Error when a run's configuration is invalid (naming the experiment and variant).
 */
export function planRuns(e: Experiment): PlannedRun[] {
  const runs: PlannedRun[] = [];
  for (const v of e.variants) {
    for (const lr of e.learningRates) {
      for (const seed of e.seeds) {
        const hidden = e.base.hidden ?? [1000, 1000, 1000, 1000, 1000];
        const depth = v.depth ?? hidden.length;
        const widths = Array.from({ length: depth }, (_, i) => hidden[Math.min(i, hidden.length - 1)] ?? 1000);
        const config = parseTrainConfig(
          { ...e.base, hidden: widths, activation: v.activation, init: v.init, learningRate: lr, seed },
          `experiment ${e.name}, variant ${v.label}`,
        );
        const slug = labelSlug(v.label);
        if (slug === '') throw new Error(`experiment ${e.name}: variant label "${v.label}" has no letter or digit to name its runs`);
        const runId = `${e.name}-${slug}-lr${lrSlug(lr)}-s${seed}`;
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
