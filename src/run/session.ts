/**
 * Getting a run ready to train: a new run is recorded, or a stored one is locked and resumed from
 * its last checkpoint (or restarted when it has none). Everything that can fail early — a damaged
 * stored configuration, a dataset that cannot be opened or evaluated, an impossible network, an
 * unwritable output — fails before a new run is recorded and before a resumed one is touched.
 */
import { join } from 'node:path';
import { parseStoredTrainConfig, type TrainConfig } from '../config/training.ts';
import type { Dataset, TrainStream } from '../data/dataset.ts';
import type { Backend } from '../kernels/backend.ts';
import type { Mlp } from '../nn/mlp.ts';
import { deriveSeed } from '../core/rng.ts';
import { CheckpointError, checkpointDir, readCheckpoint } from '../store/checkpoint.ts';
import { ensureDir } from '../store/paths.ts';
import type { RunStore } from '../store/runStore.ts';
import type { RunInfo } from '../store/types.ts';
import { checkEvaluationSplits, openConfigDataset } from './evaluation.ts';
import { acquireRunLock } from '../store/locks.ts';
import { checkCheckpointMeta, restoreStream } from './checkpoint-meta.ts';
import { buildNetwork, restoreNetwork } from './network.ts';
import type { TrainOptions, TrainResult } from './options.ts';
import type { Running } from './step.ts';

/**
 * A run's notices: each is passed to the caller as it happens (`onNotice`) and kept for the run's
 * status detail (docs/DECISIONS.md "Training runs").
 */
export class RunNotes {
  private readonly notes: string[] = [];

  /** @param onNotice receives each notice as it happens. */
  constructor(private readonly onNotice?: (message: string) => void) {}

  /** Records a notice and passes it on. */
  add(message: string): void {
    this.notes.push(message);
    this.onNotice?.(message);
  }

