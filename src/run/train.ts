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
import { DATASET_NAMES, openDataset, type Dataset, type Split as DataSplit, type TrainStream } from '../data/dataset.ts';
import { Mlp, argmax, type MlpConfig } from '../nn/mlp.ts';
import { modelFromBytes, modelToBytes } from '../nn/io.ts';
import { probeNetwork } from '../probes/probe.ts';
import { singularValueRoutine } from '../probes/jacobian.ts';
import { deriveSeed } from '../random/rng.ts';
import { openRunStore, type RunStore } from '../store/runStore.ts';
import type { EvaluationRecord } from '../core/metrics.ts';
import type { RunInfo } from '../store/types.ts';
import { checkpointDir, readCheckpoint, writeCheckpoint } from '../store/checkpoint.ts';
import { writeFileAtomic } from '../store/durable.ts';
import { ensureDir } from '../store/paths.ts';
import { parseStoredTrainConfig, type TrainConfig } from '../config/training.ts';
import { isProbePoint } from '../config/schedule.ts';
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
  /**
   * Stop at this update (a count of SGD updates, below the run's `updates`) with a checkpoint, as an
   * interrupt would: status `interrupted`, and a later resume continues bit-identically. Used for
   * learning-rate pilots that train every run of a grid part of the way (docs/DECISIONS.md).
   */
  readonly until?: number;
  /** Stop (with a checkpoint, status `interrupted`) when this signal aborts (SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
  /**
   * Called with a one-line warning about how the run proceeds, e.g. that a resume found no usable
   * checkpoint and restarts from update 0, or resumes on another backend or thread count. Each
   * notice is also appended to the run's status detail (see docs/DECISIONS.md "Training runs").
   */
  readonly onNotice?: (message: string) => void;
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

/** Whether a dataset name opens an image folder (`folder:<dir>`, or a directory given as is). */
function isFolderDataset(name: string): boolean {
  return !(DATASET_NAMES as readonly string[]).includes(name) && !name.startsWith('idx:');
}

/** What decides the size of a dataset's validation or test split, and how to make it non-empty. */
function splitRemedy(config: TrainConfig, dataset: Dataset, split: 'validation' | 'test'): string {
  const option = `--${split}-size (config field ${split}Size)`;
  if (isFolderDataset(config.dataset)) {
    const images = ['train', 'validation', 'test'].reduce((a, k) => a + Number(dataset.info[k] ?? 0), 0);
    return `the folder has ${images} images; add images, or give ${option} of at least 1`;
  }
  if (config.dataset === 'shapeset' || split === 'validation') return `give ${option} of at least 1`;
  return `the dataset's test file holds no examples (${option} does not apply to it); use another dataset`;
}

/**
 * Refuses a dataset that cannot be evaluated: every probe point evaluates the validation and the
 * test split, and the probe set is the first `probe.size` examples of the test split, so both must
 * hold at least one example. (A test split smaller than `probe.size` is probed whole, with a notice.)
 * @throws Error naming the dataset, the split, its size and the option or input that sets it.
 */
export function checkEvaluationSplits(config: TrainConfig, dataset: Dataset): void {
  for (const [split, data] of [
    ['validation', dataset.validation],
    ['test', dataset.test],
  ] as const) {
    if (data.n >= 1) continue;
    const why = split === 'test' ? `every probe point evaluates it and probes its first ${config.probe.size} examples` : 'every probe point evaluates it';
    throw new Error(`dataset ${config.dataset}: the ${split} split is empty (${data.n} examples), but ${why}: ${splitRemedy(config, dataset, split)}`);
  }
}

