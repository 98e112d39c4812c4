/**
 * The checks' thresholds and rules as pure functions of numbers (no record access): what counts as
 * collapsed, saturated, coinciding or at chance. Every threshold is a named constant; the rule text
 * the report prints is built from them (docs/DECISIONS.md "Report").
 */
import type { StoredHistogram } from '../../store/types.ts';

/** Jacobian check: |ours − paper| ≤ this passes. */
export const JACOBIAN_TOLERANCE = 0.1;
/** Variance check, records without mean-field predictions: the measured/theory ratio may vary across layers by at most this factor (max/min). */
export const VARIANCE_TREND_FACTOR = 2;
/** Variance check: the mean-field Var[z^k] may differ from the measurement by at most this fraction in every layer (issue 13's target). */
export const MEANFIELD_ACTIVATION_TOLERANCE = 0.05;
/** Variance check: the mean-field Var[∂C/∂s] may differ from the measurement by at most this fraction in every layer (issue 13's target). */
export const MEANFIELD_GRADIENT_TOLERANCE = 0.1;
/** Chance check: Sigmoid depth 5 within this many percentage points of chance is "at chance". */
export const CHANCE_TOLERANCE_PP = 2;
/** Sigmoid collapse: the top hidden layer's mean activation at or below this counts as ≈ 0. */
export const SIGMOID_COLLAPSE_LEVEL = 0.1;
/** Tanh saturation: a layer is saturated once its activations' 98th percentile reaches this (≈ 1). */
export const TANH_SATURATION_P98 = 0.95;
/** Softsign vs tanh: tanh must have at least this fraction of its activations near ±1 for the comparison to mean anything. */
export const TANH_MIN_SATURATED = 0.01;
/** Saturation in the paper's sense (Figs. 3–4): an activation within 0.1 of the asymptotes, |z| ≥ this. */
export const ASYMPTOTE_LEVEL = 0.9;

/**
 * Per hidden layer (index k−1), the fraction of activations with |z| ≥ {@link ASYMPTOTE_LEVEL}, from
 * stored activation histograms (bins whose centre has |c| ≥ the level; non-finite values count in
 * the total only). Layers without a histogram are left out.
 */
export function asymptoteFractions(hists: readonly StoredHistogram[], layers: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= layers; k++) {
    const h = hists.find((x) => x.layer === k);
    if (!h) continue;
    let total = h.nan + h.posInf + h.negInf;
    let near = 0;
    for (let i = 0; i < h.counts.length; i++) {
      total += h.counts[i]!;
      if (Math.abs((h.edges[i]! + h.edges[i + 1]!) / 2) >= ASYMPTOTE_LEVEL) near += h.counts[i]!;
    }
    if (total > 0) out.push(near / total);
  }
  return out;
}

/** Histograms "coincide" when the per-layer standard deviations differ by at most this factor (max/min). */
export const COINCIDE_RATIO = 2;

/** The error (%) of always predicting the most frequent class, given class priors. */
export function chanceError(priors: readonly number[]): number {
  return 100 * (1 - Math.max(...priors));
}

/**
 * Majority-class error (%) of a dataset's test set as far as it is known without reading it: from the
 * class priors the run record holds for it (Shapeset-3×2: 83.33 %, stored by the reproduce job), else
 * the 10 balanced classes of MNIST, Fashion-MNIST and CIFAR-10 (90 %); null for other datasets.
 * @param priors the dataset's stored class priors (`RunStore.classPriors`), or null.
 */
export function datasetChance(dataset: string, priors: readonly number[] | null): number | null {
  if (priors !== null && priors.length > 0) return chanceError(priors);
  if (['mnist', 'fashion-mnist', 'cifar10'].includes(dataset)) return 90;
  return null;
}

/** A configuration "learned" when its error is more than this many points below chance. */
export const LEARNED_MARGIN_PP = 2;

/** max/min of positive finite values; NaN when fewer than 2. */
export function spreadRatio(values: readonly number[]): number {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  if (v.length < 2) return NaN;
  return Math.max(...v) / Math.min(...v);
}

/**
 * Phenomenon rule, Fig. 2: sigmoid's top hidden layer collapses toward 0. Shown when at some probe
 * point after update 0 the top layer's mean activation is ≤ {@link SIGMOID_COLLAPSE_LEVEL} and is
 * the lowest of all hidden layers' means at that point.
 * @param means per hidden layer (index k−1), the series [update, mean].
 */
export function sigmoidCollapse(means: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): {
  shown: boolean;
  update: number | null;
  minTop: number;
  stayFraction: number;
} {
  const top = means[means.length - 1] ?? [];
  let update: number | null = null;
  let minTop = Infinity;
  for (const [u, v] of top) {
    if (u <= 0 || !Number.isFinite(v)) continue;
    minTop = Math.min(minTop, v);
    if (update !== null || v > SIGMOID_COLLAPSE_LEVEL) continue;
    const others = means.slice(0, -1).map((s) => s.find(([uu]) => uu === u)?.[1] ?? NaN);
    if (others.every((m) => !(m < v))) update = u;
  }
  const after = update === null ? [] : top.filter(([u]) => u >= update!);
  const stayFraction = after.length === 0 ? 0 : after.filter(([, v]) => v <= SIGMOID_COLLAPSE_LEVEL).length / after.length;
  return { shown: update !== null, update, minTop, stayFraction };
}

/**
 * Phenomenon rule, Fig. 3: tanh saturates layer by layer from layer 1 upward. t_k = the first probe
 * update at which layer k's 98th percentile reaches {@link TANH_SATURATION_P98}. Shown when at
 * least two layers saturate, the saturated layers are exactly layers 1 … m, and t_1 ≤ t_2 ≤ … ≤ t_m.
 * @param p98 per hidden layer (index k−1), the series [update, p98].
 */
export function tanhLayerByLayer(p98: ReadonlyArray<ReadonlyArray<readonly [number, number]>>): { shown: boolean; times: Array<number | null> } {
  const times = p98.map((s) => s.find(([, v]) => v >= TANH_SATURATION_P98)?.[0] ?? null);
  const m = times.filter((t) => t !== null).length;
  const prefix = times.slice(0, m).every((t) => t !== null);
  let ordered = true;
  for (let k = 1; k < m; k++) if (times[k]! < times[k - 1]!) ordered = false;
  return { shown: m >= 2 && prefix && ordered, times };
}

/**
 * Phenomenon rule, Fig. 10: with normalized initialization the layer-by-layer saturation of Fig. 3
 * disappears. A hidden layer "saturates" when its 98th percentile reaches {@link TANH_SATURATION_P98}
 * at some probe point. Shown when no layer of the normalized run saturates, or (when the standard
 * run is given) fewer of its layers saturate than the standard run's.
 * @param normalized per hidden layer (index k−1) of the Tanh N run, the series [update, p98].
 * @param standard the same for the Tanh run, or null when there is none.
 */
export function tanhNoSaturation(
  normalized: ReadonlyArray<ReadonlyArray<readonly [number, number]>>,
  standard: ReadonlyArray<ReadonlyArray<readonly [number, number]>> | null,
): { shown: boolean; normalizedSaturated: number; standardSaturated: number | null; times: Array<number | null> } {
  const times = tanhLayerByLayer(normalized).times;
  const normalizedSaturated = times.filter((t) => t !== null).length;
  const standardSaturated = standard === null ? null : tanhLayerByLayer(standard).times.filter((t) => t !== null).length;
  const shown = normalizedSaturated === 0 || (standardSaturated !== null && normalizedSaturated < standardSaturated);
  return { shown, normalizedSaturated, standardSaturated, times };
}

