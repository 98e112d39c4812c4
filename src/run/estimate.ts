/**
 * How long a set of planned runs will take on this machine, measured before they start: a few timed
 * SGD steps and a timed forward pass of each distinct network, scaled by the runs' updates and probe
 * points.
 */
import { existsSync } from 'node:fs';
import { probePoints } from '../config/schedule.ts';
import type { PlannedRun } from '../config/experiment.ts';
import type { BackendName } from '../kernels/backend.ts';
import { createBackend } from '../kernels/index.ts';
import { Mlp } from '../nn/mlp.ts';
import { databasePath } from '../store/paths.ts';
import { openRunStore } from '../store/runStore.ts';
import { openConfigDataset } from './evaluation.ts';

/** What the estimate needs to know of a run's dataset. */
export interface DatasetShape {
  readonly inputSize: number;
  /** Validation + test examples evaluated at every probe point. */
  readonly evalExamples: number;
}

/** Seconds a worker process needs before its first update (tsx start-up, opening the dataset). */
const WORKER_STARTUP_SECONDS = 3;
/** Slow-down of each run when `jobs` runs share the cores (memory bandwidth, caches), measured ≈ 1.15. */
const PARALLEL_SLOWDOWN = 1.15;
/** Timed SGD steps per distinct network. */
const TIMED_STEPS = 30;
/** Examples of the timed forward pass. */
const TIMED_EXAMPLES = 500;

/** Options of {@link estimateSeconds}. */
export interface EstimateOptions {
  readonly jobs: number;
  readonly backend: BackendName | 'auto';
  readonly threads: number;
  /** The output directory: its finished and diverged runs are skipped, so not counted. */
  readonly outDir: string;
  /** Every run stops at this update (see TrainOptions.until). */
  readonly until?: number;
}

/** Input size and evaluation-set sizes of each planned run's dataset (each dataset opened once, with its run's options). */
export async function datasetShapes(runs: readonly PlannedRun[]): Promise<(r: PlannedRun) => DatasetShape> {
  const shapes = new Map<string, DatasetShape>();
  for (const r of runs) {
    if (shapes.has(r.config.dataset)) continue;
    const d = await openConfigDataset(r.config);
    shapes.set(r.config.dataset, { inputSize: d.inputSize, evalExamples: d.validation.n + d.test.n });
  }
  return (r) => shapes.get(r.config.dataset)!;
}

/** The runs of `runs` that a job would skip: finished or diverged in `outDir`'s record. */
function doneRuns(runs: readonly PlannedRun[], outDir: string): Set<string> {
  const done = new Set<string>();
  if (!existsSync(databasePath(outDir))) return done;
  const store = openRunStore(outDir, { readonly: true });
  try {
    for (const r of runs) if (store.hasRun(r.runId) && ['finished', 'diverged'].includes(store.getRun(r.runId).status)) done.add(r.runId);
  } finally {
    store.close();
  }
  return done;
}

/** Seconds per SGD step of `minibatch` examples, and per example of a forward pass, of `mlp`. */
function timeNetwork(mlp: Mlp, minibatch: number, inputSize: number): { step: number; forwardPerExample: number } {
  const { x, y } = mlp.inputBuffers(minibatch);
  x.fill(0.5);
  y.fill(0);
  mlp.trainStep(null, null, minibatch, 1e-4);
  let t = performance.now();
  for (let i = 0; i < TIMED_STEPS; i++) mlp.trainStep(null, null, minibatch, 1e-4);
  const step = (performance.now() - t) / 1000 / TIMED_STEPS;
  const chunk = new Float32Array(TIMED_EXAMPLES * inputSize).fill(0.5);
  mlp.forward(chunk, TIMED_EXAMPLES);
  t = performance.now();
  mlp.forward(chunk, TIMED_EXAMPLES);
  return { step, forwardPerExample: (performance.now() - t) / 1000 / TIMED_EXAMPLES };
}

/**
 * Estimated wall-clock seconds of a set of runs on this backend: updates × step time, plus at every
 * probe point the evaluation of the validation and test sets and the probe itself (≈ probe-set size
 * × one forward and backward), plus start-up; spread over `jobs` parallel runs. Runs already
 * finished are not counted.
 */
export async function estimateSeconds(runs: readonly PlannedRun[], shape: (r: PlannedRun) => DatasetShape, o: EstimateOptions): Promise<number> {
  const done = doneRuns(runs, o.outDir);
  const todo = runs.filter((r) => !done.has(r.runId));
  if (todo.length === 0) return 0;
  const backend = await createBackend({ name: o.backend, threads: o.threads });
  const timings = new Map<string, { step: number; forwardPerExample: number }>();
  let total = 0;
  try {
    for (const r of todo) {
      const { inputSize, evalExamples } = shape(r);
      const widths = [inputSize, ...r.config.hidden, 10];
      const key = `${widths.join('-')}/${r.config.minibatch}`;
      if (!timings.has(key)) {
        const mlp = new Mlp(backend, { widths, activation: r.config.activation, init: { name: 'normalized' }, seed: 1 });
        timings.set(key, timeNetwork(mlp, r.config.minibatch, inputSize));
        mlp.dispose();
      }
      const { step, forwardPerExample } = timings.get(key)!;
      const perPoint = forwardPerExample * (evalExamples + 3 * r.config.probe.size);
      const updates = Math.min(r.config.updates, o.until ?? Infinity);
      const points = probePoints(r.config.updates, r.config.probe.interval, r.config.probe.early).filter((u) => u <= updates).length;
      total += step * updates + points * perPoint + WORKER_STARTUP_SECONDS;
    }
  } finally {
    backend.dispose();
  }
  const parallel = Math.max(1, Math.min(o.jobs, todo.length));
  return (total * (parallel > 1 ? PARALLEL_SLOWDOWN : 1)) / parallel;
}
