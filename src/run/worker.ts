/**
 * A training worker process: the job runner forks one per parallel run (one run per core with one
 * kernel thread each never oversubscribes the cores). Protocol over the IPC channel:
 * parent → worker: {@link WorkerRequest}; worker → parent: {@link WorkerMessage}s, ending with
 * `done` or `error`. SIGINT/SIGTERM make the run checkpoint and end as `interrupted`; so does the
 * parent going away (its IPC channel closes: killed, or exited on a closed pipe), after which the
 * worker finishes quietly — nothing left to report to, and no stack trace on the terminal it shares.
 */
import type { BackendName } from '../kernels/backend.ts';
import { createBackend } from '../kernels/index.ts';
import type { TrainConfig } from '../config/training.ts';
import { train, type TrainProgress } from './train.ts';

/** What the parent asks a worker to do. */
export interface WorkerRequest {
  readonly type: 'run';
  readonly outDir: string;
  readonly runId: string;
  readonly config: TrainConfig;
  readonly resume: boolean;
  readonly backend: BackendName | 'auto';
  readonly threads: number;
  /** Stop at this update with a checkpoint (see TrainOptions.until). */
  readonly until?: number;
  /** Write the run's TensorBoard log live (see TrainOptions.tensorboardDir). */
  readonly tensorboardDir?: string;
}

/** What a worker reports. */
export type WorkerMessage =
  | { readonly type: 'started'; readonly runId: string; readonly backend: string }
  | { readonly type: 'progress'; readonly progress: TrainProgress }
  /** A trainer warning (no usable checkpoint, another backend than before, a small probe set). */
  | { readonly type: 'notice'; readonly runId: string; readonly message: string }
  | {
      readonly type: 'done';
      readonly runId: string;
      readonly status: string;
      readonly detail: string | null;
      readonly testError: number | null;
      readonly seconds: number;
    }
  | { readonly type: 'error'; readonly runId: string; readonly message: string };

/** Sends `m` to the parent; resolves (never rejects) once sent, or at once when the parent is gone. */
function send(m: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    // the callback receives the error of a send to a parent that went away meanwhile: nothing to do
    process.send(m, undefined, {}, () => resolve());
  });
}

// the terminal is the parent's: when the parent's stdout/stderr pipe closes (`glorot reproduce | head`),
// a write here fails with EPIPE; the run must still checkpoint, so such a failure is ignored
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

const controller = new AbortController();
let signals = 0;
const onSignal = (): void => {
  // the first signal checkpoints and stops the run; a second one (a second Ctrl-C) quits at once
  if (++signals > 1) process.exit(130);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
// the parent died or went away: stop with a checkpoint rather than train on unobserved
process.on('disconnect', () => controller.abort());

process.once('message', (req: WorkerRequest) => {
  void (async () => {
    try {
      const backend = await createBackend({ name: req.backend, threads: req.threads });
      await send({ type: 'started', runId: req.runId, backend: backend.name });
      const r = await train({
        outDir: req.outDir,
        backend,
        config: req.config,
        runId: req.runId,
        resume: req.resume,
        ...(req.until !== undefined ? { until: req.until } : {}),
        ...(req.tensorboardDir !== undefined ? { tensorboardDir: req.tensorboardDir } : {}),
        signal: controller.signal,
        onProgress: (progress) => void send({ type: 'progress', progress }),
        onNotice: (message) => void send({ type: 'notice', runId: req.runId, message }),
        progressMs: 1000,
      });
      backend.dispose();
      await send({
        type: 'done',
        runId: req.runId,
        status: r.run.status,
        detail: r.run.statusDetail,
        testError: r.test ? r.test.errorRate : null,
        seconds: r.seconds,
      });
    } catch (e) {
      await send({ type: 'error', runId: req.runId, message: e instanceof Error ? e.message : String(e) });
    }
    // the parent may have gone while the run checkpointed: disconnecting twice would throw ERR_IPC_DISCONNECTED
    if (process.connected) process.disconnect();
  })();
});
