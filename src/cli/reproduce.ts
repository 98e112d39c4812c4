/** `glorot reproduce` (the main job) and `glorot run <experiment.json>`. */
import { cpus } from 'node:os';
import { type Command, Option } from 'commander';
import { type PlannedRun, planRuns, readExperiment, sizeFields } from '../config/experiment.ts';
import { SCALE_SETTINGS, SCALES, type Scale } from '../config/scales.ts';
import { DATASET_NAMES } from '../core/datasets.ts';
import { createBackend, describeBackend } from '../kernels/index.ts';
import { type DatasetShape, datasetShapes, estimateSeconds } from '../run/estimate.ts';
import { killWorkers, runJobs, type RunOutcome } from '../run/jobs.ts';
import { checkRunSizes, type SizeFields } from '../run/plan-check.ts';
import { planReproduce, reproduce } from '../run/reproduce.ts';
import { acquireJobLock } from '../store/locks.ts';
import { DEFAULT_OUT_DIR } from '../store/paths.ts';
import { addBackendOptions, type BackendFlags, type BackendRequest, backendRequest } from './backend.ts';
import { defaultText, errorText, pathArg, wholeNumberArg } from './flags.ts';
import { asUsage, EXIT_INTERRUPTED, UsageError } from './exit.ts';
import { interruptSignal } from './interrupt.ts';
import { formatDuration, jobProgress } from './jobProgress.ts';
import { printExperimentResults, writeJobReport } from './report.ts';
import { print } from './terminal.ts';
import { addTensorboardOption, liveTensorboard, type TensorboardFlag } from './tensorboard.ts';

/** The datasets of `reproduce` by default: Shapeset (generated) and Fashion-MNIST (Debian package). */
const DEFAULT_DATASETS = ['shapeset', 'fashion-mnist'] as const;
/** The scale of `reproduce` by default. */
const DEFAULT_SCALE: Scale = 'quick';

/** The options both job commands take. */
interface JobCliOptions extends BackendFlags, TensorboardFlag {
  out: string;
  until?: number;
  jobs?: number;
}

/** The backend and threads asked for, and the parallel runs: `--jobs`, else cores / threads. */
function jobSettings(o: JobCliOptions): BackendRequest & { jobs: number } {
  const request = asUsage(() => backendRequest(o));
  return { ...request, jobs: o.jobs ?? Math.max(1, Math.floor(cpus().length / request.threads)) };
}

/** Adds the options both job commands take. */
function addJobOptions(cmd: Command): Command {
  cmd.option('--jobs <n>', 'runs in parallel (default: cores / threads)', wholeNumberArg(1));
  return addTensorboardOption(
    addBackendOptions(cmd, true)
      .option('--out <dir>', 'output directory', pathArg('--out', 'a directory'), DEFAULT_OUT_DIR)
      .option('--until <n>', 'stop every run at update n with a checkpoint (a learning-rate pilot); run again without it to continue', wholeNumberArg(1)),
  );
}

/**
 * Prints how many runs ended in each status; sets a non-zero exit code when any run failed or could
 * not start (diverged runs are results, not failures).
 */
function printOutcomes(outcomes: readonly RunOutcome[]): void {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  print(`runs: ${outcomes.length === 0 ? 'none' : [...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`);
  if (outcomes.some((o) => o.status === 'error' || o.status === 'failed')) process.exitCode = 1;
}

/**
 * Runs `body` with a progress display of `runs` and Ctrl-C handling: the first Ctrl-C checkpoints
 * every running run, a second kills the workers and quits.
 */
async function withJobDisplay(
  runs: readonly PlannedRun[],
  until: number | undefined,
  eta: number,
  body: (signal: AbortSignal, onEvent: ReturnType<typeof jobProgress>['onEvent'], stopDisplay: () => void) => Promise<void>,
): Promise<void> {
  const message = 'stopping: every running run writes a checkpoint; re-run the same command to continue (Ctrl-C again quits at once)';
  const interrupt = interruptSignal(message, killWorkers);
  const updatesOf = new Map(runs.map((r) => [r.runId, Math.min(r.config.updates, until ?? Infinity)]));
  const total = [...updatesOf.values()].reduce((a, u) => a + u, 0);
  const progress = jobProgress(runs.length, total, (id) => updatesOf.get(id) ?? 0, eta);
  try {
    await body(interrupt.signal, progress.onEvent, progress.stop);
  } finally {
    progress.stop();
    interrupt.dispose();
  }
}

