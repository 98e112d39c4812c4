/**
 * A synthetic paper-length run for the dashboard's benchmark (issue 11): the paper's schedule
 * (2.5 M updates, a probe point every 20,000 updates plus the early points 1, 2, 5 … 10,000: 139
 * points), 5 hidden layers of 1000 tanh units and the softmax layer, and at every point what the
 * probe records — every scalar of the vocabulary per layer, 100-bin histograms of activations, ∂C/∂s
 * and ∂C/∂W (shared and own ranges), evaluations on three splits — written through the store's own
 * API. The values are plausible shapes (saturation growing from layer 1, errors falling), not
 * measurements: the benchmark times reading and drawing, not what is drawn.
 */
import type { HistogramRecord, ScalarName, ScalarRecord } from '../../src/core/metrics.ts';
import { NETWORK_LAYER } from '../../src/core/metrics.ts';
import { probePoints } from '../../src/config/schedule.ts';
import type { RunStore } from '../../src/store/index.ts';
import { mulberry32 } from '../../test/helpers/random.ts';

/** The paper's run: updates, probe interval, hidden layers, histogram bins. */
export const PAPER_RUN = { updates: 2_500_000, interval: 20_000, hidden: [1000, 1000, 1000, 1000, 1000], bins: 100 } as const;

/** A 100-bin histogram over [lo, hi] of `n` values drawn by `draw`. */
function histogram(layer: number, tensor: HistogramRecord['tensor'], lo: number, hi: number, draw: () => number, n = 1000): HistogramRecord {
  const bins = PAPER_RUN.bins;
  const counts = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const v = Math.min(hi, Math.max(lo, draw()));
    counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]++;
  }
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  return { layer, tensor, edges, counts, nan: 0, posInf: 0, negInf: 0 };
}

/** Summary scalars (mean, std, min, max, percentiles) of a normal(mean, sd) shape, for one tensor. */
function summary(layer: number, tensor: 'activation' | 'backprop_grad' | 'weight_grad', mean: number, sd: number): ScalarRecord[] {
  const z = { p1: -2.326, p2: -2.054, p50: 0, p98: 2.054, p99: 2.326 } as const;
  const out: ScalarRecord[] = [
    { layer, name: `${tensor}.mean`, value: mean },
    { layer, name: `${tensor}.std`, value: sd },
    { layer, name: `${tensor}.min`, value: mean - 3.5 * sd },
    { layer, name: `${tensor}.max`, value: mean + 3.5 * sd },
  ];
  for (const [p, q] of Object.entries(z)) out.push({ layer, name: `${tensor}.${p}` as ScalarName, value: mean + q * sd });
  return out;
}

/** The paper run's probe points: 0, the early 1, 2, 5 … 10,000, then every 20,000 to 2.5 M (139). */
export function paperProbePoints(): number[] {
  return probePoints(PAPER_RUN.updates, PAPER_RUN.interval, true);
}

/**
 * Records a new paper-length run (status `running`, no probe point yet).
 * @param id the run id.
 * @param seed varies the values between runs (compare benchmarks) and alternates the init.
 */
export function createPaperRun(store: RunStore, id: string, seed: number): void {
  const config = {
    dataset: 'shapeset', hidden: [...PAPER_RUN.hidden], activation: 'tanh', init: seed % 2 ? 'standard' : 'normalized', gain: 1, cost: 'nll',
    learningRate: 0.01, minibatch: 10, updates: PAPER_RUN.updates, seed,
    probe: { interval: PAPER_RUN.interval, early: true, size: 300, bins: PAPER_RUN.bins, jacobianExamples: 5, jacobianAt: 'init' },
  };
  store.createRun({ id, config, seed, backend: 'native', threads: 1, status: 'running' });
}

/**
 * Records the probe point at `u` updates of a run made by {@link createPaperRun}: every scalar per
 * layer, 27 histograms of 100 bins, evaluations; one transaction, as the trainer commits a point.
 * @param wallTime the point's wall-clock time in Unix seconds (default now).
 */
export function writePaperPoint(store: RunStore, id: string, seed: number, u: number, wallTime = Date.now() / 1000): void {
  const r = mulberry32(seed * 1_000_003 + u);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const L = PAPER_RUN.hidden.length + 1;
  const progress = Math.log1p(u) / Math.log1p(PAPER_RUN.updates);
  const scalars: ScalarRecord[] = [{ layer: NETWORK_LAYER, name: 'probe.loss', value: 2.2 * (1 - 0.8 * progress) }];
  const histograms: HistogramRecord[] = [];
  const gradRange = 0.05 * (1 + progress);
  for (let k = 1; k <= L; k++) {
    const sat = Math.max(0, Math.min(0.95, progress * (1.2 - 0.2 * k) + 0.01 * (seed % 7)));
    const gsd = 0.004 * (1 + 0.3 * k) * (1 - 0.5 * progress);
    scalars.push(...summary(k, 'backprop_grad', 0, gsd), ...summary(k, 'weight_grad', 0, gsd * 0.2));
    scalars.push({ layer: k, name: 'weight.std', value: 0.04 * (1 + progress) }, { layer: k, name: 'weight_grad.per_example_var', value: gsd * gsd * 0.05 });
    histograms.push(histogram(k, 'backprop_grad', -gradRange, gradRange, () => gsd * normal()));
    histograms.push(histogram(k, 'weight_grad', -gradRange / 5, gradRange / 5, () => 0.2 * gsd * normal()));
    if (u === 0) scalars.push({ layer: k, name: 'theory.backprop_grad.var', value: 1e-5 * k }, { layer: k, name: 'theory.weight_grad.var', value: 4e-6 });
    if (k === L) continue;
    const sd = 0.2 + 0.6 * sat;
    scalars.push(...summary(k, 'activation', 0.01 * k, sd), { layer: k, name: 'activation.saturated', value: sat });
    histograms.push(histogram(k, 'activation', -1, 1, () => Math.tanh((0.3 + 3 * sat) * normal())));
    histograms.push(histogram(k, 'backprop_grad.own_range', -4 * gsd, 4 * gsd, () => gsd * normal()));
    histograms.push(histogram(k, 'weight_grad.own_range', -0.8 * gsd, 0.8 * gsd, () => 0.2 * gsd * normal()));
    if (u === 0) {
      scalars.push({ layer: k, name: 'jacobian.sv_mean', value: 0.5 },
        { layer: k, name: 'jacobian.sv_min', value: 0.01 }, { layer: k, name: 'jacobian.sv_max', value: 1.1 });
      scalars.push({ layer: k, name: 'theory.activation.var', value: 0.1 / k }, { layer: k, name: 'theory.jacobian.sv_mean', value: 0.49 });
    }
  }
  const err = 80 * Math.exp(-3 * progress) + 15 + r();
  const evaluations = (['train', 'validation', 'test'] as const)
    .filter((split) => u > 0 || split !== 'train')
    .map((split) => ({ split, errorRate: err + (split === 'train' ? -2 : 0), nll: err / 40, examples: 10000 }));
  store.recordProbePoint(id, u, { scalars, histograms, evaluations, wallTime });
}

/**
 * Writes one finished paper-length run: every probe point, 30 s apart, then status `finished`.
 * @returns the number of probe points written.
 */
export function writePaperLengthRun(store: RunStore, id: string, seed: number): number {
  createPaperRun(store, id, seed);
  const points = paperProbePoints();
  const t0 = Date.now() / 1000 - points.length * 30;
  points.forEach((u, i) => writePaperPoint(store, id, seed, u, t0 + 30 * i));
  store.setStatus(id, 'finished');
  return points.length;
}
