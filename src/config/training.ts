/**
 * The training configuration: one JSON object that fully determines a run (with the backend and
 * thread count). Validated with zod; every default is the paper's setting or a documented choice
 * (SPEC.md §1, §5, §7; docs/DECISIONS.md).
 */
import { z } from 'zod';
import { ACTIVATIONS } from '../kernels/backend.ts';
import { INIT_NAMES } from '../nn/init.ts';
import { COSTS } from '../nn/mlp.ts';

/** Updates per plotted "epoch" in the paper's figures (SPEC.md §1). */
export const UPDATES_PER_EPOCH = 20_000;

const positiveInt = z.number().int().positive();

/**
 * Most histogram bins a probe may ask for. Each histogram is one row of float64 blobs (16 bytes
 * per bin), one per tensor and layer at every probe point: 10,000 bins (160 kB) resolve far more
 * than a figure shows, while 100,000,000 made SQLite refuse the row after 40 s of training ("The
 * bound string, buffer, or bigint is too big").
 */
export const MAX_HISTOGRAM_BINS = 10_000;

/** Probe schedule and contents. */
export const ProbeConfigSchema = z
  .object({
    /** Probe every `interval` updates (and at update 0 and at the last update). */
    interval: positiveInt.default(UPDATES_PER_EPOCH),
    /**
     * Also probe at 1, 2, 5, 10, 20, 50 … updates below the first interval, so the first epochs
     * (where sigmoid's top layer collapses, Fig. 2) are visible on a log axis.
     */
    early: z.boolean().default(true),
    /** Probe-set size: the first `size` test examples (the paper: 300). */
    size: positiveInt.default(300),
    /** Histogram bins (at most {@link MAX_HISTOGRAM_BINS}). */
    bins: positiveInt
      .max(MAX_HISTOGRAM_BINS, { message: `expected at most ${MAX_HISTOGRAM_BINS.toLocaleString('en-US')} histogram bins (glorot's limit: every histogram is stored whole at every probe point)` })
      .default(100),
    /** Examples whose Jacobian spectrum is computed per hidden layer (0: never). */
    jacobianExamples: z.number().int().min(0).default(5),
    /** When the Jacobian is computed: only at initialisation (the paper's figure), or at every probe. */
    jacobianAt: z.enum(['init', 'every']).default('init'),
  })
  .strict();

/** The whole training configuration. */
export const TrainConfigSchema = z
  .object({
    /** Dataset name as understood by openDataset (shapeset, fashion-mnist, mnist, cifar10, idx:DIR, folder:DIR). */
    dataset: z.string().min(1).default('shapeset'),
    /** Directory of the dataset's files, when it needs one. */
    dataDir: z.string().optional(),
    /** Validation and test set sizes where the dataset allows choosing them (Shapeset: generated). */
    validationSize: positiveInt.optional(),
    testSize: positiveInt.optional(),
    /** Hidden-layer widths, input side first (the paper: five layers of 1000). */
    hidden: z.array(positiveInt).min(0).default([1000, 1000, 1000, 1000, 1000]),
    activation: z.enum(ACTIVATIONS).default('tanh'),
    init: z.enum(INIT_NAMES).default('normalized'),
    /** Multiplies every layer's init scale (default 1: the paper uses none). */
    gain: z.number().min(0).finite().default(1),
    cost: z.enum(COSTS).default('nll'),
    /** SGD step size ε (chosen on validation in the paper). */
    learningRate: z.number().positive().finite().default(0.01),
    /** Examples per update (the paper: 10). */
    minibatch: positiveInt.default(10),
    /** SGD updates to run. */
    updates: z.number().int().min(0).default(100_000),
    seed: z.number().int().safe().default(1),
    probe: ProbeConfigSchema.default(ProbeConfigSchema.parse({})),
    /** Write a checkpoint every this many updates (and on SIGINT/SIGTERM). */
    checkpointInterval: positiveInt.default(10_000),
  })
  .strict();

/** A validated training configuration with every default filled in. */
export type TrainConfig = z.infer<typeof TrainConfigSchema>;
/** A training configuration as a user writes it: every field optional. */
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;

/**
 * Validates and completes a configuration.
 * @param source where it came from (a file name, "options"), for error messages.
 * @throws Error listing every invalid field with what was expected and what was found.
 */
export function parseTrainConfig(input: unknown, source: string): TrainConfig {
  const r = TrainConfigSchema.safeParse(input);
  if (r.success) return r.data;
  throw new Error(`${source}: invalid training configuration:\n${formatIssues(r.error.issues, input)}`);
}

/**
 * Validates the configuration stored with a run (`runs.config`) before resuming it. The trainer
 * stores the complete, validated configuration, so besides everything {@link parseTrainConfig}
 * checks, a field missing from it is an error too: filling in its default would silently resume
 * a different training than the one recorded.
 * @param source names the run and the record, e.g. `run r (stored in glorot-out/glorot.sqlite)`.
 * @throws Error listing every invalid or missing field with what was expected and what was found.
 */
export function parseStoredTrainConfig(input: unknown, source: string): TrainConfig {
  const lines: string[] = [];
  // every field that has a default (the optional ones have none) must have been stored
  const missing = (defaults: Record<string, unknown>, stored: unknown, prefix: string): void => {
    if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return; // zod names it
    for (const [key, value] of Object.entries(defaults)) {
      const given = (stored as Record<string, unknown>)[key];
      if (given === undefined) lines.push(`  - ${prefix}${key}: missing (a stored configuration holds every field; the default would be ${JSON.stringify(value)})`);
      else if (value !== null && typeof value === 'object' && !Array.isArray(value)) missing(value as Record<string, unknown>, given, `${prefix}${key}.`);
    }
  };
  missing(TrainConfigSchema.parse({}), input, '');
  const r = TrainConfigSchema.safeParse(input);
  if (!r.success) lines.push(formatIssues(r.error.issues, input));
  if (r.success && lines.length === 0) return r.data;
  throw new Error(`${source}: invalid stored training configuration (the record was changed or damaged: repair runs.config, or start a new run):\n${lines.join('\n')}`);
}

/**
 * One line per zod issue: the field path, the message, and the value found. An unknown field gets
 * a line of its own, named by its path (not the whole object that holds it).
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  const at = (path: readonly PropertyKey[]): unknown => {
    let found: unknown = input;
    for (const p of path) found = found && typeof found === 'object' ? (found as Record<PropertyKey, unknown>)[p] : undefined;
    return found;
  };
  const line = (path: readonly PropertyKey[], message: string, found: unknown): string =>
    `  - ${path.length > 0 ? path.map(String).join('.') : '(root)'}: ${message}${found === undefined ? '' : `; found ${JSON.stringify(found)}`}`;
  return issues
    .flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => line([...i.path, k], 'unknown field (not part of the configuration; check its spelling)', at([...i.path, k])))
        : [line(i.path, i.message, at(i.path))],
    )
    .join('\n');
}
