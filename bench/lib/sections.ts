/**
 * The measurements of `npm run bench` besides the step comparison: wasm GEMM throughput, the GEMM
 * share of a step, probe overhead, Shapeset generation speed, scaling with width and depth, parallel
 * runs. Each returns plain JSON-serialisable results; bench/run.ts prints and reports them.
 * Not part of the library.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend, BackendName } from '../../src/kernels/backend.ts';
import { createBackend } from '../../src/kernels/index.ts';
import { argmax } from '../../src/nn/evaluate.ts';
import { openDataset, readRows } from '../../src/data/dataset.ts';
import { createShapesetStream } from '../../src/data/shapeset/dataset.ts';
import { probeNetwork, type ProbeResult } from '../../src/probes/probe.ts';
import { singularValueRoutine } from '../../src/probes/jacobian.ts';
import { openRunStore } from '../../src/store/runStore.ts';
import type { EvaluationRecord } from '../../src/core/metrics.ts';
import { parseExperiment, planRuns } from '../../src/config/experiment.ts';
import { runJobs, type JobEvent } from '../../src/run/jobs.ts';
import { probePoints } from '../../src/config/schedule.ts';
import { UPDATES_PER_EPOCH } from '../../src/config/training.ts';
import { BENCH_LR, PAPER_WIDTHS, benchMlp, stepFlops } from './net.ts';
import { TIMED_KERNELS, type TimedKernel, timedBackend } from './ours.ts';
import { type Spread, median, now, sleep, spread } from './stats.ts';
import { startLoadMeter } from './load.ts';

/** Median seconds per call of `fn` over `batches` timed batches of calls lasting ≥ `batchSeconds` each. */
export function timePerCall(fn: () => void, batchSeconds: number, batches: number): Spread {
  for (let i = 0; i < 3; i++) fn();
  let reps = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < reps; i++) fn();
    if (now() - t0 >= batchSeconds) break;
    reps *= 2;
  }
  const xs: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = now();
    for (let i = 0; i < reps; i++) fn();
    xs.push((now() - t0) / reps);
  }
  return spread(xs);
}