/** `n` bytes as a short human figure, e.g. `409.6 GB`. */
function bytesText(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let u = 0;
  while (n >= 1000 && u < units.length - 1) {
    n /= 1000;
    u++;
  }
  return `${n.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

/**
 * Runs `allocate` (building a network, or its minibatch buffers), turning the backend's
 * RangeError for an impossible size ("Invalid typed array length: …", "alloc length … exceeds the
 * 4 GiB wasm32 memory", "Array buffer allocation failed") into an error naming the option at fault
 * and the sizes it tried to allocate.
 * @param rows the minibatch size when allocating buffers; null for the network's weights.
 */
function allocating<T>(widths: readonly number[], rows: number | null, allocate: () => T): T {
  try {
    return allocate();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const shape = widths.join('-');
    if (rows === null) {
      let floats = 0;
      for (let i = 0; i + 1 < widths.length; i++) floats += widths[i]! * widths[i + 1]! + widths[i + 1]!;
      throw new Error(
        `--width/--widths (config field hidden): cannot allocate the weights of a ${shape} network ` +
          `(${floats.toLocaleString('en-US')} floats, ${bytesText(4 * floats)}): ${e.message}; use narrower layers`,
      );
    }
    // the workspace: z^0 … z^{L−1} (every width but the last), s and ∂C/∂s (every width but the first)
    const sum = (a: readonly number[]): number => a.reduce((x, w) => x + w, 0);
    const floats = rows * (sum(widths.slice(0, -1)) + 2 * sum(widths.slice(1)));
    throw new Error(
      `--minibatch ${rows} (config field minibatch): cannot allocate the minibatch buffers of ${rows} rows × widths ${shape} ` +
        `(${floats.toLocaleString('en-US')} floats, ${bytesText(4 * floats)}): ${e.message}; use a smaller --minibatch`,
    );
  }
}

/** A new network for the configuration, with its minibatch buffers allocated (clear errors when they cannot be). */
function buildNetwork(backend: Backend, config: TrainConfig, dataset: Dataset): Mlp {
  const mlpConfig = mlpConfigFor(config, dataset.inputSize, dataset.classes);
  const mlp = allocating(mlpConfig.widths, null, () => new Mlp(backend, mlpConfig));
  try {
    allocating(mlp.widths, config.minibatch, () => mlp.inputBuffers(config.minibatch));
  } catch (e) {
    mlp.dispose();
    throw e;
  }
  return mlp;
}

/**
 * Trains one run to its configured number of updates (or until interrupted or diverged), recording
 * everything in the output directory's run record.
 * A resume that finds no usable checkpoint restarts from update 0; one on another backend or thread
 * count continues (its records are then not bit-identical to an uninterrupted run's). Both are
 * reported through `onNotice` and in the status detail, and the run record keeps the backend of
 * each segment (docs/STORE.md, `versions.segments`).
 * @throws Error before any run is recorded or resumed when the stored configuration of a resumed run
 *   is invalid (naming the run and the field), when the dataset cannot be opened (the message says
 *   how to get it) or has an empty validation or test split, when the network or its minibatch
 *   buffers cannot be allocated (naming --width or --minibatch), or when the output's models
 *   directory cannot be created; Error when resuming a run that does not exist.
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
  // notices: printed by the caller as they happen, and kept in the run's status detail
  const notes: string[] = [];
  const notice = (message: string): void => {
    notes.push(message);
    options.onNotice?.(message);
  };
  const detail = (main?: string): string | undefined => {
    const parts = main === undefined ? notes : [main, ...notes];
    return parts.length > 0 ? parts.join('; ') : undefined;
  };
  let run!: RunInfo; // assigned once the run is recorded (new) or read (resume)
  let config: TrainConfig;
  if (options.resume) {
    if (!options.runId) throw new Error('--resume needs a run id');
    run = store.getRun(options.runId);
    releases.push(acquireRunLock(outDir, run.id));
    run = store.getRun(run.id); // re-read: another process may have finished it before we took the lock
    if (run.status === 'finished') {
      return { run, test: null, validation: null, modelPath: join(outDir, 'models', `${run.id}.safetensors`), seconds: 0 };
    }
    config = parseStoredTrainConfig(run.config, `run ${run.id} (stored in ${store.file})`);
  } else {
    if (!options.config) throw new Error('train: a configuration is required for a new run');
    config = options.config;
  }
  // open the data, build the network and make the models directory before a new run is recorded
  // (and before a resumed one is touched): a missing or unusable dataset, an impossible network or
  // an unwritable output must not leave a run row behind that blocks its id, nor a failed run
  const dataset = options.dataset ?? (await openConfigDataset(config));
  checkEvaluationSplits(config, dataset);
  const modelDir = ensureDir(join(outDir, 'models'), 'the models directory (under --out)');
  let mlp: Mlp | null = null;
  if (!options.resume) {
    mlp = buildNetwork(backend, config, dataset);
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
    mlp = allocating(mlpConfigFor(config, dataset.inputSize, dataset.classes).widths, null, () =>
      modelFromBytes(backend, model, `checkpoint of run ${run.id}`),
    );
    try {
      allocating(mlp.widths, config.minibatch, () => mlp!.inputBuffers(config.minibatch));
      stream.setState(meta.stream);
    } catch (e) {
      mlp.dispose();
      throw e;
    }
    running = { ...meta.running };
    start = meta.update;
    resumed = true;
    store.deleteAfter(run.id, start);
  } else {
    if (options.resume) {
      const had = run.lastUpdate === null ? 'it has no records yet' : `its records up to update ${run.lastUpdate} are recomputed`;
      notice(`run ${run.id}: no usable checkpoint found (no ${join(checkpointDir(outDir, run.id), 'manifest.json')}): restarting from update 0; ${had}`);
    }
    // no checkpoint: (re)start from scratch, dropping anything a crashed first attempt recorded
    mlp ??= buildNetwork(backend, config, dataset);
    store.deleteAfter(run.id, -1);
  }
  if (options.resume) {
    // record the backend this segment runs on; warn when it differs from the one that trained up
    // to the checkpoint (float32 results then agree only within rounding)
    const continued = store.continueRun(run.id, start, backend.name, backend.threads, { backend: backend.detail });
    run = continued.run;
    const prev = continued.previous;
    if (prev && (prev.backend !== backend.name || prev.threads !== backend.threads)) {
      const threads = (n: number): string => `${n} thread${n === 1 ? '' : 's'}`;
      notice(
        `run ${run.id} was trained on ${prev.backend} with ${threads(prev.threads)} up to update ${start} and resumes on ` +
          `${backend.name} with ${threads(backend.threads)}: its results will not be bit-identical to an uninterrupted run`,
      );
    }
  }
  if (dataset.test.n < config.probe.size) {
    const n = dataset.test.n;
    notice(`the test split has ${n} example${n === 1 ? '' : 's'}, fewer than probe.size ${config.probe.size} (--probe-size): the probe set is the whole test split`);
  }
  store.setStatus(run.id, 'running', detail());

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
    store.recordProbePoint(run.id, u, { ...probed, evaluations });
    running = { loss: 0, wrong: 0, examples: 0 };
  };
  let checkpointed = resumed ? start : -1; // the update of the latest checkpoint on disk
  const saveCheckpoint = (u: number): void => {
    const meta: CheckpointMeta = { update: u, stream: stream.getState(), running };
    writeCheckpoint(outDir, run.id, u, { model: modelToBytes(mlp) }, meta as unknown as Record<string, unknown>);
    checkpointed = u;
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
    // the minibatch buffers (allocated with the network, before the run was recorded or resumed),
    // fetched outside the step (inputBuffers returns a new {x, y} object per call) and again after
    // each probe point (probes and evaluations enlarge the workspace); inside the try, so that any
    // failure marks the run failed instead of leaving it running
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
      if (options.until !== undefined && u >= options.until) {
        if (checkpointed !== u) saveCheckpoint(u);
        run = store.setStatus(run.id, 'interrupted', detail(`stopped at update ${u} as asked (until ${options.until}); resume with: glorot train --resume ${run.id} --out ${outDir}`));
        return { run, test: lastTest, validation: lastValidation, modelPath: null, seconds: (performance.now() - started) / 1000 };
      }
      if ((u & 63) === 0 && performance.now() - clock[LAST_YIELD]! > YIELD_MS) {
        // let SIGINT/SIGTERM handlers (and IPC) run: the loop is otherwise synchronous
        await new Promise<void>((resolve) => setImmediate(resolve));
        clock[LAST_YIELD] = performance.now();
      }
      if (options.signal?.aborted) {
        saveCheckpoint(u);
        run = store.setStatus(run.id, 'interrupted', detail(`interrupted at update ${u}; resume with: glorot train --resume ${run.id} --out ${outDir}`));
        return { run, test: lastTest, validation: lastValidation, modelPath: null, seconds: (performance.now() - started) / 1000 };
      }
      if (!trainUpdate(mlp, stream, x, y, B, settings, running, clock)) {
        run = store.setStatus(run.id, 'diverged', detail(`loss became ${mlp.lastLoss} at update ${u + 1}`));
        return { run, test: lastTest, validation: lastValidation, modelPath: null, seconds: (performance.now() - started) / 1000 };
      }
      reportCount++;
      report(u + 1, false);
    }
    // a checkpoint of the final state first: if saving the model fails (disk full, a directory in
    // the way), --resume then only saves it, without retraining anything
    if (checkpointed !== config.updates) saveCheckpoint(config.updates);
    const modelPath = join(modelDir, `${run.id}.safetensors`);
    try {
      writeFileAtomic(modelPath, modelToBytes(mlp));
    } catch (e) {
      throw new Error(
        `cannot save the model to ${modelPath} (${e instanceof Error ? e.message : String(e)}); training is complete and ` +
          `checkpointed at update ${config.updates}: fix that, then finish the run without retraining with: glorot train --resume ${run.id} --out ${outDir}`,
      );
    }
    run = store.setStatus(run.id, 'finished', detail());
    return { run, test: lastTest, validation: lastValidation, modelPath, seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    store.setStatus(run.id, 'failed', detail(e instanceof Error ? e.message : String(e)));
    throw e;
  } finally {
    mlp.dispose();
  }
}
