/** What {@link train} takes and gives (src/run/train.ts), in a file of their own so every part of the trainer can name them. */
import type { TrainConfig } from '../config/training.ts';
import type { Dataset } from '../data/dataset.ts';
import type { Backend } from '../kernels/backend.ts';
import type { EvaluationRecord } from '../core/metrics.ts';
import type { RunInfo } from '../store/types.ts';

/** Progress of a running training, reported to the caller (the CLI's progress bar). */
export interface TrainProgress {
  readonly run: string;
  readonly update: number;
  readonly updates: number;
  /** Mean training cost since the last report. */
  readonly loss: number;
  /** Test error (%) at the last probe point, if any yet. */
  readonly testError: number | null;
  /** Updates per second over the last 10 s (src/run/rate.ts: a moving window, not an average since the start). */
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

/** Options of `train`. */
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
  /**
   * Write the run's TensorBoard log live into `<tensorboardDir>/<run id>` (src/store/tensorboard-run.ts):
   * the record so far when the run starts or resumes, then each probe point as it is recorded, so a
   * running `tensorboard --logdir <tensorboardDir>` shows the run as it trains.
   */
  readonly tensorboardDir?: string;
  /** A dataset already opened with the config's options (the reproduce job shares one). */
  readonly dataset?: Dataset;
}

/**
 * A run that stopped on an error after its training was saved in a checkpoint: resuming it (the
 * CLI says how) continues from there without retraining.
 */
export class ResumableRunError extends Error {
  /** @param runId the run to resume. */
  constructor(
    message: string,
    readonly runId: string,
  ) {
    super(message);
    this.name = 'ResumableRunError';
  }
}
