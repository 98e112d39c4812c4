/** `glorot reproduce` (the main job) and `glorot run <experiment.json>`. */
import { cpus } from 'node:os';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { createBackend, describeBackend, parseBackendName, parseThreads } from '../kernels/index.ts';
import type { BackendName } from '../kernels/backend.ts';
import { Mlp } from '../nn/mlp.ts';
import { readExperiment, planRuns, type PlannedRun } from '../config/experiment.ts';
import { killWorkers, runJobs, type JobEvent, type RunOutcome } from '../run/jobs.ts';
import { planReproduce, reproduce } from '../run/reproduce.ts';
import { existsSync } from 'node:fs';
import { openConfigDataset } from '../run/train.ts';
import { probePoints } from '../config/schedule.ts';
import { openRunStore } from '../store/runStore.ts';
import { databasePath } from '../store/paths.ts';
import { SCALES, type Scale } from '../config/scales.ts';
import { DEFAULT_OUT_DIR } from '../store/paths.ts';
import { intOption } from './train.ts';
import { writeJobReport } from './report.ts';

/** The datasets of `reproduce` by default: Shapeset (generated) and Fashion-MNIST (Debian package). */
export const DEFAULT_DATASETS = ['shapeset', 'fashion-mnist'] as const;

/** Seconds as `1 h 05 min`, `12 min 30 s` or `45 s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/** What the estimate needs to know of a run's dataset. */
interface DatasetShape {
  readonly inputSize: number;
  /** Validation + test examples evaluated at every probe point. */
  readonly evalExamples: number;
}

/** Seconds a worker process needs before its first update (tsx start-up, opening the dataset). */
const WORKER_STARTUP_SECONDS = 3;
/** Slow-down of each run when `jobs` runs share the cores (memory bandwidth, caches), measured ≈ 1.15. */
const PARALLEL_SLOWDOWN = 1.15;

/**
 * Estimated wall-clock time of a set of runs on this backend, from a few timed SGD steps and a timed
 * forward pass of each distinct network: updates × step time, plus at every probe point the
 * evaluation of the validation and test sets and the probe itself (≈ probe-set size × one forward and
 * backward), plus start-up; spread over `jobs` parallel runs. Runs already finished are not counted.
 */
async function estimateSeconds(
  runs: readonly PlannedRun[],
  jobs: number,
  backendName: BackendName | 'auto',
  threads: number,
  shape: (r: PlannedRun) => DatasetShape,
  outDir: string,
  until?: number,
): Promise<number> {
  const done = new Set<string>();
  if (existsSync(databasePath(outDir))) {
    const store = openRunStore(outDir, { readonly: true });
    try {
      for (const r of runs) if (store.hasRun(r.runId) && ['finished', 'diverged'].includes(store.getRun(r.runId).status)) done.add(r.runId);
    } finally {
      store.close();
    }
  }
  const todo = runs.filter((r) => !done.has(r.runId));
  if (todo.length === 0) return 0;
  const backend = await createBackend({ name: backendName, threads });
  const timings = new Map<string, { step: number; forwardPerExample: number }>();
  let total = 0;
  try {
    for (const r of todo) {
      const { inputSize, evalExamples } = shape(r);
      const widths = [inputSize, ...r.config.hidden, 10];
      const key = `${widths.join('-')}/${r.config.minibatch}`;
      if (!timings.has(key)) {
        const mlp = new Mlp(backend, { widths, activation: r.config.activation, init: { name: 'normalized' }, seed: 1 });
        const { x, y } = mlp.inputBuffers(r.config.minibatch);
        x.fill(0.5);
        y.fill(0);
        mlp.trainStep(null, null, r.config.minibatch, 1e-4);
        const n = 30;
        let t = performance.now();
        for (let i = 0; i < n; i++) mlp.trainStep(null, null, r.config.minibatch, 1e-4);
        const step = (performance.now() - t) / 1000 / n;
        const chunk = new Float32Array(500 * inputSize).fill(0.5);
        mlp.forward(chunk, 500);
        t = performance.now();
        mlp.forward(chunk, 500);
        timings.set(key, { step, forwardPerExample: (performance.now() - t) / 1000 / 500 });
        mlp.dispose();
      }
      const { step, forwardPerExample } = timings.get(key)!;
      const perPoint = forwardPerExample * (evalExamples + 3 * r.config.probe.size);
      const updates = Math.min(r.config.updates, until ?? Infinity);
      const points = probePoints(r.config.updates, r.config.probe.interval, r.config.probe.early).filter((u) => u <= updates).length;
      total += step * updates + points * perPoint + WORKER_STARTUP_SECONDS;
    }
  } finally {
    backend.dispose();
  }
  const parallel = Math.max(1, Math.min(jobs, todo.length));
  return (total * (parallel > 1 ? PARALLEL_SLOWDOWN : 1)) / parallel;
}