/**
 * Runs `body` holding `out`'s job lock: a second `reproduce` or `run` into the same directory is
 * refused (naming the directory and the job, pid and host that hold it) rather than training the
 * same runs twice and writing a report from another job's unfinished runs.
 * @throws RunStoreError `IN_USE` (field `outDir`: the CLI names `--out`) when a live job holds it.
 */
async function holdingJobLock(out: string, body: () => Promise<void>): Promise<void> {
  // the command as typed, control characters shown as `?` (it is printed in the other job's message)
  const command = `glorot ${process.argv.slice(2).join(' ')}`.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 200);
  const release = acquireJobLock(out, command);
  try {
    await body();
  } finally {
    release();
  }
}

/** `{ until }` when `--until` was given. */
function untilOf(o: JobCliOptions): { until?: number } {
  return o.until !== undefined ? { until: o.until } : {};
}

/** Says how to continue an interrupted job and sets its exit status. */
function interrupted(out: string): void {
  print(`interrupted: re-run the same command to continue from the checkpoints in ${out}`);
  process.exitCode = EXIT_INTERRUPTED;
}

/** The action of `glorot reproduce`. */
async function reproduceAction(o: JobCliOptions & { scale: Scale; datasets?: string; dataDir?: string; seeds?: number }): Promise<void> {
  await holdingJobLock(o.out, () => reproduceJob(o));
}

/** `glorot reproduce`, holding the output directory's job lock. */
async function reproduceJob(o: JobCliOptions & { scale: Scale; datasets?: string; dataDir?: string; seeds?: number }): Promise<void> {
  const { name: backend, threads, jobs } = jobSettings(o);
  const datasets = [...new Set(o.datasets !== undefined ? o.datasets.split(',').map((s) => s.trim()).filter((s) => s !== '') : DEFAULT_DATASETS)];
  if (datasets.length === 0) throw new UsageError('--datasets: expected at least one dataset name, found none');
  const probe = await createBackend({ name: backend, threads });
  print(`${describeBackend(probe)} · ${jobs} parallel run${jobs === 1 ? '' : 's'}`);
  probe.dispose();
  const options = {
    scale: o.scale,
    datasets,
    ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
    ...(o.seeds !== undefined ? { seeds: o.seeds } : {}),
  };
  const plan = await planReproduce(options);
  const missing = new Map<string, string>();
  for (const d of plan.datasets) {
    if (d.status !== 'missing') continue;
    missing.set(d.dataset, errorText(d.error));
    print(`dataset ${d.dataset}: skipped — ${missing.get(d.dataset)}`);
  }
  const runs = plan.datasets.flatMap((d) => d.runs);
  if (runs.length === 0) throw new Error(`none of the datasets asked for (${datasets.join(', ')}) is available; see the messages above`);
  const eta = await estimateSeconds(runs, await datasetShapes(runs), { jobs, backend, threads, outDir: o.out, ...untilOf(o) });
  const ran = plan.datasets.filter((d) => d.status === 'ran').map((d) => d.dataset).join(', ') || 'no dataset';
  print(`scale ${plan.scale}: ${runs.length} runs on ${ran} · expected ≈ ${formatDuration(eta)} (finished runs are skipped, interrupted ones resume)`);
  const tensorboard = liveTensorboard(o);
  await withJobDisplay(runs, o.until, eta, async (signal, onEvent, stopDisplay) => {
    const result = await reproduce({ ...options, outDir: o.out, jobs, backend, threads, ...untilOf(o), ...tensorboard, signal, plan, onEvent });
    stopDisplay();
    printOutcomes(result.outcomes);
    if (result.interrupted) return interrupted(o.out);
    if (o.until !== undefined && result.outcomes.some((r) => r.status === 'interrupted')) {
      print(
        `stopped every run at update ${o.until} as asked (--until): no report is written from unfinished runs; ` +
          're-run without --until (or with a larger one) to continue',
      );
      return;
    }
    await writeJobReport(result, o.out, missing);
  });
}

