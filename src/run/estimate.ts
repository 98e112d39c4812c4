/**
 * How long a set of planned runs will take on this machine, measured before they start. A network
 * no bigger than {@link TIMED_FLOATS} float32 values and {@link TIMED_LAYERS} layers is timed as it
 * is (a few SGD steps and a forward pass); a bigger one, and every network of a dry run, is
 * estimated from its shape alone — multiply-adds and layers — with a cost model measured on two
 * small fixed networks, so an estimate never builds a network it could not afford (a variant of
 * depth 10⁶ once made `run --dry-run` build and step it for minutes at 3.6 GB; issue 15 item 5).
 */
import { existsSync } from 'node:fs';
import { probePoints } from '../config/schedule.ts';
import type { PlannedRun } from '../config/experiment.ts';
import type { Backend, BackendName } from '../kernels/backend.ts';
import { createBackend } from '../kernels/index.ts';
import { Mlp } from '../nn/mlp.ts';
import { weightFloats, workspaceFloats } from '../nn/sizes.ts';
import { databasePath } from '../store/paths.ts';
import { openRunStore } from '../store/runStore.ts';
import { openConfigDataset } from './evaluation.ts';

/** What the estimate needs to know of a run's dataset. */
export interface DatasetShape {
  readonly inputSize: number;
  readonly classes: number;
  /** Validation + test examples evaluated at every probe point. */
  readonly evalExamples: number;
}

/** Seconds a worker process needs before its first update (tsx start-up, opening the dataset). */
const WORKER_STARTUP_SECONDS = 3;
/** Slow-down of each run when `jobs` runs share the cores (memory bandwidth, caches), measured ≈ 1.15. */
const PARALLEL_SLOWDOWN = 1.15;
/** Timed SGD steps per timed network. */
const TIMED_STEPS = 30;
/** Examples of the timed forward pass. */
const TIMED_EXAMPLES = 500;
/** The largest network (weights + minibatch buffers, float32 values: 64 MB) timed as it is; bigger ones are estimated from their shape. */
export const TIMED_FLOATS = 1 << 24;
/** The deepest network timed as it is (layers); deeper ones are estimated from their shape. */
export const TIMED_LAYERS = 64;
/** The cost model's networks: one wide and shallow (its time is multiply-adds), one narrow and deep (its time is per-layer overhead). */
const WIDE_NETWORK = [512, 512, 512, 10];
const DEEP_NETWORK = [...Array<number>(TIMED_LAYERS).fill(16), 10];
/** The cost model's minibatch. */
const MODEL_MINIBATCH = 10;

/** Options of {@link estimateSeconds}. */
export interface EstimateOptions {
  readonly jobs: number;
  readonly backend: BackendName | 'auto';
  readonly threads: number;
  /** The output directory: its finished and diverged runs are skipped, so not counted. */
  readonly outDir: string;
  /** Every run stops at this update (see TrainOptions.until). */
  readonly until?: number;
  /** Estimate every network from its shape (a dry run: no network of a run is built). */
  readonly shapesOnly?: boolean;
}

/** Seconds of one SGD step of `minibatch` examples and of a forward pass per example. */
interface Timing {
  readonly step: number;
  readonly forwardPerExample: number;
}

