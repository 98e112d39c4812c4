/**
 * Rebuilds a run's network at initialization (update 0) to histogram its activations and gradients
 * with ranges fitted to the hidden layers (Figs. 6–8).
 *
 * Why: the probe histograms gradients of one probe point over one symmetric range shared by ALL
 * layers, output layer included, whose gradients are 10–100× wider than those of the lower hidden
 * layers under standard initialization; with 100 bins the lower layers then fall into 2–4 bins. The
 * initial network is a pure function of the stored config (seeded init, fixed probe set: the first
 * `probe.size` test examples), so the report recomputes it exactly and checks the recomputation
 * against the stored update-0 scalars (`*.std`) before using it.
 */
import type { Backend } from '../../kernels/backend.ts';
import { openDataset, readRows } from '../../data/dataset.ts';
import { Mlp } from '../../nn/mlp.ts';
import { meanVariance } from '../../probes/stats.ts';
import { parseTrainConfig } from '../../run/config.ts';
import { mlpConfigFor, openConfigDataset } from '../../run/train.ts';
import type { RunStore } from '../../store/runStore.ts';
import type { RunOutcome } from '../select.ts';

/** The tensors of the hidden layers k = 1 … L−1 at initialization, on the probe set. */
export interface InitTensors {
  /** z^k, `[n, n_k]` per layer. */
  readonly activation: readonly Float32Array[];
  /** Per-example ∂C/∂s^{k−1}, `[n, n_k]` per layer. */
  readonly backpropGrad: readonly Float32Array[];
  /** ∂C/∂W^{k−1} averaged over the probe set, `[n_{k−1}, n_k]` per layer. */
  readonly weightGrad: readonly Float32Array[];
  /** Probe-set size n. */
  readonly examples: number;
}

/** Largest relative difference allowed between recomputed and stored update-0 standard deviations. */
export const RECOMPUTE_TOLERANCE = 0.02;

/**
 * Recomputes the initial network of a run on its probe set.
 * @returns the tensors, or a string saying why they could not be recomputed (config unreadable,
 *   dataset unavailable) — the caller then falls back to the stored histograms.
 */
export async function recomputeInit(o: RunOutcome, backend: Backend): Promise<InitTensors | string> {
  let config;
  try {
    config = parseTrainConfig(o.run.config, `run ${o.runId}`);
  } catch (e) {
    return `stored config not readable: ${(e as Error).message.split('\n')[0]}`;
  }
  let dataset;
  try {
    // Shapeset's test set is generated in order, so its first probe.size images are the probe set.
    dataset =
      config.dataset === 'shapeset'
        ? await openDataset('shapeset', { validationSize: 0, testSize: config.probe.size })
        : await openConfigDataset(config);
  } catch (e) {
    return `dataset not available: ${(e as Error).message.split('\n')[0]}`;
  }
  const n = Math.min(config.probe.size, dataset.test.n);
  const mlp = new Mlp(backend, mlpConfigFor(config, dataset.inputSize, dataset.classes));
  try {
    const g = mlp.gradients(readRows(dataset.test, 0, n), dataset.test.y.subarray(0, n), n);
    const L = mlp.depth;
    const activation: Float32Array[] = [];
    const backpropGrad: Float32Array[] = [];
    const weightGrad: Float32Array[] = [];
    for (let k = 1; k < L; k++) {
      const width = mlp.layers[k - 1]!.fanOut;
      activation.push(Float32Array.from(mlp.activation(k).subarray(0, n * width)));
      // the stored ∂C/∂s carries the minibatch's 1/n: per example it is n times that
      backpropGrad.push(Float32Array.from(g.backpropGrad[k - 1]!.subarray(0, n * width), (v) => v * n));
      weightGrad.push(Float32Array.from(g.weightGrad[k - 1]!));
    }
    return { activation, backpropGrad, weightGrad, examples: n };
  } finally {
    mlp.dispose();
  }
}

/**
 * Compares the recomputed tensors' standard deviations with the stored update-0 scalars
 * (`activation.std`, `backprop_grad.std`, `weight_grad.std`).
 * @returns null when every layer agrees within {@link RECOMPUTE_TOLERANCE}, else a description of the
 *   first disagreement.
 */
export function verifyInit(store: RunStore, runId: string, t: InitTensors): string | null {
  const pairs: Array<[string, readonly Float32Array[]]> = [
    ['activation.std', t.activation],
    ['backprop_grad.std', t.backpropGrad],
    ['weight_grad.std', t.weightGrad],
  ];
  for (const [name, tensors] of pairs) {
    for (let k = 1; k <= tensors.length; k++) {
      const stored = store.scalarSeries(runId, name, k).find((p) => p.update === 0)?.value;
      if (stored === undefined) return `no stored ${name} of layer ${k} at update 0`;
      const ours = Math.sqrt(meanVariance(tensors[k - 1]!).variance);
      const rel = Math.abs(ours - stored) / Math.max(Math.abs(stored), 1e-30);
      if (!(rel <= RECOMPUTE_TOLERANCE)) return `${name} of layer ${k}: recomputed ${ours.toPrecision(4)}, stored ${stored.toPrecision(4)}`;
    }
  }
  return null;
}

/**
 * The q-th percentile (0–100) of |x| over several tensors (nearest rank on a sorted copy of each
 * tensor; the largest over tensors): the range of a shared-range histogram that keeps all but
 * (100 − q) % of the widest layer's values.
 */
export function sharedAbsPercentile(tensors: readonly Float32Array[], q: number): number {
  let best = 0;
  for (const t of tensors) {
    const a = Float32Array.from(t, Math.abs).filter(Number.isFinite).sort();
    if (a.length === 0) continue;
    const v = a[Math.min(a.length - 1, Math.max(0, Math.ceil((q / 100) * a.length) - 1))]!;
    if (v > best) best = v;
  }
  return best;
}

/** A histogram normalized to fractions of all values (values outside the range are counted in the total, not drawn). */
export interface NormalizedHistogram {
  /** Bin centres. */
  readonly centres: Float64Array;
  /** count(bin) / total values. */
  readonly fractions: Float64Array;
  /** Fraction of the values outside [lo, hi] (or non-finite). */
  readonly outside: number;
}

/**
 * Histogram of `x` over [lo, hi] in `bins` equal bins (last bin closed), divided by the number of
 * values: the paper's "normalized histogram".
 * @throws RangeError when hi ≤ lo or bins < 1.
 */
export function normalizedHistogram(x: Float32Array, lo: number, hi: number, bins: number): NormalizedHistogram {
  if (!(hi > lo) || !(bins >= 1)) throw new RangeError(`histogram: need hi > lo and bins ≥ 1, found [${lo}, ${hi}], ${bins}`);
  const counts = new Float64Array(bins);
  let outside = 0;
  const w = (hi - lo) / bins;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (!(v >= lo && v <= hi)) {
      outside++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
  }
  const n = Math.max(1, x.length);
  return {
    centres: Float64Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * w),
    fractions: counts.map((c) => c / n),
    outside: outside / n,
  };
}