/** Refuses planned runs whose networks the backend can never hold (see checkRunSizes), before the estimate builds any. */
async function checkSizes(
  runs: readonly PlannedRun[],
  shapes: (r: PlannedRun) => DatasetShape,
  request: BackendRequest,
  fields: (r: PlannedRun) => SizeFields,
): Promise<void> {
  const be = await createBackend(request);
  try {
    checkRunSizes(runs, shapes, be, fields);
  } finally {
    be.dispose();
  }
}

/** The action of `glorot run`: a dry run reads only, a run holds the output directory's job lock. */
async function runAction(file: string, o: JobCliOptions & { dryRun?: boolean }): Promise<void> {
  await (o.dryRun ? runJob(file, o) : holdingJobLock(o.out, () => runJob(file, o)));
}

/** `glorot run`, planned, estimated and (unless a dry run) run. */
async function runJob(file: string, o: JobCliOptions & { dryRun?: boolean }): Promise<void> {
  const { name: backend, threads, jobs } = jobSettings(o);
  const experiment = readExperiment(file);
  const runs = planRuns(experiment, { file });
  const shapes = await datasetShapes(runs);
  await checkSizes(runs, shapes, { name: backend, threads }, (r) => ({ ...sizeFields(experiment, r.label), source: { file } }));
  // a dry run builds no network of its runs: each is estimated from its shape
  const shapesOnly = o.dryRun === true;
  const eta = await estimateSeconds(runs, shapes, { jobs, backend, threads, outDir: o.out, ...untilOf(o), shapesOnly });
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const { variants, learningRates, seeds } = experiment;
  const shape = `${plural(variants.length, 'variant')} × ${plural(learningRates.length, 'learning rate')} × ${plural(seeds.length, 'seed')}`;
  const expected = `expected ≈ ${formatDuration(eta)} with ${plural(jobs, 'parallel run')}`;
  print(`experiment ${experiment.name}: ${plural(runs.length, 'run')} (${shape}), ${expected}`);
  for (const r of runs) print(`  ${r.runId}`);
  if (o.dryRun) return;
  const tensorboard = liveTensorboard(o);
  await withJobDisplay(runs, o.until, eta, async (signal, onEvent, stopDisplay) => {
    const outcomes = await runJobs(runs, { outDir: o.out, jobs, backend, threads, ...untilOf(o), ...tensorboard, signal, onEvent });
    stopDisplay();
    printOutcomes(outcomes);
    printExperimentResults(o.out, runs);
    if (signal.aborted) interrupted(o.out);
  });
}

/** Registers `glorot reproduce` and `glorot run`. */
export function registerReproduceCommands(program: Command): void {
  const scales = SCALES.map((s) => `${s} (${SCALE_SETTINGS[s].duration})`).join(' | ');
  const reproduceCmd = program
    .command('reproduce')
    .description("run the paper's experiments and write the report: Figs. 1–12, Table 1 and the checks")
    .addOption(new Option('--scale <scale>', scales).choices([...SCALES]).default(DEFAULT_SCALE))
    .option('--datasets <list>', `comma-separated: ${[...DATASET_NAMES, 'idx:<dir>', 'folder:<dir>'].join(', ')} ${defaultText(DEFAULT_DATASETS)}`)
    .option('--data-dir <dir>', 'directory of the dataset files (mnist, cifar10)', pathArg('--data-dir', 'a directory'))
    .option('--seeds <k>', `seeds per configuration ${defaultText(SCALE_SETTINGS[DEFAULT_SCALE].seeds.length)}`, wholeNumberArg(1));
  addJobOptions(reproduceCmd).action(reproduceAction);

  const runCmd = program
    .command('run')
    .description('run an experiment described in a JSON file (see <out>/experiments/ after a reproduce for examples)')
    .argument('<experiment>', 'the experiment file (JSON)', pathArg('<experiment>', 'a file name'))
    .option('--dry-run', 'validate the file and print the runs and the expected duration (from the networks\' shapes), build and run nothing');
  addJobOptions(runCmd).action(runAction);
}