function randomFill(a: Float32Array, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

// ---------------------------------------------------------------------------------------------------
// GEMM throughput

/** One GEMM shape. */
export interface GemmShape {
  readonly label: string;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly beta: number;
}

/** GFLOP/s of one backend on one shape. */
export interface GemmResult {
  readonly backend: string;
  readonly threads: number;
  readonly shape: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly seconds: Spread;
  readonly gflops: number;
}

/** The target shape of issue 6 and the three GEMM kinds of a training step at minibatch 128 and 10. */
export const GEMM_SHAPES: readonly GemmShape[] = [
  { label: 'NN 128×1024×1024 (target)', transA: false, transB: false, m: 128, n: 1024, k: 1024, beta: 0 },
  { label: 'NT 128×1000×1000 (backward ∂C/∂s·Wᵀ)', transA: false, transB: true, m: 128, n: 1000, k: 1000, beta: 0 },
  { label: 'TN 1000×1000×128 β=1 (fused update zᵀ·∂C/∂s)', transA: true, transB: false, m: 1000, n: 1000, k: 128, beta: 1 },
  { label: 'NN 10×1000×1000 (forward, minibatch 10)', transA: false, transB: false, m: 10, n: 1000, k: 1000, beta: 0 },
  { label: 'NT 10×1000×1000 (backward, minibatch 10)', transA: false, transB: true, m: 10, n: 1000, k: 1000, beta: 0 },
  { label: 'TN 1000×1000×10 β=1 (update, minibatch 10)', transA: true, transB: false, m: 1000, n: 1000, k: 10, beta: 1 },
];

/**
 * GFLOP/s of each backend × thread count on each shape, interleaved by round (each backend's call
 * times are batches of ≥ 50 ms; the median over rounds is reported).
 */
export async function gemmSection(
  backends: ReadonlyArray<{ name: BackendName; threads: number }>,
  shapes: readonly GemmShape[],
  rounds: number,
): Promise<GemmResult[]> {
  const out: GemmResult[] = [];
  const bes: Backend[] = [];
  for (const b of backends) bes.push(await createBackend({ name: b.name, threads: b.threads }));
  try {
    for (const g of shapes) {
      const bufs = bes.map((be, i) => ({
        a: randomFill(be.alloc(g.m * g.k), 1 + i),
        b: randomFill(be.alloc(g.k * g.n), 2 + i),
        c: randomFill(be.alloc(g.m * g.n), 3 + i),
      }));
      const samples: number[][] = bes.map(() => []);
      for (let r = 0; r < rounds; r++) {
        for (let i = 0; i < bes.length; i++) {
          const be = bes[i]!;
          const { a, b, c } = bufs[i]!;
          const s = timePerCall(() => be.gemm(g.transA, g.transB, g.m, g.n, g.k, -1e-3, a, b, g.beta, c), 0.05, 3);
          samples[i]!.push(s.median);
          await sleep(50);
        }
      }
      const flop = 2 * g.m * g.n * g.k;
      bes.forEach((be, i) => {
        const sec = spread(samples[i]!);
        out.push({ backend: be.name, threads: be.threads, shape: g.label, m: g.m, n: g.n, k: g.k, seconds: sec, gflops: flop / sec.median / 1e9 });
      });
      bufs.forEach((x, i) => {
        for (const buf of [x.a, x.b, x.c]) bes[i]!.free(buf);
      });
    }
  } finally {
    for (const be of bes) be.dispose();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// GEMM share of a step

/** Where one backend's step time goes. */
export interface ShareResult {
  readonly backend: string;
  readonly threads: number;
  readonly batch: number;
  /** Seconds per step through the timing wrapper. */
  readonly stepSeconds: number;
  /** Seconds per step in each kernel (wrapper timing). */
  readonly kernelSeconds: Record<TimedKernel, number>;
  /** Seconds per step outside any kernel call: the Mlp's JavaScript, call dispatch. */
  readonly outsideSeconds: number;
  /** GEMM seconds ÷ step seconds (wrapper). */
  readonly gemmShare: number;
  /** Cross-check: the step's 17 GEMM calls replayed alone (no wrapper), seconds per step. */
  readonly gemmAloneSeconds: number;
  /** Cross-check: plain step (no wrapper), seconds per step. */
  readonly plainStepSeconds: number;
  /** gemmAloneSeconds ÷ plainStepSeconds. */
  readonly gemmAloneShare: number;
}

/**
 * For each backend × threads × batch: times a step through {@link timedBackend} (per-kernel split),
 * the plain step, and the step's GEMM calls replayed alone. Three interleaved measurements per round;
 * medians over rounds.
 */
export async function shareSection(
  configs: ReadonlyArray<{ name: BackendName; threads: number }>,
  batches: readonly number[],
  rounds: number,
  trialSeconds: number,
): Promise<ShareResult[]> {
  const out: ShareResult[] = [];
  for (const cfg of configs) {
    const inner = await createBackend({ name: cfg.name, threads: cfg.threads });
    const timed = timedBackend(inner);
    try {
      // one network on the wrapper (per-kernel timing) and one on the bare backend (plain step)
      const mlpTimed = benchMlp(timed, PAPER_WIDTHS, batches);
      const mlpPlain = benchMlp(inner, PAPER_WIDTHS, batches);
      for (const B of batches) {
        // record the GEMM calls of one step for the replay (same buffers as mlpTimed's)
        const replay: Array<() => void> = [];
        timed.recording = replay;
        mlpTimed.trainStep(null, null, B, BENCH_LR);
        timed.recording = null;
        const gemmsOnly = (): void => {
          for (const f of replay) f();
        };
        const stepTimed = (): void => mlpTimed.trainStep(null, null, B, BENCH_LR);
        const stepPlain = (): void => mlpPlain.trainStep(null, null, B, BENCH_LR);
        for (let i = 0; i < 3; i++) {
          stepTimed();
          stepPlain();
          gemmsOnly();
        }
        const estimate = timePerCall(stepPlain, 0.05, 1).median;
        const n = Math.max(2, Math.round(trialSeconds / estimate));
        const wrapped: number[] = [];
        const plain: number[] = [];
        const alone: number[] = [];
        const perKernel = new Map<TimedKernel, number[]>(TIMED_KERNELS.map((k) => [k, []]));
        for (let r = 0; r < rounds; r++) {
          timed.reset();
          let t0 = now();
          for (let i = 0; i < n; i++) stepTimed();
          wrapped.push((now() - t0) / n);
          for (const k of TIMED_KERNELS) perKernel.get(k)!.push(timed.seconds[k] / n);
          await sleep(50);
          t0 = now();
          for (let i = 0; i < n; i++) stepPlain();
          plain.push((now() - t0) / n);
          await sleep(50);
          t0 = now();
          for (let i = 0; i < n; i++) gemmsOnly();
          alone.push((now() - t0) / n);
          await sleep(50);
        }
        const kernelSeconds = Object.fromEntries(TIMED_KERNELS.map((k) => [k, median(perKernel.get(k)!)])) as Record<TimedKernel, number>;
        const stepSeconds = median(wrapped);
        const inKernels = TIMED_KERNELS.reduce((s, k) => s + kernelSeconds[k], 0);
        const plainStepSeconds = median(plain);
        const gemmAloneSeconds = median(alone);
        out.push({
          backend: cfg.name,
          threads: cfg.threads,
          batch: B,
          stepSeconds,
          kernelSeconds,
          outsideSeconds: Math.max(0, stepSeconds - inKernels),
          gemmShare: kernelSeconds.gemm / stepSeconds,
          gemmAloneSeconds,
          plainStepSeconds,
          gemmAloneShare: gemmAloneSeconds / plainStepSeconds,
        });
      }
      mlpTimed.dispose();
      mlpPlain.dispose();
    } finally {
      inner.dispose();
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Probe overhead

/** Cost of probe points against training, on one backend. */
export interface ProbeOverheadResult {
  readonly backend: string;
  readonly threads: number;
  readonly minibatch: number;
  /** Seconds per update of the training loop body (data + step + bookkeeping, as in train()). */
  readonly updateSeconds: number;
  /** Seconds of one ordinary probe point: probeNetwork (300 examples) + validation and test evaluation + store write. */
  readonly probePointSeconds: number;
  /** Parts of a probe point, seconds. */
  readonly parts: { probe: number; evaluate: number; store: number };
  /** Extra seconds of the update-0 probe (Jacobian spectra of 5 examples, theory). */
  readonly initExtraSeconds: number;
  /** probePoint ÷ (20,000 × update): the target (≤ 3%). */
  readonly overheadAtInterval: number;
  /** Whole default run (100,000 updates, early probes, Jacobian at init): probe time ÷ training time. */
  readonly overheadDefaultRun: number;
  /** The paper's 2.5 M-update run. */
  readonly overheadPaperRun: number;
  readonly validation: number;
  readonly test: number;
}

/**
 * Probe overhead at the default schedule (interval 20,000 updates) on the paper network and
 * Shapeset with its default 10,000-image validation and test sets, replicating train()'s loop body
 * and probe point (probeNetwork + evaluations + one store transaction) on `backend`.
 */
export async function probeSection(
  backendName: BackendName,
  threads: number,
  repeats: number,
  updatesPerBlock: number,
): Promise<ProbeOverheadResult> {
  const backend = await createBackend({ name: backendName, threads });
  const dataset = await openDataset('shapeset');
  const dir = mkdtempSync(join(tmpdir(), 'glorot-bench-probe-'));
  const store = openRunStore(dir);
  const svd = (await singularValueRoutine()).fn;
  try {
    const run = store.createRun({ id: 'bench-probe', config: { bench: true }, seed: 1, backend: backend.name, threads });
    const mlp = benchMlp(backend, PAPER_WIDTHS, [10]);
    const B = 10;
    const classes = dataset.classes;
    const stream = dataset.trainStream(1);
    const probeN = 300;
    const px = readRows(dataset.test, 0, probeN);
    const py = dataset.test.y.subarray(0, probeN);
    let update = 0;
    const running = { loss: 0, wrong: 0, examples: 0 };
    const trainBlock = (n: number): number => {
      const t0 = now();
      for (let i = 0; i < n; i++) {
        const { x, y } = mlp.inputBuffers(B);
        stream.next(x, y, B);
        mlp.trainStep(null, null, B, 0.01);
        const loss = mlp.lastLoss;
        const logits = mlp.preactivation(mlp.depth - 1);
        for (let r = 0; r < B; r++) if (argmax(logits, r * classes, classes) !== y[r]) running.wrong++;
        running.loss += loss * B;
        running.examples += B;
      }
      update += n;
      return (now() - t0) / n;
    };
    const probePoint = (jacobian: number, theory: boolean): { probe: number; evaluate: number; store: number } => {
      const t0 = now();
      const probed: ProbeResult = probeNetwork(mlp, px, py, probeN, { bins: 100, jacobianExamples: jacobian, singularValues: svd, theory });
      const t1 = now();
      const evaluations: EvaluationRecord[] = [
        { split: 'train', errorRate: (100 * running.wrong) / Math.max(1, running.examples), nll: running.loss / Math.max(1, running.examples), examples: running.examples },
        ...(['validation', 'test'] as const).map((split) => {
          const d = dataset[split];
          const r = mlp.evaluate(d, d.y, d.n);
          return { split, errorRate: r.errorRate, nll: r.nll, examples: r.n };
        }),
      ];
      const t2 = now();
      store.recordProbePoint(run.id, update, { ...probed, evaluations });
      const t3 = now();
      running.loss = running.wrong = running.examples = 0;
      return { probe: t1 - t0, evaluate: t2 - t1, store: t3 - t2 };
    };
    // the update-0 point (with Jacobians and theory), then warm-up
    const init = probePoint(5, true);
    trainBlock(Math.min(100, updatesPerBlock));
    probePoint(0, false);
    const updates: number[] = [];
    const parts: Array<{ probe: number; evaluate: number; store: number }> = [];
    for (let r = 0; r < repeats; r++) {
      updates.push(trainBlock(updatesPerBlock));
      await sleep(20);
      parts.push(probePoint(0, false));
      await sleep(20);
    }
    const part = {
      probe: median(parts.map((p) => p.probe)),
      evaluate: median(parts.map((p) => p.evaluate)),
      store: median(parts.map((p) => p.store)),
    };
    const probePointSeconds = median(parts.map((p) => p.probe + p.evaluate + p.store));
    const updateSeconds = median(updates);
    const initExtraSeconds = Math.max(0, init.probe + init.evaluate + init.store - probePointSeconds);
    const runOverhead = (n: number): number => {
      const points = probePoints(n, UPDATES_PER_EPOCH, true).length;
      return (points * probePointSeconds + initExtraSeconds) / (n * updateSeconds);
    };
    mlp.dispose();
    return {
      backend: backend.name,
      threads,
      minibatch: B,
      updateSeconds,
      probePointSeconds,
      parts: part,
      initExtraSeconds,
      overheadAtInterval: probePointSeconds / (UPDATES_PER_EPOCH * updateSeconds),
      overheadDefaultRun: runOverhead(100_000),
      overheadPaperRun: runOverhead(2_500_000),
      validation: dataset.validation.n,
      test: dataset.test.n,
    };
  } finally {
    store.close();
    backend.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Shapeset generation

/** Shapeset generation speed on one core. */
export interface ShapesetResult {
  readonly imagesPerSecond: Spread;
  readonly imageSize: number;
}

/** Images per second of the Shapeset training stream (`TrainStream.next`, batches of 128) on one core. */
export function shapesetSection(rounds: number, secondsPerRound: number): ShapesetResult {
  const stream = createShapesetStream(1, 32, []);
  const rows = 128;
  const x = new Float32Array(rows * 1024);
  const y = new Int32Array(rows);
  for (let i = 0; i < 50; i++) stream.next(x, y, rows);
  const xs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let images = 0;
    const t0 = now();
    let t = t0;
    while (t - t0 < secondsPerRound) {
      for (let i = 0; i < 20; i++) stream.next(x, y, rows);
      images += 20 * rows;
      t = now();
    }
    xs.push(images / (t - t0));
  }
  return { imagesPerSecond: spread(xs), imageSize: 32 };
}

// ---------------------------------------------------------------------------------------------------
// Scaling with width and depth

/** Step time of one width × depth. */
export interface ScalingResult {
  readonly backend: string;
  readonly threads: number;
  readonly batch: number;
  readonly width: number;
  readonly depth: number;
  readonly seconds: number;
  /** GEMM flops of a step (input 1024, `depth` hidden layers of `width`, 9 outputs). */
  readonly flops: number;
  /** seconds ÷ (width² · depth), ns. */
  readonly nsPerWidth2Depth: number;
  readonly gflops: number;
}

/**
 * Step time at minibatch `batch` for each width × depth (input 1024, 9 classes), median of
 * `rounds` trials of ≈ `trialSeconds`.
 */
export async function scalingSection(
  name: BackendName,
  threads: number,
  widths: readonly number[],
  depths: readonly number[],
  batch: number,
  rounds: number,
  trialSeconds: number,
): Promise<ScalingResult[]> {
  const backend = await createBackend({ name, threads });
  const out: ScalingResult[] = [];
  try {
    for (const depth of depths) {
      for (const width of widths) {
        const ws = [1024, ...Array<number>(depth).fill(width), 9];
        const mlp = benchMlp(backend, ws, [batch]);
        const step = (): void => void mlp.trainStep(null, null, batch, BENCH_LR);
        step();
        const t0 = now();
        step();
        const est = now() - t0;
        const n = Math.max(1, Math.round(trialSeconds / est));
        const xs: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const t1 = now();
          for (let i = 0; i < n; i++) step();
          xs.push((now() - t1) / n);
        }
        mlp.dispose();
        const seconds = median(xs);
        const flops = stepFlops(ws, batch);
        out.push({
          backend: name,
          threads,
          batch,
          width,
          depth,
          seconds,
          flops,
          nsPerWidth2Depth: (seconds / (width * width * depth)) * 1e9,
          gflops: flops / seconds / 1e9,
        });
        await sleep(20);
      }
    }
  } finally {
    backend.dispose();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Parallel runs

/** Throughput of the job runner with 1 and 2 parallel runs. */
export interface JobsResult {
  readonly runs: number;
  readonly updatesPerRun: number;
  readonly backend: string;
  readonly trials: Array<{ jobs: number; seconds: number; updatesPerSecond: number; perRunUpdatesPerSecond: number; otherCores: number }>;
  /**
   * Total updates/s with --jobs 2 ÷ with --jobs 1, best trial of each: other processes on the shared
   * machine only ever slow a trial down, so the best trial is the least disturbed estimate.
   */
  readonly speedup: number;
  /** The same ratio from the median trials. */
  readonly speedupMedian: number;
  /** Mean per-run training speed (updates/s reported by the runs) with 2 jobs ÷ with 1. */
  readonly perRunRatio: number;
}

/**
 * Runs a small real experiment (the paper's network on Shapeset, `runs` runs of `updates` updates,
 * small evaluation sets) through src/run/jobs.ts — the machinery of `glorot reproduce --jobs N` and
 * `glorot run` — with 1 and 2 jobs, each in a fresh output directory; order alternates by trial
 * (1, 2 then 2, 1 …). Each trial records how many cores other processes kept busy meanwhile: the
 * 2-job trial needs both cores, so a busy machine hurts it most.
 */
export async function jobsSection(runs: number, updates: number, trials: number): Promise<JobsResult> {
  const variants = [
    { label: 'Tanh N', activation: 'tanh', init: 'normalized' },
    { label: 'Tanh', activation: 'tanh', init: 'standard' },
  ] as const;
  const lrs = [0.01, 0.003, 0.001, 0.0003].slice(0, Math.ceil(runs / variants.length));
  const experiment = parseExperiment(
    {
      name: 'bench-jobs',
      base: {
        dataset: 'shapeset',
        validationSize: 1000,
        testSize: 1000,
        updates,
        minibatch: 10,
        probe: { interval: updates, early: false, jacobianExamples: 0 },
        checkpointInterval: 1_000_000,
      },
      variants: variants.map((v) => ({ ...v })),
      learningRates: lrs,
    },
    'bench jobs experiment',
  );
  const planned = planRuns(experiment).slice(0, runs);
  const results: JobsResult['trials'] = [];
  let backendName = '';
  for (let t = 0; t < trials; t++) {
    for (const jobs of t % 2 === 0 ? [1, 2] : [2, 1]) {
      const dir = mkdtempSync(join(tmpdir(), `glorot-bench-jobs${jobs}-`));
      const ups: number[] = [];
      const last = new Map<string, number>();
      const onEvent = (e: JobEvent): void => {
        if (e.type === 'progress') last.set(e.runId, e.progress.updatesPerSecond);
        if (e.type === 'end' && last.has(e.outcome.runId)) ups.push(last.get(e.outcome.runId)!);
      };
      try {
        const t0 = now();
        const meter = startLoadMeter();
        const outcomes = await runJobs(planned, { outDir: dir, jobs, backend: 'auto', threads: 1, onEvent });
        const seconds = now() - t0;
        // runJobs resolves on the workers' last message; let them exit and be reaped, so their CPU
        // time counts as ours (/proc/self/stat cutime) and not as other processes'
        await sleep(500);
        const otherCores = meter.stop();
        const bad = outcomes.filter((o) => o.status !== 'finished');
        if (bad.length > 0) throw new Error(`jobs bench: runs did not finish: ${bad.map((o) => `${o.runId} ${o.status} ${o.detail ?? ''}`).join('; ')}`);
        if (!backendName) {
          const store = openRunStore(dir, { readonly: true });
          try {
            backendName = store.getRun(planned[0]!.runId).backend;
          } finally {
            store.close();
          }
        }
        results.push({ jobs, seconds, updatesPerSecond: (planned.length * updates) / seconds, perRunUpdatesPerSecond: ups.length ? ups.reduce((a, b) => a + b, 0) / ups.length : NaN, otherCores });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await sleep(200);
    }
  }
  const of = (j: number, key: 'updatesPerSecond' | 'perRunUpdatesPerSecond'): number => median(results.filter((r) => r.jobs === j).map((r) => r[key]));
  const best = (j: number): number => Math.max(...results.filter((r) => r.jobs === j).map((r) => r.updatesPerSecond));
  return {
    runs: planned.length,
    updatesPerRun: updates,
    backend: backendName,
    trials: results,
    speedup: best(2) / best(1),
    speedupMedian: of(2, 'updatesPerSecond') / of(1, 'updatesPerSecond'),
    perRunRatio: of(2, 'perRunUpdatesPerSecond') / of(1, 'perRunUpdatesPerSecond'),
  };
}