/** Measured ETAs need at least this much training time (start-up makes the first seconds' rate meaningless). */
export const ETA_MIN_SECONDS = 30;
/** …and at least this fraction of the updates still to train when the job started. */
export const ETA_MIN_FRACTION = 0.01;

/** What {@link etaText} needs: the job's progress so far. */
export interface EtaInput {
  /** Seconds since the job started (start-up included). */
  readonly elapsed: number;
  /** Seconds since the first progress report of any run (training time, not start-up). */
  readonly trainingSeconds: number;
  /** Updates trained in this job since that first report. */
  readonly trained: number;
  /** Updates the job had to train when it started (finished runs skipped). */
  readonly toTrain: number;
  /** Updates still to train. */
  readonly remaining: number;
  /** The estimate printed before the job ("expected ≈ …"), in seconds. */
  readonly estimate: number;
}

/**
 * The ETA shown while a job runs: from the measured rate once there is enough of it
 * ({@link ETA_MIN_SECONDS} of training and {@link ETA_MIN_FRACTION} of the updates), otherwise what is
 * left of the pre-run estimate, marked as such (the first seconds' rate, start-up included, gave ETAs
 * of 300,000 h for a 180 h job), or `…` when that estimate is used up.
 */
export function etaText(e: EtaInput): string {
  const enough = e.trainingSeconds >= ETA_MIN_SECONDS && e.trained >= ETA_MIN_FRACTION * e.toTrain && e.trained > 0;
  if (enough) return formatDuration((Math.max(0, e.remaining) * e.trainingSeconds) / e.trained);
  const left = e.estimate - e.elapsed;
  return Number.isFinite(left) && left > 0 ? `≈ ${formatDuration(left)} (pre-run estimate)` : '…';
}

/**
 * The line printed when a run of a job ends. The run record's detail of an interrupted run ends with
 * "resume with: glorot train --resume …", right for `glorot train` but not inside a job, whose last
 * line says to re-run the same command: that hint is left out here.
 */
export function outcomeLine(o: RunOutcome): string {
  if (o.skipped) return `  run ${o.runId}: already ${o.status}, skipped`;
  const detail = o.detail?.replace(/;?\s*resume with: glorot train --resume\b.*$/s, '').trim();
  return `  run ${o.runId}: ${o.status}${detail ? ` — ${detail}` : ''}`;
}

/**
 * One progress display for a whole job: runs done, updates/s of the runs in flight, ETA (see
 * {@link etaText}). A cli-progress bar on a terminal; plain lines every 15 s (and when a run ends)
 * otherwise, so CI logs stay readable.
 */
