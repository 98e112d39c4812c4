/**
 * The training loop of a readied run (src/run/session.ts): SGD updates, probe points (statistics and
 * evaluations into the run record), checkpoints, progress reports, and the four ways a run ends —
 * finished (final checkpoint, then the model), stopped at `until` or interrupted (checkpoint), or
 * diverged; any error marks the run failed.
 */
import { join } from 'node:path';
import { isProbePoint } from '../config/schedule.ts';
import { modelToBytes } from '../nn/io.ts';
import { singularValueRoutine } from '../probes/jacobian.ts';
import { probeNetwork } from '../probes/probe.ts';
import { writeCheckpoint } from '../store/checkpoint.ts';
import type { RunStore } from '../store/runStore.ts';
import type { EvaluationRecord } from '../core/metrics.ts';
import { writeFileAtomic } from '../store/durable.ts';
import type { RunStatus } from '../store/types.ts';
import { evaluate, probeSet } from './evaluation.ts';
import { ResumableRunError, type TrainOptions, type TrainResult } from './options.ts';
import type { CheckpointMeta, Session } from './session.ts';
import { LAST_REPORT, LAST_YIELD, REPORT_LOSS, type Running, stepSettings, trainUpdate } from './step.ts';

/** How often (ms) the training loop yields to the event loop, so an interrupt is seen promptly. */
const YIELD_MS = 100;

/**
 * Trains a readied run until it finishes, stops at `options.until`, is interrupted or diverges,
 * recording everything in `store`; disposes of its network.
 * @param started performance.now() when `train` was called (for the result's seconds).
 * @throws ResumableRunError when the trained model cannot be saved (its final checkpoint is written);
 *   any error of a probe, evaluation, checkpoint or kernel (the run is then marked failed).
 */
export async function trainLoop(store: RunStore, s: Session, options: TrainOptions, started: number): Promise<TrainResult> {
  const { config, dataset, mlp, stream, start, resumed } = s;
  const probe = probeSet(dataset.test, dataset.inputSize, config.probe.size);
  const svd = config.probe.jacobianExamples > 0 ? (await singularValueRoutine()).fn : undefined;
  const B = config.minibatch;
  let running: Running = s.running;
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
    store.recordProbePoint(s.run.id, u, { ...probed, evaluations });
    running = { loss: 0, wrong: 0, examples: 0 };
  };
  let checkpointed = resumed ? start : -1; // the update of the latest checkpoint on disk
  const saveCheckpoint = (u: number): void => {
    const meta: CheckpointMeta = { update: u, stream: stream.getState(), running };
    writeCheckpoint(options.outDir, s.run.id, u, { model: modelToBytes(mlp) }, meta as unknown as Record<string, unknown>);
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
      run: s.run.id,
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
  const end = (status: RunStatus, detail: string | undefined, modelPath: string | null): TrainResult => {
    s.run = store.setStatus(s.run.id, status, detail);
    return { run: s.run, test: lastTest, validation: lastValidation, modelPath, seconds: (performance.now() - started) / 1000 };
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
        return end('interrupted', s.notes.detail(`stopped at update ${u} as asked (until ${options.until})`), null);
      }
      if ((u & 63) === 0 && performance.now() - clock[LAST_YIELD]! > YIELD_MS) {
        // let SIGINT/SIGTERM handlers (and IPC) run: the loop is otherwise synchronous
        await new Promise<void>((resolve) => setImmediate(resolve));
        clock[LAST_YIELD] = performance.now();
      }
      if (options.signal?.aborted) {
        saveCheckpoint(u);
        return end('interrupted', s.notes.detail(`interrupted at update ${u}`), null);
      }
      if (!trainUpdate(mlp, stream, x, y, B, settings, running, clock)) {
        return end('diverged', s.notes.detail(`loss became ${mlp.lastLoss} at update ${u + 1}`), null);
      }
      reportCount++;
      report(u + 1, false);
    }
    // a checkpoint of the final state first: if saving the model fails (disk full, a directory in
    // the way), a resume then only saves it, without retraining anything
    if (checkpointed !== config.updates) saveCheckpoint(config.updates);
    const modelPath = join(s.modelDir, `${s.run.id}.safetensors`);
    try {
      writeFileAtomic(modelPath, modelToBytes(mlp));
    } catch (e) {
      throw new ResumableRunError(
        `cannot save the model to ${modelPath} (${e instanceof Error ? e.message : String(e)}); training is complete and ` +
          `checkpointed at update ${config.updates}: fix that, then resume run ${s.run.id}: it saves the model without retraining`,
        s.run.id,
      );
    }
    return end('finished', s.notes.detail(), modelPath);
  } catch (e) {
    store.setStatus(s.run.id, 'failed', s.notes.detail(e instanceof Error ? e.message : String(e)));
    throw e;
  } finally {
    mlp.dispose();
  }
}
