/**
 * One training run, from data to the run record (data → nn → probes → store): SGD on minibatches
 * of a dataset's training stream, probes and evaluations at the scheduled updates, checkpoints every
 * `checkpointInterval` updates and on interruption, and resumption from the last checkpoint.
 *
 * Determinism: the same config, backend and thread count give bit-identical weights and records;
 * a run interrupted and resumed ends bit-identical to one never interrupted (the checkpoint holds
 * the exact weights, the data stream's state and the running training averages).
 */
import { join } from 'node:path';
import type { Backend } from '../kernels/backend.ts';
import { openDataset, type Dataset, type Split as DataSplit, type TrainStream } from '../data/dataset.ts';
import { Mlp, argmax, type MlpConfig } from '../nn/mlp.ts';
import { modelFromBytes, modelToBytes, saveModel } from '../nn/io.ts';
import { probeNetwork, type ProbeResult } from '../probes/probe.ts';
import { singularValueRoutine } from '../probes/jacobian.ts';
import { deriveSeed } from '../random/rng.ts';
import { openRunStore, type RunStore } from '../store/runStore.ts';
import type { EvaluationRecord, RunInfo } from '../store/types.ts';
import { readCheckpoint, writeCheckpoint } from '../store/checkpoint.ts';
import { ensureDir } from '../store/paths.ts';
import type { TrainConfig } from './config.ts';
import { isProbePoint } from './schedule.ts';
import { acquireRunLock } from './lock.ts';

/** Progress of a running training, reported to the caller (the CLI's progress bar). */
export interface TrainProgress {
  readonly run: string;
  readonly update: number;
  readonly updates: number;
  /** Mean training cost since the last report. */
  readonly loss: number;
  /** Test error (%) at the last probe point, if any yet. */
  readonly testError: number | null;
  /** Updates per second since the run (or resumption) started. */
  readonly updatesPerSecond: number;
}

/** How a run ended. */
export interface TrainResult {
  readonly run: RunInfo;
  /** Final test and validation error (%) and NLL, when the run finished. */
  readonly test: EvaluationRecord | null;
  readonly validation: EvaluationRecord | null;
  /** Where the final model was saved (finished runs). */
  readonly modelPath: string | null;
  readonly seconds: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Output directory holding the run record (glorot.sqlite), checkpoints and models. */
  readonly outDir: string;
  readonly backend: Backend;
  /** A new run's configuration (ignored when resuming: the stored config is used). */
  readonly config?: TrainConfig;
  /** Id for a new run (default: generated from the config), or the run to resume. */
  readonly runId?: string;
  /** Continue the run `runId` from its last checkpoint. */
  readonly resume?: boolean;
  /** Stop (with a checkpoint, status `interrupted`) when this signal aborts (SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
  /** Called at most every `progressMs` milliseconds and at every probe point. */
  readonly onProgress?: (p: TrainProgress) => void;
  readonly progressMs?: number;
  /** A dataset already opened with the config's options (the reproduce job shares one). */
  readonly dataset?: Dataset;
}

/** The network configuration of a training configuration, for a dataset's sizes. */
export function mlpConfigFor(config: TrainConfig, inputSize: number, classes: number): MlpConfig {
  return {
    widths: [inputSize, ...config.hidden, classes],
    activation: config.activation,
    init: { name: config.init, gain: config.gain },
    seed: deriveSeed(config.seed, 'init'),
  };
}

/** Opens the dataset a configuration names, with its options. */
export function openConfigDataset(config: TrainConfig): Promise<Dataset> {
  return openDataset(config.dataset, {
    ...(config.dataDir !== undefined ? { dataDir: config.dataDir } : {}),
    ...(config.validationSize !== undefined ? { validationSize: config.validationSize } : {}),
    ...(config.testSize !== undefined ? { testSize: config.testSize } : {}),
  });
}

/** How often (ms) the training loop yields to the event loop, so an interrupt is seen promptly. */
const YIELD_MS = 100;

/** Running sums of the training cost and errors between probe points (part of a checkpoint). */
export interface Running {
  loss: number;
  wrong: number;
  examples: number;
}