function jobProgress(
  totalRuns: number,
  totalUpdates: number,
  updatesOf: (runId: string) => number,
  estimateSeconds: number,
): { onEvent: (e: JobEvent) => void; stop: () => void } {
  const tty = process.stdout.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: 'reproduce |{bar}| {percentage}% · runs {done}/{runs} · {ups} upd/s · ETA {eta} · {current}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  /** Per run in flight: its last update, its rate, and the update it started (or resumed) from. */
  const inFlight = new Map<string, { update: number; ups: number; base: number | null }>();
  const started = performance.now();
  let firstProgress: number | null = null;
  let doneUpdates = 0;
  let skippedUpdates = 0;
  /** Updates trained in this job by runs that have ended. */
  let trainedEnded = 0;
  /** Updates of resumed runs already trained before this job. */
  let resumedFrom = 0;
  let done = 0;
  let lastLine = -Infinity;
  let running = true;
  const state = (): { value: number; ups: number; eta: string; current: string } => {
    let value = doneUpdates;
    let ups = 0;
    let trained = trainedEnded;
    for (const f of inFlight.values()) {
      value += f.update;
      ups += f.ups;
      if (f.base !== null) trained += f.update - f.base;
    }
    const now = performance.now();
    const eta = etaText({
      elapsed: (now - started) / 1000,
      trainingSeconds: firstProgress === null ? 0 : (now - firstProgress) / 1000,
      trained,
      toTrain: totalUpdates - skippedUpdates - resumedFrom,
      remaining: totalUpdates - value,
      estimate: estimateSeconds,
    });
    return { value: Math.min(value, totalUpdates), ups, eta, current: [...inFlight.keys()].join(', ') };
  };
  bar?.start(Math.max(1, totalUpdates), 0, { done, runs: totalRuns, ups: '0', eta: '…', current: '' });
  const refresh = (force: boolean): void => {
    if (!running) return;
    const s = state();
    if (bar) bar.update(s.value, { done, runs: totalRuns, ups: s.ups.toFixed(0), eta: s.eta, current: s.current });
    else if (force || performance.now() - lastLine > 15_000) {
      lastLine = performance.now();
      const pct = totalUpdates > 0 ? ((100 * s.value) / totalUpdates).toFixed(0) : '100';
      console.log(`[reproduce] ${pct}% · runs ${done}/${totalRuns} · ${s.ups.toFixed(0)} upd/s · ETA ${s.eta}${s.current ? ` · running ${s.current}` : ''}`);
    }
  };
  const say = (line: string): void => {
    if (bar) bar.stop();
    console.log(line);
    if (bar) bar.start(Math.max(1, totalUpdates), state().value, { done, runs: totalRuns, ups: '0', eta: '…', current: '' });
  };
  return {
    onEvent: (e) => {
      if (e.type === 'start') inFlight.set(e.runId, { update: 0, ups: 0, base: e.resumed ? null : 0 });
      else if (e.type === 'notice') say(`warning: ${e.message.startsWith(`run ${e.runId}`) ? '' : `run ${e.runId}: `}${e.message}`);
      else if (e.type === 'progress') {
        firstProgress ??= performance.now();
        const f = inFlight.get(e.runId);
        // a resumed run's first report gives the update it resumed from (the updates of less than a
        // report interval since then count as already done: the rate errs low, never high)
        let base = f?.base ?? null;
        if (base === null) {
          base = e.progress.update;
          resumedFrom += base;
        }
        inFlight.set(e.runId, { update: e.progress.update, ups: e.progress.updatesPerSecond, base });
      } else {
        const f = inFlight.get(e.outcome.runId);
        if (f !== undefined && f.base !== null) trainedEnded += f.update - f.base;
        inFlight.delete(e.outcome.runId);
        doneUpdates += updatesOf(e.outcome.runId);
        if (e.outcome.skipped) skippedUpdates += updatesOf(e.outcome.runId);
        done++;
        say(outcomeLine(e.outcome));
      }
      refresh(false);
    },
    stop: () => {
      if (running) bar?.stop();
      running = false;
    },
  };
}