/** Input size, classes and evaluation-set sizes of each planned run's dataset (each dataset opened once, with its run's options). */
export async function datasetShapes(runs: readonly PlannedRun[]): Promise<(r: PlannedRun) => DatasetShape> {
  const shapes = new Map<string, DatasetShape>();
  for (const r of runs) {
    if (shapes.has(r.config.dataset)) continue;
    const d = await openConfigDataset(r.config);
    shapes.set(r.config.dataset, { inputSize: d.inputSize, classes: d.classes, evalExamples: d.validation.n + d.test.n });
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

/** Times `minibatch`-example SGD steps and a forward pass of a network of `widths` (built here, disposed of). */
function timeNetwork(backend: Backend, widths: readonly number[], activation: PlannedRun['config']['activation'], minibatch: number): Timing {
  const mlp = new Mlp(backend, { widths, activation, init: { name: 'normalized' }, seed: 1 });
  try {
    const { x, y } = mlp.inputBuffers(minibatch);
    x.fill(0.5);
    y.fill(0);
    mlp.trainStep(null, null, minibatch, 1e-4);
    let t = performance.now();
    for (let i = 0; i < TIMED_STEPS; i++) mlp.trainStep(null, null, minibatch, 1e-4);
    const step = (performance.now() - t) / 1000 / TIMED_STEPS;
    const chunk = new Float32Array(TIMED_EXAMPLES * widths[0]!).fill(0.5);
    mlp.forward(chunk, TIMED_EXAMPLES);
    t = performance.now();
    mlp.forward(chunk, TIMED_EXAMPLES);
    return { step, forwardPerExample: (performance.now() - t) / 1000 / TIMED_EXAMPLES };
  } finally {
    mlp.dispose();
  }
}

/** Multiply-adds of one example through a network of `widths`: Σ n_i·n_{i+1}. */
function macs(widths: readonly number[]): number {
  let m = 0;
  for (let i = 0; i + 1 < widths.length; i++) m += widths[i]! * widths[i + 1]!;
  return m;
}

/** Seconds per multiply-add and per layer, of an SGD step (per example) and of a forward pass (per example). */
interface CostModel {
  readonly stepPerMac: number;
  readonly stepPerLayer: number;
  readonly forwardPerMac: number;
  readonly forwardPerLayer: number;
}

/**
 * The cost model of `backend`, from the wide network (its time is nearly all multiply-adds) and
 * the deep narrow one (the rest of its time is per-layer overhead).
 */
function measureCostModel(backend: Backend): CostModel {
  const B = MODEL_MINIBATCH;
  const wide = timeNetwork(backend, WIDE_NETWORK, 'tanh', B);
  const deep = timeNetwork(backend, DEEP_NETWORK, 'tanh', B);
  const stepPerMac = wide.step / (B * macs(WIDE_NETWORK));
  const forwardPerMac = wide.forwardPerExample / macs(WIDE_NETWORK);
  const layers = DEEP_NETWORK.length - 1;
  return {
    stepPerMac,
    stepPerLayer: Math.max(0, (deep.step - B * macs(DEEP_NETWORK) * stepPerMac) / layers),
    forwardPerMac,
    forwardPerLayer: Math.max(0, (deep.forwardPerExample - macs(DEEP_NETWORK) * forwardPerMac) / layers),
  };
}

/** A network's timing from its shape alone. */
function modelTiming(model: CostModel, widths: readonly number[], minibatch: number): Timing {
  const layers = widths.length - 1;
  return {
    step: minibatch * macs(widths) * model.stepPerMac + layers * model.stepPerLayer,
    forwardPerExample: macs(widths) * model.forwardPerMac + layers * model.forwardPerLayer,
  };
}

/** Whether a network of `widths` with `minibatch`-row buffers is small enough to be timed as it is. */
export function timedAsItIs(widths: readonly number[], minibatch: number): boolean {
  return widths.length - 1 <= TIMED_LAYERS && weightFloats(widths) + workspaceFloats(widths, minibatch) <= TIMED_FLOATS;
}

/**
 * Estimated wall-clock seconds of a set of runs on `backend`: updates × step time, plus at every
 * probe point the evaluation of the validation and test sets and the probe itself (≈ probe-set size
 * × one forward and backward), plus start-up; spread over `jobs` parallel runs. Runs already
 * finished are not counted. Builds no network bigger than {@link TIMED_FLOATS} values or deeper than
 * {@link TIMED_LAYERS} layers, and none of a run's with `shapesOnly`.
 */
export function estimateWith(
  backend: Backend,
  runs: readonly PlannedRun[],
  shape: (r: PlannedRun) => DatasetShape,
  o: Omit<EstimateOptions, 'backend' | 'threads'>,
): number {
  const done = doneRuns(runs, o.outDir);
  const todo = runs.filter((r) => !done.has(r.runId));
  if (todo.length === 0) return 0;
  const timings = new Map<string, Timing>();
  let model: CostModel | null = null;
  let total = 0;
  for (const r of todo) {
    const { inputSize, evalExamples } = shape(r);
    const widths = [inputSize, ...r.config.hidden, 10];
    const B = r.config.minibatch;
    const key = `${widths.join('-')}/${B}/${r.config.activation}`;
    let timing = timings.get(key);
    if (timing === undefined) {
      if (!o.shapesOnly && timedAsItIs(widths, B)) timing = timeNetwork(backend, widths, r.config.activation, B);
      else timing = modelTiming((model ??= measureCostModel(backend)), widths, B);
      timings.set(key, timing);
    }
    const perPoint = timing.forwardPerExample * (evalExamples + 3 * r.config.probe.size);
    const updates = Math.min(r.config.updates, o.until ?? Infinity);
    const points = probePoints(r.config.updates, r.config.probe.interval, r.config.probe.early).filter((u) => u <= updates).length;
    total += timing.step * updates + points * perPoint + WORKER_STARTUP_SECONDS;
  }
  const parallel = Math.max(1, Math.min(o.jobs, todo.length));
  return (total * (parallel > 1 ? PARALLEL_SLOWDOWN : 1)) / parallel;
}

/** {@link estimateWith} on the backend the options name (created here, disposed of). */
export async function estimateSeconds(runs: readonly PlannedRun[], shape: (r: PlannedRun) => DatasetShape, o: EstimateOptions): Promise<number> {
  const backend = await createBackend({ name: o.backend, threads: o.threads });
  try {
    return estimateWith(backend, runs, shape, o);
  } finally {
    backend.dispose();
  }
}
