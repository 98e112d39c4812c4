/**
 * The training loop of a readied run (src/run/session.ts): SGD updates, probe points (statistics and
 * evaluations into the run record), checkpoints, progress reports, and the four ways a run ends —
 * finished (final checkpoint, then the model), stopped at `until` or interrupted (checkpoint), or
 * diverged; any error marks the run failed.
 */
import { join } from 'node:path';
import { isProbePoint } from '../config/schedule.ts';
import { modelToBytes } from '../nn/io.ts';
import { Sgd } from '../nn/sgd.ts';
import { singularValueRoutine, type SingularValues } from '../probes/jacobian.ts';
import { probeNetwork } from '../probes/probe.ts';
import { writeCheckpoint } from '../store/checkpoint.ts';
import type { RunStore } from '../store/runStore.ts';
import type { EvaluationRecord } from '../core/metrics.ts';
import { writeFileAtomic } from '../store/durable.ts';
import { RunEventLog } from '../store/tensorboard-run.ts';
import type { RunStatus } from '../store/types.ts';
import { evaluate, probeSet } from './evaluation.ts';
import { ResumableRunError, type TrainOptions, type TrainResult } from './options.ts';
import type { CheckpointMeta } from './checkpoint-meta.ts';
import { RecentRate } from './rate.ts';
import type { Session } from './session.ts';
import { LAST_REPORT, LAST_YIELD, REPORT_LOSS, type Running, trainUpdate } from './step.ts';

/** How often (ms) the training loop yields to the event loop, so an interrupt is seen promptly. */
const YIELD_MS = 100;

/** The probe set and what each probe point computes. */
interface Probing {
  readonly probe: { x: Float32Array; y: Int32Array; n: number };
  readonly svd: SingularValues | undefined;
  /** The run's live TensorBoard log (`TrainOptions.tensorboardDir`), or null. */
  log: RunEventLog | null;
}

/**
 * The loop's state and its steps: probe points, checkpoints, progress reports and endings. A class
 * rather than closures so each step is a short method; the per-update path (an update, a progress
 * check) reads fields and allocates nothing (issue 6).
 */
class RunLoop {
  private running: Running;
  private lastTest: EvaluationRecord | null = null;
  private lastValidation: EvaluationRecord | null = null;
  /** The update of the latest checkpoint on disk. */
  private checkpointed: number;
  private readonly progressMs: number;
  // The per-step bookkeeping that holds doubles lives in a Float64Array: a double stored into a
  // field or closure variable is boxed into a new heap number at every store, and a warm training
  // step allocates nothing (issue 6; bench/lib/memory-child.ts's real-loop measurement).
  private readonly clock = new Float64Array(3);
  private reportCount = 0;
  private readonly loopStart = performance.now();
  /** The updates-per-second of progress reports, over a moving window. */
  private readonly rate = new RecentRate();

  /**
   * @param started performance.now() when `train` was called.
   * @param probing the probe set and the singular-value routine (when Jacobians are probed).
   */
  constructor(
    private readonly store: RunStore,
    private readonly s: Session,
    private readonly options: TrainOptions,
    private readonly started: number,
    private readonly probing: Probing,
  ) {
    this.running = s.running;
    this.checkpointed = s.resumed ? s.start : -1;
    this.progressMs = options.progressMs ?? 500;
    this.clock[LAST_REPORT] = this.loopStart;
    this.clock[LAST_YIELD] = this.loopStart;
    this.rate.add(this.loopStart, s.start);
  }

