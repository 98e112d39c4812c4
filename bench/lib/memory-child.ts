/**
 * Memory measurements, each in a fresh child process so that peak RSS and heap figures belong to
 * that measurement alone. Launched by bench/run.ts as
 *   node --expose-gc --import tsx bench/lib/memory-child.ts '<json request>'
 * and prints one JSON line. Not part of the library.
 *
 * - `heap`: SGD steps of a network (optionally with the Shapeset stream and the trainer's
 *   bookkeeping, as in train()'s loop): heap used after a full GC before and after (retained
 *   growth), heap growth during the loop with no forced GC (allocation), and the garbage
 *   collections that ran during the loop (observed with PerformanceObserver 'gc').
 * - `train`: a real train() of the paper's network on Shapeset (default 10,000-image validation and
 *   test sets, probes with Jacobian spectra at update 0, a final evaluation), then peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import type { BackendName } from '../../src/kernels/backend.ts';
import { createBackend } from '../../src/kernels/index.ts';
import { createShapesetStream } from '../../src/data/shapeset/dataset.ts';
import { parseTrainConfig } from '../../src/config/training.ts';
import { Sgd } from '../../src/nn/sgd.ts';
import { trainUpdate, type Running } from '../../src/run/step.ts';
import { train } from '../../src/run/train.ts';
import { BENCH_LR, benchMlp } from './net.ts';

/** What the parent asks for. */
export type MemoryRequest =
  | { kind: 'heap'; backend: BackendName; threads: number; widths: number[]; batch: number; steps: number; warmup: number; data: boolean }
  | { kind: 'train'; backend: BackendName; threads: number; updates: number }
  | { kind: 'loop'; backend: BackendName; threads: number; hidden: number[]; updates: number };

/** What a `heap` measurement reports (bytes). */
export interface HeapReport {
  kind: 'heap';
  backend: string;
  threads: number;
  widths: number[];
  batch: number;
  steps: number;
  data: boolean;
  /** heapUsed after a full GC, before the loop. */
  heapBefore: number;
  /** heapUsed after the loop, before any forced GC (includes the loop's garbage, if any). */
  heapAfterNoGc: number;
  /** heapUsed after a full GC, after the loop. */
  heapAfter: number;
  /** GCs that ran during the loop (a loop that allocates nothing triggers none). */
  gcDuringLoop: number;
  /**
   * Bytes allocated per step when no GC ran during the loop: the smallest of the windows' growth ÷
   * steps. The loop is measured as WINDOWS consecutive windows of `steps` steps; an allocation made
   * every step shows in each of them, a one-off (a late JIT tier-up, a rare branch taken for the
   * first time) only in one.
   */
  bytesPerStep: number | null;
  /** Growth ÷ steps of each window (bytes). */
  windows?: number[];
  seconds: number;
}

/** What a `train` measurement reports. */
export interface TrainReport {
  kind: 'train';
  backend: string;
  threads: number;
  updates: number;
  /** process.resourceUsage().maxRSS in bytes. */
  peakRss: number;
  /** Breakdown at the end: rss, heapTotal, external, arrayBuffers. */
  end: NodeJS.MemoryUsage;
  seconds: number;
  status: string;
}

/**
 * What a `loop` measurement reports: the real train() loop (Shapeset stream, bookkeeping, progress
 * reports, yields to the event loop) on a narrow network, its heap sampled at every progress
 * report (once a second) with the GCs counted in between.
 */