/** Slots of the training loop's float64 bookkeeping (see trainIn). */
export const REPORT_LOSS = 0; // sum of the minibatch losses since the last progress report
const LAST_REPORT = 1; // performance.now() of the last progress report
const LAST_YIELD = 2; // performance.now() of the last yield to the event loop

/**
 * The step's learning rate and cost, as {@link trainUpdate} reads them. `lr` starts `undefined`
 * and is set afterwards so that V8 stores it as a tagged field: a field that only ever held a
 * number is stored unboxed, and reading it to pass it to trainStep boxed it into a new heap number
 * on every update (16 B per update, found by the bench's real-loop measurement).
 */
export interface StepSettings {
  lr: number | undefined;
  readonly cost: TrainConfig['cost'];
}

/** The {@link StepSettings} of a run's configuration. */
export function stepSettings(config: TrainConfig): StepSettings {
  const settings: StepSettings = { lr: undefined, cost: config.cost };
  settings.lr = config.learningRate;
  return settings;
}

/**
 * One update of the training loop: the next minibatch of `stream` into `x` `[B, n_0]` and `y`
 * `[B]` (the network's input buffers), the SGD step, and the running tallies, updated in place:
 * `running` (summed loss × B, misclassified examples, examples) and `clock[REPORT_LOSS]`.
 * A small function of its own so that V8 optimises it whole, with the loss read from the network
 * and never passed around as a number: a warm update allocates nothing (issue 6).
 * @returns false when the loss is not finite (the run diverged; the tallies are left untouched).
 */
export function trainUpdate(
  mlp: Mlp,
  stream: TrainStream,
  x: Float32Array,
  y: Int32Array,
  B: number,
  settings: StepSettings,
  running: Running,
  clock: Float64Array,
): boolean {
  stream.next(x, y, B);
  mlp.trainStep(null, null, B, settings.lr!, settings.cost);
  const loss = mlp.lastLoss;
  if (!Number.isFinite(loss)) return false;
  const classes = mlp.classes;
  const logits = mlp.preactivation(mlp.depth - 1);
  for (let r = 0; r < B; r++) if (argmax(logits, r * classes, classes) !== y[r]) running.wrong++;
  running.loss += loss * B;
  running.examples += B;
  clock[REPORT_LOSS] += loss;
  return true;
}

/** The checkpoint's JSON part. */
interface CheckpointMeta {
  update: number;
  stream: unknown;
  running: Running;
}

/** Evaluations at a probe point: the running training estimate, validation and test. */
function evaluate(mlp: Mlp, dataset: Dataset, running: Running): EvaluationRecord[] {
  const out: EvaluationRecord[] = [];
  if (running.examples > 0) {
    out.push({ split: 'train', errorRate: (100 * running.wrong) / running.examples, nll: running.loss / running.examples, examples: running.examples });
  }
  for (const [split, data] of [
    ['validation', dataset.validation],
    ['test', dataset.test],
  ] as const) {
    // the split itself: Mlp.evaluate reads it chunk by chunk (it stays compact, e.g. 8-bit pixels)
    const r = mlp.evaluate(data, data.y, data.n);
    out.push({ split, errorRate: r.errorRate, nll: r.nll, examples: r.n });
  }
  return out;
}

/** The probe set: the first `size` test examples (the paper's 300), materialised as float32 [n, inputSize]. */
function probeSet(test: DataSplit, inputSize: number, size: number): { x: Float32Array; y: Int32Array; n: number } {
  const n = Math.min(size, test.n);
  const x = new Float32Array(n * inputSize);
  test.read(0, n, x, 0);
  return { x, y: test.y.subarray(0, n), n };
}

/** Converts probe records to the store's shapes. */
function toStore(r: ProbeResult): { scalars: ProbeResult['scalars']; histograms: Array<{ layer: number; tensor: string; edges: Float64Array; counts: Float64Array; nan: number; posinf: number; neginf: number }> } {
  return {
    scalars: r.scalars,
    histograms: r.histograms.map((h) => ({
      layer: h.layer,
      tensor: h.tensor,
      edges: h.histogram.edges,
      counts: h.histogram.counts,
      nan: h.histogram.nan,
      posinf: h.histogram.posInf,
      neginf: h.histogram.negInf,
    })),
  };
}