  /** Update `u`'s probe point: statistics and evaluations into the record; the running sums restart. */
  private record(u: number): void {
    const { config, mlp, dataset } = this.s;
    const { probe, svd } = this.probing;
    const jacobian = config.probe.jacobianAt === 'every' || u === 0 ? config.probe.jacobianExamples : 0;
    const probed = probeNetwork(mlp, probe.x, probe.y, probe.n, {
      bins: config.probe.bins,
      jacobianExamples: jacobian,
      ...(svd ? { singularValues: svd } : {}),
      theory: u === 0,
    });
    const evaluations = evaluate(mlp, dataset, this.running);
    for (const e of evaluations) {
      if (e.split === 'test') this.lastTest = e;
      if (e.split === 'validation') this.lastValidation = e;
    }
    this.store.recordProbePoint(this.s.run.id, u, { ...probed, evaluations });
    this.running = { loss: 0, wrong: 0, examples: 0 };
    this.appendToLog(u);
  }

  /** Appends point `u` to the live TensorBoard log; a failing log (disk full) stops, the run goes on. */
  private appendToLog(u: number): void {
    const log = this.probing.log;
    if (log === null) return;
    try {
      log.append(u);
    } catch (e) {
      this.probing.log = null;
      const message = `the TensorBoard log ${log.logDir} stopped at update ${u} (${e instanceof Error ? e.message : String(e)}); training goes on`;
      this.options.onNotice?.(message);
      try {
        log.close('running');
      } catch {
        // the log is already failing; its error was reported above
      }
    }
  }

  /** A checkpoint of the state after `u` updates: weights, data stream, running sums. */
  private saveCheckpoint(u: number): void {
    const meta: CheckpointMeta = { update: u, stream: this.s.stream.getState(), running: this.running };
    writeCheckpoint(this.options.outDir, this.s.run.id, u, { model: modelToBytes(this.s.mlp) }, meta as unknown as Record<string, unknown>);
    this.checkpointed = u;
  }

  /** Reports progress at update `u`: always when forced, else at most every `progressMs`. */
  private report(u: number, force: boolean): void {
    // the clock is read every 16 updates (every update when progressMs is 0): performance.now()
    // returns a float64 that is boxed into a new heap number at each call (≈ 16 B per update,
    // measured in bench/lib/memory-child.ts's real-loop run)
    const onProgress = this.options.onProgress;
    if (!onProgress || (!force && this.progressMs > 0 && (u & 15) !== 0)) return;
    const now = performance.now();
    const clock = this.clock;
    if (!force && now - clock[LAST_REPORT]! < this.progressMs) return;
    onProgress({
      run: this.s.run.id,
      update: u,
      updates: this.s.config.updates,
      loss: this.reportCount > 0 ? clock[REPORT_LOSS]! / this.reportCount : NaN,
      testError: this.lastTest ? this.lastTest.errorRate : null,
      updatesPerSecond: this.rate.add(now, u),
    });
    clock[LAST_REPORT] = now;
    clock[REPORT_LOSS] = 0;
    this.reportCount = 0;
  }

  /** Ends the run with `status`; the result. */
  private end(status: RunStatus, detail: string | undefined, modelPath: string | null): TrainResult {
    this.s.run = this.store.setStatus(this.s.run.id, status, detail);
    const seconds = (performance.now() - this.started) / 1000;
    return { run: this.s.run, test: this.lastTest, validation: this.lastValidation, modelPath, seconds };
  }

  /** Whether {@link YIELD_MS} have passed since the loop last yielded to the event loop. */
  private yieldDue(): boolean {
    return performance.now() - this.clock[LAST_YIELD]! > YIELD_MS;
  }