export interface LoopReport {
  kind: 'loop';
  backend: string;
  threads: number;
  hidden: number[];
  updates: number;
  /** Intervals between progress reports in the second half of the run during which no GC ran. */
  intervals: number;
  /** Median over those intervals of heap growth ÷ updates (bytes per update); null when none. */
  bytesPerUpdate: number | null;
  /** Largest of them. */
  worstBytesPerUpdate: number | null;
  /** Median over those intervals of heap growth ÷ seconds (bytes per second). */
  bytesPerSecond: number | null;
  gcs: number;
  seconds: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
/** Consecutive measurement windows of a `heap` run (see HeapReport.bytesPerStep). */
const WINDOWS = 3;

async function heap(req: Extract<MemoryRequest, { kind: 'heap' }>): Promise<HeapReport> {
  if (!gc) throw new Error('run with --expose-gc');
  const backend = await createBackend({ name: req.backend, threads: req.threads });
  const mlp = benchMlp(backend, req.widths, [req.batch]);
  const stream = req.data ? createShapesetStream(1, Math.round(Math.sqrt(req.widths[0]!)), []) : null;
  const running: Running = { loss: 0, wrong: 0, examples: 0 };
  const clock = new Float64Array(3);
  const sgd = new Sgd(mlp, BENCH_LR);
  const B = req.batch;
  const { x, y } = mlp.inputBuffers(B);
  const step = (): void => {
    if (stream) {
      // the training loop's own update: stream, step, tallies (src/run/step.ts)
      if (!trainUpdate(sgd, stream, x, y, B, running, clock)) throw new Error('diverged');
    } else {
      mlp.trainStep(null, null, B, BENCH_LR);
    }
  };
  for (let i = 0; i < req.warmup; i++) step();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  gc();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  obs.observe({ entryTypes: ['gc'] });
  const t0 = performance.now();
  const windows: number[] = [];
  let mark = heapBefore;
  for (let w = 0; w < WINDOWS; w++) {
    for (let i = 0; i < req.steps; i++) step();
    const now = process.memoryUsage().heapUsed;
    windows.push((now - mark) / req.steps);
    mark = now;
  }
  const seconds = (performance.now() - t0) / 1e3;
  const heapAfterNoGc = mark;
  // let the observer deliver entries of GCs that ran during the loop
  await new Promise((r) => setImmediate(r));
  obs.disconnect();
  const gcDuringLoop = gcs;
  gc();
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  mlp.dispose();
  backend.dispose();
  return {
    kind: 'heap',
    backend: req.backend,
    threads: req.threads,
    widths: req.widths,
    batch: B,
    steps: req.steps,
    data: req.data,
    heapBefore,
    heapAfterNoGc,
    heapAfter,
    gcDuringLoop,
    bytesPerStep: gcDuringLoop === 0 ? Math.min(...windows) : null,
    windows,
    seconds,
  };
}

async function trainRss(req: Extract<MemoryRequest, { kind: 'train' }>): Promise<TrainReport> {
  const backend = await createBackend({ name: req.backend, threads: req.threads });
  const dir = mkdtempSync(join(tmpdir(), 'glorot-bench-rss-'));
  try {
    const config = parseTrainConfig({ dataset: 'shapeset', updates: req.updates, probe: { interval: req.updates, early: false } }, 'bench');
    const t0 = performance.now();
    const r = await train({ outDir: dir, backend, config, runId: 'bench-rss' });
    const seconds = (performance.now() - t0) / 1e3;
    const end = process.memoryUsage();
    backend.dispose();
    return {
      kind: 'train',
      backend: req.backend,
      threads: req.threads,
      updates: req.updates,
      peakRss: process.resourceUsage().maxRSS * 1024,
      end,
      seconds,
      status: r.run.status,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function loop(req: Extract<MemoryRequest, { kind: 'loop' }>): Promise<LoopReport> {
  const backend = await createBackend({ name: req.backend, threads: req.threads });
  const dir = mkdtempSync(join(tmpdir(), 'glorot-bench-loop-'));
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const samples: Array<{ update: number; heap: number; gcs: number; t: number }> = [];
  try {
    const config = parseTrainConfig(
      { dataset: 'shapeset', hidden: req.hidden, minibatch: 10, updates: req.updates, probe: { interval: req.updates, early: false, jacobianExamples: 0 } },
      'bench',
    );
    const t0 = performance.now();
    await train({
      outDir: dir,
      backend,
      config,
      runId: 'bench-loop',
      progressMs: 1000,
      onProgress: (p) => samples.push({ update: p.update, heap: process.memoryUsage().heapUsed, gcs, t: performance.now() }),
    });
    const seconds = (performance.now() - t0) / 1e3;
    const rates: number[] = [];
    const perSecond: number[] = [];
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1]!;
      const b = samples[i]!;
      // second half only (warm), whole intervals with no GC, and not the final forced report
      if (a.update < req.updates / 2 || b.update >= req.updates || b.gcs !== a.gcs || b.update === a.update) continue;
      rates.push((b.heap - a.heap) / (b.update - a.update));
      perSecond.push(((b.heap - a.heap) * 1000) / (b.t - a.t));
    }
    rates.sort((x, y) => x - y);
    perSecond.sort((x, y) => x - y);
    backend.dispose();
    return {
      kind: 'loop',
      backend: req.backend,
      threads: req.threads,
      hidden: req.hidden,
      updates: req.updates,
      intervals: rates.length,
      bytesPerUpdate: rates.length ? rates[Math.floor(rates.length / 2)]! : null,
      worstBytesPerUpdate: rates.length ? rates[rates.length - 1]! : null,
      bytesPerSecond: perSecond.length ? perSecond[Math.floor(perSecond.length / 2)]! : null,
      gcs,
      seconds,
    };
  } finally {
    obs.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

const req = JSON.parse(process.argv[2] ?? '{}') as MemoryRequest;
const report = req.kind === 'heap' ? await heap(req) : req.kind === 'loop' ? await loop(req) : await trainRss(req);
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
