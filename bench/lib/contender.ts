/**
 * Contenders of the training-step comparison and the interleaved trial loop. Not part of the library.
 */
import { type Spread, now, sleep, spread } from './stats.ts';

/** Something that can run SGD steps of the benchmarked network, at the batch sizes it supports. */
export interface Contender {
  /** Short stable key, e.g. `native-2`. */
  readonly id: string;
  /** Human label, e.g. `native (OpenBLAS) · 2 threads`. */
  readonly label: string;
  /** Threads (cores) it may use. */
  readonly threads: number;
  /** Batch sizes it takes part in. */
  readonly batches: readonly number[];
  /** True for the peers (PyTorch, tfjs). */
  readonly peer: boolean;
  /** Runs `steps` steps at minibatch `batch`, returns the wall-clock seconds they took. */
  run(batch: number, steps: number): Promise<number>;
  /** Releases threads, processes and memory. */
  dispose(): Promise<void>;
}

/** Timing of one contender at one batch size. */
export interface StepTiming {
  readonly id: string;
  readonly batch: number;
  /** Seconds per step over the trials. */
  readonly seconds: Spread;
  /** Steps per trial. */
  readonly stepsPerTrial: number;
}

/** Settings of {@link interleavedTrials}. */
export interface TrialOptions {
  /** Rounds; in each, every contender runs one trial (order rotated from round to round). */
  readonly rounds: number;
  /** Target seconds per trial (steps per trial are calibrated during warm-up). */
  readonly trialSeconds: number;
  /** Minimum steps per trial. */
  readonly minSteps: number;
  /** Seconds of warm-up per contender before any timed trial. */
  readonly warmupSeconds: number;
  /** Pause between trials, ms: lets spinning BLAS / worker threads of the previous trial go idle. */
  readonly pauseMs: number;
  /** Called after every trial (progress). */
  readonly onTrial?: (id: string, round: number, secondsPerStep: number) => void;
}

/**
 * Times `contenders` at minibatch `batch` in interleaved rounds (A, B, C, …, then B, C, …, A, …) so
 * that machine noise hits all alike; the warm-up (which also calibrates the steps per trial so a
 * trial lasts about `trialSeconds`) is not timed.
 */
export async function interleavedTrials(
  contenders: readonly Contender[],
  batch: number,
  options: TrialOptions,
): Promise<StepTiming[]> {
  const steps = new Map<string, number>();
  for (const c of contenders) {
    // warm-up: at least 2 steps and warmupSeconds; the last block estimates the step time
    let n = 1;
    let elapsed = 0;
    let perStep = Infinity;
    const start = now();
    for (;;) {
      const t = await c.run(batch, n);
      perStep = t / n;
      elapsed = now() - start;
      if (elapsed >= options.warmupSeconds && n >= 2) break;
      n = Math.min(n * 2, Math.max(2, Math.ceil(options.warmupSeconds / Math.max(perStep, 1e-6))));
    }
    steps.set(c.id, Math.max(options.minSteps, Math.round(options.trialSeconds / perStep)));
    await sleep(options.pauseMs);
  }
  const samples = new Map<string, number[]>(contenders.map((c) => [c.id, []]));
  for (let r = 0; r < options.rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(k + r) % contenders.length]!;
      const n = steps.get(c.id)!;
      const t = (await c.run(batch, n)) / n;
      samples.get(c.id)!.push(t);
      options.onTrial?.(c.id, r, t);
      await sleep(options.pauseMs);
    }
  }
  return contenders.map((c) => ({ id: c.id, batch, seconds: spread(samples.get(c.id)!), stepsPerTrial: steps.get(c.id)! }));
}