/**
 * Trains one run to its configured number of updates (or until interrupted or diverged), recording
 * everything in the output directory's run record.
 * @throws Error when resuming a run that does not exist or has no checkpoint, when the dataset
 *   cannot be opened (the message says how to get it), or on an invalid configuration.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const started = performance.now();
  const store = openRunStore(options.outDir);
  const releases: Array<() => void> = [];
  try {
    return await trainIn(store, options, started, releases);
  } finally {
    for (const release of releases) release();
    store.close();
  }
}

async function trainIn(store: RunStore, options: TrainOptions, started: number, releases: Array<() => void>): Promise<TrainResult> {
  const { outDir, backend } = options;
  let run!: RunInfo; // assigned once the run is recorded (new) or read (resume)
  let config: TrainConfig;
  if (options.resume) {
    if (!options.runId) throw new Error('--resume needs a run id');
    run = store.getRun(options.runId);
    releases.push(acquireRunLock(outDir, run.id));
    run = store.getRun(run.id); // re-read: another process may have finished it before we took the lock
    config = run.config as unknown as TrainConfig;
    if (run.status === 'finished') {
      return { run, test: null, validation: null, modelPath: join(outDir, 'models', `${run.id}.safetensors`), seconds: 0 };
    }
  } else {
    if (!options.config) throw new Error('train: a configuration is required for a new run');
    config = options.config;
  }
  // open the data and build the network before a new run is recorded: a missing dataset or an
  // impossible network must not leave a run row behind that blocks its id
  const dataset = options.dataset ?? (await openConfigDataset(config));
  let mlp: Mlp | null = null;
  if (!options.resume) {
    mlp = new Mlp(backend, mlpConfigFor(config, dataset.inputSize, dataset.classes));
    try {
      run = store.createRun({
        ...(options.runId !== undefined ? { id: options.runId } : {}),
        config,
        seed: config.seed,
        backend: backend.name,
        threads: backend.threads,
        versions: { backend: backend.detail },
      });
    } catch (e) {
      mlp.dispose();
      throw e;
    }
    releases.push(acquireRunLock(outDir, run.id));
  }
  const stream = dataset.trainStream(deriveSeed(config.seed, 'data'));
  let running: Running = { loss: 0, wrong: 0, examples: 0 };
  let start = 0;
  let resumed = false;
  const checkpoint = options.resume ? readCheckpoint(outDir, run.id) : null;
  if (checkpoint) {
    const meta = checkpoint.meta as unknown as CheckpointMeta;
    const model = checkpoint.blobs['model'];
    if (!model) throw new Error(`checkpoint of run ${run.id}: the model blob is missing`);
    mlp = modelFromBytes(backend, model, `checkpoint of run ${run.id}`);
    stream.setState(meta.stream);
    running = { ...meta.running };
    start = meta.update;
    resumed = true;
    store.deleteAfter(run.id, start);
  } else {
    // no checkpoint: (re)start from scratch, dropping anything a crashed first attempt recorded
    mlp ??= new Mlp(backend, mlpConfigFor(config, dataset.inputSize, dataset.classes));
    store.deleteAfter(run.id, -1);
  }
  store.setStatus(run.id, 'running');

  const probe = probeSet(dataset.test, dataset.inputSize, config.probe.size);
  const svd = config.probe.jacobianExamples > 0 ? (await singularValueRoutine()).fn : undefined;
  const B = config.minibatch;
  let lastTest: EvaluationRecord | null = null;
  let lastValidation: EvaluationRecord | null = null;
  const progressMs = options.progressMs ?? 500;
  // The per-step bookkeeping that holds doubles lives in a Float64Array: a double stored into a
  // closure variable is boxed into a new heap number at every store, and a warm training step
  // allocates nothing (issue 6; test/run/train-allocation.test.ts).
  const clock = new Float64Array(3);
  let reportCount = 0;
  const loopStart = performance.now();
  clock[LAST_REPORT] = loopStart;
  clock[LAST_YIELD] = loopStart;

  const record = (u: number): void => {
    const jacobian = config.probe.jacobianAt === 'every' || u === 0 ? config.probe.jacobianExamples : 0;
    const probed = probeNetwork(mlp, probe.x, probe.y, probe.n, {
      bins: config.probe.bins,
      jacobianExamples: jacobian,
      ...(svd ? { singularValues: svd } : {}),
      theory: u === 0,
    });
    const evaluations = evaluate(mlp, dataset, running);
    for (const e of evaluations) {
      if (e.split === 'test') lastTest = e;
      if (e.split === 'validation') lastValidation = e;
    }
    store.recordProbePoint(run.id, u, { ...toStore(probed), evaluations });
    running = { loss: 0, wrong: 0, examples: 0 };
  };
  const saveCheckpoint = (u: number): void => {
    const meta: CheckpointMeta = { update: u, stream: stream.getState(), running };
    writeCheckpoint(outDir, run.id, u, { model: modelToBytes(mlp) }, meta as unknown as Record<string, unknown>);
  };
  const report = (u: number, force: boolean): void => {
    // the clock is read every 16 updates (every update when progressMs is 0): performance.now()
    // returns a float64 that is boxed into a new heap number at each call (≈ 16 B per update,
    // measured in bench/lib/memory-child.ts's real-loop run)
    if (!options.onProgress || (!force && progressMs > 0 && (u & 15) !== 0)) return;
    const now = performance.now();
    if (!force && now - clock[LAST_REPORT]! < progressMs) return;
    const seconds = (now - loopStart) / 1000;
    options.onProgress({
      run: run.id,
      update: u,
      updates: config.updates,
      loss: reportCount > 0 ? clock[REPORT_LOSS]! / reportCount : NaN,
      testError: lastTest ? (lastTest as EvaluationRecord).errorRate : null,
      updatesPerSecond: seconds > 0 ? (u - start) / seconds : 0,
    });
    clock[LAST_REPORT] = now;
    clock[REPORT_LOSS] = 0;
    reportCount = 0;
  };

  const settings = stepSettings(config);
  try {
    // the minibatch buffers, fetched outside the step (inputBuffers returns a new {x, y} object per
    // call) and again after each probe point (probes and evaluations enlarge the workspace); inside
    // the try, so that a failure to allocate them marks the run failed instead of leaving it running
    let { x, y } = mlp.inputBuffers(B);
    for (let u = start; ; u++) {
      // update u's state is the network after u SGD steps
      if (isProbePoint(u, config.updates, config.probe.interval, config.probe.early) && !(resumed && u === start)) {
        record(u);
        report(u, true);
        ({ x, y } = mlp.inputBuffers(B));
      }
      if (u > start && u % config.checkpointInterval === 0 && u < config.updates) saveCheckpoint(u);
      if (u >= config.updates) break;
      if ((u & 63) === 0 && performance.now() - clock[LAST_YIELD]! > YIELD_MS) {
        // let SIGINT/SIGTERM handlers (and IPC) run: the loop is otherwise synchronous
        await new Promise<void>((resolve) => setImmediate(resolve));
        clock[LAST_YIELD] = performance.now();
      }
      if (options.signal?.aborted) {
        saveCheckpoint(u);
        run = store.setStatus(run.id, 'interrupted', `interrupted at update ${u}; resume with: glorot train --resume ${run.id} --out ${outDir}`);
        return { run, test: lastTest, validation: lastValidation, modelPath: null, seconds: (performance.now() - started) / 1000 };
      }
      if (!trainUpdate(mlp, stream, x, y, B, settings, running, clock)) {
        run = store.setStatus(run.id, 'diverged', `loss became ${mlp.lastLoss} at update ${u + 1}`);
        return { run, test: lastTest, validation: lastValidation, modelPath: null, seconds: (performance.now() - started) / 1000 };
      }
      reportCount++;
      report(u + 1, false);
    }
    const modelDir = join(outDir, 'models');
    ensureDir(modelDir, 'the models directory (under --out)');
    const modelPath = join(modelDir, `${run.id}.safetensors`);
    saveModel(mlp, modelPath);
    run = store.setStatus(run.id, 'finished');
    return { run, test: lastTest, validation: lastValidation, modelPath, seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    store.setStatus(run.id, 'failed', e instanceof Error ? e.message : String(e));
    throw e;
  } finally {
    mlp.dispose();
  }
}