  /**
   * The loop: update u's state is the network after u SGD steps.
   * @returns the result when the run stopped (until, interrupt, divergence); null when it reached its updates.
   */
  async run(): Promise<TrainResult | null> {
    const { config, mlp, stream, start, resumed, notes } = this.s;
    const B = config.minibatch;
    const sgd = new Sgd(mlp, config.learningRate, config.cost);
    // the minibatch buffers (allocated with the network, before the run was recorded or resumed),
    // fetched outside the step (inputBuffers returns a new {x, y} object per call) and again after
    // each probe point (probes and evaluations enlarge the workspace)
    let { x, y } = mlp.inputBuffers(B);
    for (let u = start; ; u++) {
      if (isProbePoint(u, config.updates, config.probe.interval, config.probe.early) && !(resumed && u === start)) {
        this.record(u);
        this.report(u, true);
        ({ x, y } = mlp.inputBuffers(B));
      }
      if (u > start && u % config.checkpointInterval === 0 && u < config.updates) this.saveCheckpoint(u);
      if (u >= config.updates) return null;
      const until = this.options.until;
      if (until !== undefined && u >= until) {
        if (this.checkpointed !== u) this.saveCheckpoint(u);
        return this.end('interrupted', notes.detail(`stopped at update ${u} as asked (until ${until})`), null);
      }
      if ((u & 63) === 0 && this.yieldDue()) {
        // let SIGINT/SIGTERM handlers (and IPC) run: the loop is otherwise synchronous (awaited
        // here, not in a method of its own: an async method is one more promise per yield)
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.clock[LAST_YIELD] = performance.now();
      }
      if (this.options.signal?.aborted) {
        this.saveCheckpoint(u);
        return this.end('interrupted', notes.detail(`interrupted at update ${u}`), null);
      }
      if (!trainUpdate(sgd, stream, x, y, B, this.running, this.clock)) {
        return this.end('diverged', notes.detail(`loss became ${mlp.lastLoss} at update ${u + 1}`), null);
      }
      this.reportCount++;
      this.report(u + 1, false);
    }
  }

  /**
   * After the last update: a checkpoint of the final state first (if saving the model then fails —
   * disk full, a directory in the way — a resume only saves it, without retraining), the model, and
   * status `finished`.
   * @throws ResumableRunError when the model cannot be saved.
   */
  finish(): TrainResult {
    const { config, mlp, run, modelDir, notes } = this.s;
    if (this.checkpointed !== config.updates) this.saveCheckpoint(config.updates);
    const modelPath = join(modelDir, `${run.id}.safetensors`);
    try {
      writeFileAtomic(modelPath, modelToBytes(mlp));
    } catch (e) {
      throw new ResumableRunError(
        `cannot save the model to ${modelPath} (${e instanceof Error ? e.message : String(e)}); training is complete and ` +
          `checkpointed at update ${config.updates}: fix that, then resume run ${run.id}: it saves the model without retraining`,
        run.id,
      );
    }
    return this.end('finished', notes.detail(), modelPath);
  }
}

/**
 * Trains a readied run until it finishes, stops at `options.until`, is interrupted or diverges,
 * recording everything in `store`; disposes of its network.
 * @param started performance.now() when `train` was called (for the result's seconds).
 * @throws ResumableRunError when the trained model cannot be saved (its final checkpoint is written);
 *   any error of a probe, evaluation, checkpoint or kernel (the run is then marked failed).
 */
export async function trainLoop(store: RunStore, s: Session, options: TrainOptions, started: number): Promise<TrainResult> {
  const { config, dataset, mlp } = s;
  const probe = probeSet(dataset.test, dataset.inputSize, config.probe.size);
  const svd = config.probe.jacobianExamples > 0 ? (await singularValueRoutine()).fn : undefined;
  const probing: Probing = { probe, svd, log: null };
  const loop = new RunLoop(store, s, options, started, probing);
  try {
    // inside the try, so that any failure marks the run failed instead of leaving it running
    if (options.tensorboardDir !== undefined) probing.log = new RunEventLog(store, s.run.id, join(options.tensorboardDir, s.run.id));
    return (await loop.run()) ?? loop.finish();
  } catch (e) {
    store.setStatus(s.run.id, 'failed', s.notes.detail(e instanceof Error ? e.message : String(e)));
    throw e;
  } finally {
    try {
      probing.log?.close(store.getRun(s.run.id).status);
    } catch (e) {
      options.onNotice?.(`the TensorBoard log could not be closed (${e instanceof Error ? e.message : String(e)})`);
    }
    mlp.dispose();
  }
}
