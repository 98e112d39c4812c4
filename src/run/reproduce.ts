/**
 * `glorot reproduce`: plans the paper's experiments for the datasets asked for at a scale, checks
 * which datasets are available (a missing one gets a message on how to get it; the others still
 * run), runs everything with {@link runJobs} (resuming what was interrupted, skipping what is done),
 * and writes the experiment descriptions to `<out>/experiments/` so a user can copy and change one.
 */
import { join } from 'node:path';
import { openDataset } from '../data/dataset.ts';
import { writeFileAtomic } from '../store/durable.ts';
import { ensureDir } from '../store/paths.ts';
import { storeReportArtifacts } from './artifacts.ts';
import { type Experiment, parseExperiment, type PlannedRun, planRuns } from '../config/experiment.ts';
import { runJobs, type JobEvent, type RunOutcome } from './jobs.ts';
import { DATA_DIR_DATASETS, experimentFor, type Scale, SCALE_SETTINGS } from '../config/scales.ts';
import type { BackendName } from '../kernels/backend.ts';

/** Options of {@link reproduce}. */
export interface ReproduceOptions {
  readonly scale: Scale;
  readonly datasets: readonly string[];
  readonly outDir: string;
  readonly dataDir?: string;
  readonly jobs: number;
  readonly seeds?: number;
  readonly backend?: BackendName | 'auto';
  readonly threads?: number;
  /** Stop every run at this update with a checkpoint (a learning-rate pilot). */
  readonly until?: number;
  /** Write each run's TensorBoard log live into `<tensorboardDir>/<run>` (see TrainOptions.tensorboardDir). */
  readonly tensorboardDir?: string;
  readonly signal?: AbortSignal;
  readonly onEvent?: (e: JobEvent) => void;
  /** A plan already made with {@link planReproduce} for these options (default: made here). */
  readonly plan?: ReproducePlan;
}

/** One dataset of the job. */
export interface DatasetPlan {
  readonly dataset: string;
  readonly status: 'ran' | 'missing';
  /** For missing datasets: the error opening it (why, and how to get it; the CLI names its flags). */
  readonly error?: unknown;
  readonly experiment: Experiment | null;
  readonly runs: readonly PlannedRun[];
}

/** The whole job's plan. */
export interface ReproducePlan {
  readonly scale: Scale;
  readonly datasets: readonly DatasetPlan[];
  /** Total SGD updates over every planned run. */
  readonly totalUpdates: number;
}

/** The plan and what happened to each run. */
export interface ReproduceResult {
  readonly plan: ReproducePlan;
  readonly outcomes: readonly RunOutcome[];
  readonly interrupted: boolean;
  /** Why an example sheet of Fig. 1 could not be made (the report's panel says so too). */
  readonly warnings: readonly string[];
}

/** `{dataDir}` for the datasets whose files the user supplies (DATA_DIR_DATASETS), else `{}`. */
function dataDirOption(dataset: string, dataDir: string | undefined): { dataDir?: string } {
  return dataDir !== undefined && DATA_DIR_DATASETS.includes(dataset) ? { dataDir } : {};
}

/**
 * Plans the job: one experiment per available dataset.
 * @throws Error only for invalid options; unavailable datasets, and datasets whose experiment cannot
 *   be planned (e.g. run ids too long), are reported in the plan with their error.
 */
export async function planReproduce(options: Pick<ReproduceOptions, 'scale' | 'datasets' | 'dataDir' | 'seeds'>): Promise<ReproducePlan> {
  const datasets: DatasetPlan[] = [];
  for (const dataset of options.datasets) {
    try {
      // opening checks the files exist and are valid (Shapeset: generates its evaluation sets)
      await openDataset(dataset, dataDirOption(dataset, options.dataDir));
    } catch (e) {
      datasets.push({ dataset, status: 'missing', error: e, experiment: null, runs: [] });
      continue;
    }
    // a dataset whose experiment cannot be planned is reported like a missing one: the others still run
    let experiment: Experiment;
    let runs: PlannedRun[];
    try {
      experiment = parseExperiment(
        experimentFor(dataset, options.scale, {
          ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
          ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
        }),
        `${dataset} experiment`,
      );
      runs = planRuns(experiment);
    } catch (e) {
      datasets.push({ dataset, status: 'missing', error: e, experiment: null, runs: [] });
      continue;
    }
    datasets.push({ dataset, status: 'ran', experiment, runs });
  }
  const totalUpdates = datasets.flatMap((d) => d.runs).reduce((a, r) => a + r.config.updates, 0);
  return { scale: options.scale, datasets, totalUpdates };
}

/** Runs the job. Re-running the same command skips finished runs and resumes interrupted ones. */
export async function reproduce(options: ReproduceOptions): Promise<ReproduceResult> {
  const plan = options.plan ?? (await planReproduce(options));
  const expDir = join(options.outDir, 'experiments');
  ensureDir(expDir, 'the experiments directory (in the output directory)', 'outDir');
  for (const d of plan.datasets) {
    if (d.experiment) writeFileAtomic(join(expDir, `${d.experiment.name}.json`), `${JSON.stringify(d.experiment, null, 2)}\n`);
  }
  // what the report needs beyond the runs (Figs. 1 and 5): computed here, stored in the record
  const warnings = await storeReportArtifacts(
    options.outDir,
    plan.datasets.filter((d) => d.status === 'ran').map((d) => ({ dataset: d.dataset, ...dataDirOption(d.dataset, options.dataDir) })),
  );
  const outcomes = await runJobs(
    plan.datasets.flatMap((d) => d.runs),
    {
      outDir: options.outDir,
      jobs: options.jobs,
      ...(options.backend !== undefined ? { backend: options.backend } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.until !== undefined ? { until: options.until } : {}),
      ...(options.tensorboardDir !== undefined ? { tensorboardDir: options.tensorboardDir } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    },
  );
  return { plan, outcomes, interrupted: options.signal?.aborted ?? false, warnings };
}

/** The scale's note, for the report. */
export function scaleNote(scale: Scale): string {
  return SCALE_SETTINGS[scale].note;
}