/** SIGINT/SIGTERM → an AbortSignal (a second Ctrl-C exits at once). */
function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = (): void => {
    if (controller.signal.aborted) {
      killWorkers(); // a second Ctrl-C quits at once: no worker may outlive us
      process.exit(130);
    }
    process.stderr.write('\nstopping: every running run writes a checkpoint; re-run the same command to continue (Ctrl-C again quits at once)\n');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

interface JobCliOptions {
  out: string;
  until?: number;
  jobs?: number;
  backend?: string;
  threads?: string;
}

function backendOptions(o: JobCliOptions): { backend: BackendName | 'auto'; threads: number; jobs: number } {
  const envBackend = process.env['GLOROT_BACKEND'];
  const envThreads = process.env['GLOROT_THREADS'];
  const backend =
    o.backend !== undefined
      ? parseBackendName(o.backend, '--backend')
      : envBackend !== undefined && envBackend !== ''
        ? parseBackendName(envBackend, 'GLOROT_BACKEND')
        : 'auto';
  const threads =
    o.threads !== undefined
      ? parseThreads(o.threads, '--threads')
      : envThreads !== undefined && envThreads !== ''
        ? parseThreads(envThreads, 'GLOROT_THREADS')
        : 1;
  const jobs = o.jobs ?? Math.max(1, Math.floor(cpus().length / threads));
  return { backend, threads, jobs };
}

/**
 * Prints how many runs ended in each status; sets a non-zero exit code when any run failed or could
 * not start (diverged runs are results, not failures).
 */
function printOutcomes(outcomes: readonly RunOutcome[]): void {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  console.log(`runs: ${outcomes.length === 0 ? 'none' : [...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`);
  if (outcomes.some((o) => o.status === 'error' || o.status === 'failed')) process.exitCode = 1;
}

/** Registers `glorot reproduce` and `glorot run`. */
export function registerReproduceCommands(program: Command): void {
  program
    .command('reproduce')
    .description("run the paper's experiments and write the report: Figs. 1–12, Table 1 and the checks")
    .addOption(new Option('--scale <scale>', 'smoke (<1 min) | quick (≤20 min on 2 cores) | paper (days)').choices([...SCALES]).default('quick'))
    .option('--datasets <list>', `comma-separated: shapeset, fashion-mnist, mnist, cifar10, idx:<dir>, folder:<dir> (default ${DEFAULT_DATASETS.join(',')})`)
    .option('--data-dir <dir>', 'directory of the dataset files (mnist, cifar10)')
    .option('--jobs <n>', 'runs in parallel (default: cores / threads)', intOption('--jobs', 1))
    .option('--seeds <k>', 'seeds per configuration (default 1)', intOption('--seeds', 1))
    .option('--backend <name>', 'auto | native | wasm | reference (default $GLOROT_BACKEND or auto)')
    .option('--threads <n>', 'kernel threads per run (default 1)')
    .option('--out <dir>', 'output directory', DEFAULT_OUT_DIR)
    .option('--until <n>', 'stop every run at update n with a checkpoint (a learning-rate pilot); run again without it to continue', intOption('--until', 1))
    .action(async (o: JobCliOptions & { scale: Scale; datasets?: string; dataDir?: string; seeds?: number }) => {
      const { backend, threads, jobs } = backendOptions(o);
      const datasets = [...new Set(o.datasets !== undefined ? o.datasets.split(',').map((s) => s.trim()).filter((s) => s !== '') : DEFAULT_DATASETS)];
      if (datasets.length === 0) throw new Error('--datasets: expected at least one dataset name');
      const probe = await createBackend({ name: backend, threads });
      console.log(`${describeBackend(probe)} · ${jobs} parallel run${jobs === 1 ? '' : 's'}`);
      probe.dispose();
      const plan = await planReproduce({
        scale: o.scale,
        datasets,
        ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
        ...(o.seeds !== undefined ? { seeds: o.seeds } : {}),
      });
      for (const d of plan.datasets) {
        if (d.status === 'missing') console.log(`dataset ${d.dataset}: skipped — ${d.message}`);
      }
      const runs = plan.datasets.flatMap((d) => d.runs);
      if (runs.length === 0) throw new Error(`none of the datasets asked for (${datasets.join(', ')}) is available; see the messages above`);
      const shapes = new Map<string, DatasetShape>();
      for (const r of runs) {
        if (!shapes.has(r.config.dataset)) shapes.set(r.config.dataset, await datasetShape(r));
      }
      const eta = await estimateSeconds(runs, jobs, backend, threads, (r) => shapes.get(r.config.dataset)!, o.out, o.until);
      console.log(
        `scale ${plan.scale}: ${runs.length} runs on ${plan.datasets.filter((d) => d.status === 'ran').map((d) => d.dataset).join(', ') || 'no dataset'} · ` +
          `expected ≈ ${formatDuration(eta)} (finished runs are skipped, interrupted ones resume)`,
      );
      const interrupt = interruptSignal();
      const updatesOf = new Map(runs.map((r) => [r.runId, Math.min(r.config.updates, o.until ?? Infinity)]));
      const total = [...updatesOf.values()].reduce((a, u) => a + u, 0);
      const progress = jobProgress(runs.length, total, (id) => updatesOf.get(id) ?? 0, eta);
      try {
        const result = await reproduce({
          scale: o.scale,
          datasets,
          outDir: o.out,
          ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
          jobs,
          backend,
          threads,
          ...(o.until !== undefined ? { until: o.until } : {}),
          signal: interrupt.signal,
          plan,
          onEvent: progress.onEvent,
        });
        progress.stop();
        printOutcomes(result.outcomes);
        if (result.interrupted) {
          console.log(`interrupted: re-run the same command to continue from the checkpoints in ${o.out}`);
          process.exitCode = 130;
          return;
        }
        if (o.until !== undefined && result.outcomes.some((r) => r.status === 'interrupted')) {
          console.log(`stopped every run at update ${o.until} as asked (--until): no report is written from unfinished runs; re-run without --until (or with a larger one) to continue`);
          return;
        }
        await writeJobReport(result, o.out, backend, threads);
      } finally {
        progress.stop();
        interrupt.dispose();
      }
    });

  program
    .command('run')
    .description('run an experiment described in a JSON file (see <out>/experiments/ after a reproduce for examples)')
    .argument('<experiment>', 'the experiment file (JSON)')
    .option('--jobs <n>', 'runs in parallel (default: cores / threads)', intOption('--jobs', 1))
    .option('--backend <name>', 'auto | native | wasm | reference (default $GLOROT_BACKEND or auto)')
    .option('--threads <n>', 'kernel threads per run (default 1)')
    .option('--out <dir>', 'output directory', DEFAULT_OUT_DIR)
    .option('--until <n>', 'stop every run at update n with a checkpoint (a learning-rate pilot); run again without it to continue', intOption('--until', 1))
    .option('--dry-run', 'validate the file and print the runs and the expected duration, run nothing')
    .action(async (file: string, o: JobCliOptions & { dryRun?: boolean }) => {
      const { backend, threads, jobs } = backendOptions(o);
      const experiment = readExperiment(file);
      const runs = planRuns(experiment);
      const shapes = new Map<string, DatasetShape>();
      for (const r of runs) {
        if (!shapes.has(r.config.dataset)) shapes.set(r.config.dataset, await datasetShape(r));
      }
      const eta = await estimateSeconds(runs, jobs, backend, threads, (r) => shapes.get(r.config.dataset)!, o.out, o.until);
      const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
      console.log(`experiment ${experiment.name}: ${plural(runs.length, 'run')} (${plural(experiment.variants.length, 'variant')} × ${plural(experiment.learningRates.length, 'learning rate')} × ${plural(experiment.seeds.length, 'seed')}), expected ≈ ${formatDuration(eta)} with ${jobs} parallel run${jobs === 1 ? '' : 's'}`);
      for (const r of runs) console.log(`  ${r.runId}`);
      if (o.dryRun) return;
      const interrupt = interruptSignal();
      const updatesOf = new Map(runs.map((r) => [r.runId, Math.min(r.config.updates, o.until ?? Infinity)]));
      const total = [...updatesOf.values()].reduce((a, u) => a + u, 0);
      const progress = jobProgress(runs.length, total, (id) => updatesOf.get(id) ?? 0, eta);
      try {
        const outcomes = await runJobs(runs, { outDir: o.out, jobs, backend, threads, ...(o.until !== undefined ? { until: o.until } : {}), signal: interrupt.signal, onEvent: progress.onEvent });
        progress.stop();
        printOutcomes(outcomes);
        const { printExperimentResults } = await import('./report.ts');
        printExperimentResults(o.out, runs);
        if (interrupt.signal.aborted) {
          console.log(`interrupted: re-run the same command to continue from the checkpoints in ${o.out}`);
          process.exitCode = 130;
        }
      } finally {
        progress.stop();
        interrupt.dispose();
      }
    });
}

/** Input size and evaluation-set sizes of a run's dataset (opened with the run's options). */
async function datasetShape(r: PlannedRun): Promise<DatasetShape> {
  const d = await openConfigDataset(r.config);
  return { inputSize: d.inputSize, evalExamples: d.validation.n + d.test.n };
}

export { estimateSeconds };