  /** The status detail: `main` (when given) and every notice, `; `-separated; undefined when there is none. */
  detail(main?: string): string | undefined {
    const parts = main === undefined ? this.notes : [main, ...this.notes];
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
}

/** A run ready to train: its record, configuration, data, network, and where it starts. */
export interface Session {
  run: RunInfo;
  readonly config: TrainConfig;
  readonly dataset: Dataset;
  readonly mlp: Mlp;
  readonly stream: TrainStream;
  readonly running: Running;
  /** The update training starts from (0, or a checkpoint's). */
  readonly start: number;
  /** Whether it starts from a checkpoint (update `start` is then already recorded). */
  readonly resumed: boolean;
  readonly modelDir: string;
  readonly notes: RunNotes;
}

/** Either a run ready to train, or a resumed run that had already finished. */
export type Begun = { readonly session: Session } | { readonly done: TrainResult };

/**
 * Records a new run, or locks and reads the stored one to resume, and readies it to train.
 * @param releases receives the run lock's release function.
 * @throws see `train`.
 */
export async function beginRun(store: RunStore, options: TrainOptions, releases: Array<() => void>): Promise<Begun> {
  const notes = new RunNotes(options.onNotice);
  let stored: RunInfo | null = null;
  let config: TrainConfig;
  if (options.resume) {
    stored = lockStoredRun(store, options, releases);
    if (stored.status === 'finished') {
      return { done: { run: stored, test: null, validation: null, modelPath: join(options.outDir, 'models', `${stored.id}.safetensors`), seconds: 0 } };
    }
    config = parseStoredTrainConfig(stored.config, { file: store.file, subject: `run ${stored.id}` });
  } else {
    if (!options.config) throw new Error('train: a configuration is required for a new run');
    config = options.config;
  }
  // open the data, build the network and make the models directory before a new run is recorded
  // (and before a resumed one is touched): a missing or unusable dataset, an impossible network or
  // an unwritable output must not leave a run row behind that blocks its id, nor a failed run
  const dataset = options.dataset ?? (await openConfigDataset(config));
  checkEvaluationSplits(config, dataset);
  const modelDir = ensureDir(join(options.outDir, 'models'), 'the models directory (in the output directory)', 'outDir');
  const created = stored === null ? createRun(store, options, config, dataset, releases) : null;
  const run = created?.run ?? stored!;
  const stream = dataset.trainStream(deriveSeed(config.seed, 'data'));
  const from = options.resume ? startFrom(store, options, run, config, dataset, stream, notes) : null;
  const mlp = created?.mlp ?? from!.mlp;
  const session: Session = {
    run,
    config,
    dataset,
    mlp,
    stream,
    running: from?.running ?? { loss: 0, wrong: 0, examples: 0 },
    start: from?.start ?? 0,
    resumed: from?.resumed ?? false,
    modelDir,
    notes,
  };
  if (!options.resume) store.deleteAfter(run.id, -1);
  if (options.resume) session.run = recordSegment(store, options.backend, session);
  if (dataset.test.n < config.probe.size) {
    const n = dataset.test.n;
    notes.add(`the test split has ${n} example${n === 1 ? '' : 's'}, fewer than probe.size ${config.probe.size}: the probe set is the whole test split`);
  }
  session.run = store.setStatus(run.id, 'running', notes.detail());
  return { session };
}

/** The stored run `options.runId`, locked and read again (another process may have finished it before we took the lock). */
function lockStoredRun(store: RunStore, options: TrainOptions, releases: Array<() => void>): RunInfo {
  if (!options.runId) throw new Error('train: resume needs the id of the run to resume (runId)');
  const run = store.getRun(options.runId);
  releases.push(acquireRunLock(options.outDir, run.id));
  return store.getRun(run.id);
}

/** A new run: its network (built first: an impossible one records nothing), its record and its lock. */
function createRun(store: RunStore, options: TrainOptions, config: TrainConfig, dataset: Dataset, releases: Array<() => void>): { run: RunInfo; mlp: Mlp } {
  const { backend } = options;
  const mlp = buildNetwork(backend, config, dataset);
  let run: RunInfo;
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
  releases.push(acquireRunLock(options.outDir, run.id));
  return { run, mlp };
}

/**
 * Where a resumed run starts: its last checkpoint (network, data stream, running sums; later records
 * dropped), or, without one, update 0 with a new network (every record dropped, and a notice). The
 * checkpoint is checked against the run before anything is dropped: its meta against the record and
 * configuration (src/run/checkpoint-meta.ts), its model's embedded config against the run's.
 * @throws CheckpointError / InvalidInputError naming the checkpoint's file and field at fault.
 */
function startFrom(
  store: RunStore,
  options: TrainOptions,
  run: RunInfo,
  config: TrainConfig,
  dataset: Dataset,
  stream: TrainStream,
  notes: RunNotes,
): { mlp: Mlp; running: Running; start: number; resumed: boolean } {
  const checkpoint = readCheckpoint(options.outDir, run.id);
  if (!checkpoint) {
    const had = run.lastUpdate === null ? 'it has no records yet' : `its records up to update ${run.lastUpdate} are recomputed`;
    const manifest = join(checkpointDir(options.outDir, run.id), 'manifest.json');
    notes.add(`run ${run.id}: no usable checkpoint found (no ${manifest}): restarting from update 0; ${had}`);
    const mlp = buildNetwork(options.backend, config, dataset);
    store.deleteAfter(run.id, -1);
    return { mlp, running: { loss: 0, wrong: 0, examples: 0 }, start: 0, resumed: false };
  }
  const meta = checkCheckpointMeta(checkpoint, config, store.probePoints(run.id).map((p) => p.updates));
  const model = checkpoint.blobs['model'];
  if (!model) {
    throw new CheckpointError(checkpoint.manifest, `checkpoint ${checkpoint.manifest} of run ${run.id}: blobs: the model blob is missing`, 'blobs.model');
  }
  const mlp = restoreNetwork(options.backend, config, dataset, model, checkpoint.files['model']!);
  try {
    restoreStream(checkpoint, stream, meta, config.minibatch);
  } catch (e) {
    mlp.dispose();
    throw e;
  }
  store.deleteAfter(run.id, meta.update);
  return { mlp, running: { ...meta.running }, start: meta.update, resumed: true };
}

/**
 * Records the backend this segment of a resumed run trains on, with a notice when it differs from
 * the one that trained up to the checkpoint (float32 results then agree only within rounding).
 */
function recordSegment(store: RunStore, backend: Backend, session: Session): RunInfo {
  const continued = store.continueRun(session.run.id, session.start, backend.name, backend.threads, { backend: backend.detail });
  const prev = continued.previous;
  if (prev && (prev.backend !== backend.name || prev.threads !== backend.threads)) {
    const threads = (n: number): string => `${n} thread${n === 1 ? '' : 's'}`;
    session.notes.add(
      `run ${continued.run.id} was trained on ${prev.backend} with ${threads(prev.threads)} up to update ${session.start} and resumes on ` +
        `${backend.name} with ${threads(backend.threads)}: its results will not be bit-identical to an uninterrupted run`,
    );
  }
  return continued.run;
}
