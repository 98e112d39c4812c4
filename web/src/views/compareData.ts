/**
 * What the compare view overlays, without the DOM (unit-tested in Node): the statistics it offers —
 * every scalar of the metric vocabulary and each split's error and cost (Figs. 11–12) — with the
 * vocabulary's labels (src/core/metrics.ts, the one home of a metric's label), one run's series of a
 * statistic, when the value axis starts logarithmic, and which stored probe point each run's
 * histogram is drawn from at a scrubbed update.
 */
import {
  EVALUATION_METRICS,
  EVALUATION_QUANTITIES,
  type EvaluationQuantity,
  evaluationLabel,
  isScalarName,
  NETWORK_LAYER,
  SCALAR_METRICS,
  type ScalarName,
  type Split,
} from '../../../src/core/metrics.ts';
import type { EvaluationSeries, ScalarSeries } from '../data/source.ts';

/** The splits whose curves compare offers, in the order of Figs. 11–12 (test first). */
const SPLIT_ORDER: readonly Split[] = ['test', 'validation', 'train'];

/** A statistic the compare view overlays: a scalar name, or `evaluation.<split>.<errorRate|nll>`. */
export type CompareStat = ScalarName | `evaluation.${Split}.${EvaluationQuantity}`;

/** The evaluation a stat names, or null for a scalar. */
export function evaluationOf(stat: string): { split: Split; quantity: EvaluationQuantity } | null {
  const m = /^evaluation\.(test|validation|train)\.(errorRate|nll)$/.exec(stat);
  return m ? { split: m[1] as Split, quantity: m[2] as EvaluationQuantity } : null;
}

/** Whether `stat` is a statistic compare offers. */
export function isCompareStat(stat: unknown): stat is CompareStat {
  return typeof stat === 'string' && (isScalarName(stat) || evaluationOf(stat) !== null);
}

/**
 * The statistics compare offers as [value, label] pairs: the error and cost curves first (test,
 * validation, train), then every scalar in the vocabulary's order; labels from the vocabulary.
 */
export function compareStatOptions(): [CompareStat, string][] {
  const evaluations = EVALUATION_QUANTITIES.flatMap((q) => SPLIT_ORDER.map((s) => [`evaluation.${s}.${q}`, evaluationLabel(s, q)] as [CompareStat, string]));
  const scalars = (Object.keys(SCALAR_METRICS) as ScalarName[]).map((n) => [n, SCALAR_METRICS[n].label] as [CompareStat, string]);
  return [...evaluations, ...scalars];
}

/** A stat's label and definition, from the vocabulary. */
export function statInfo(stat: CompareStat): { label: string; definition: string } {
  const e = evaluationOf(stat);
  if (e) return { label: evaluationLabel(e.split, e.quantity), definition: `${EVALUATION_METRICS[e.quantity].definition} (${e.split} split)` };
  const info = SCALAR_METRICS[stat as ScalarName];
  return { label: info.label, definition: info.definition };
}

/** Whether a stat has one value per network rather than per layer (the layer choice does not apply). */
export function isNetworkStat(stat: CompareStat): boolean {
  return evaluationOf(stat) !== null || stat === 'probe.loss';
}

/** What {@link statSeries} reads from a run (a RunData holds both). */
export interface SeriesHolder {
  series(name: ScalarName): ReadonlyMap<number, ScalarSeries>;
  readonly evaluations: readonly EvaluationSeries[];
}

/**
 * One run's series of `stat` at `layer` (network-level stats ignore the layer): updates ascending,
 * values in the stat's unit (error in %), null where the record holds NaN. Empty when the run has none.
 */
export function statSeries(run: SeriesHolder, stat: CompareStat, layer: number): { updates: readonly number[]; values: readonly (number | null)[] } {
  const e = evaluationOf(stat);
  if (e) {
    const s = run.evaluations.find((x) => x.split === e.split);
    return s ? { updates: s.updates, values: e.quantity === 'errorRate' ? s.errorRate : s.nll } : { updates: [], values: [] };
  }
  const by = run.series(stat as ScalarName);
  return by.get(isNetworkStat(stat) ? NETWORK_LAYER : layer) ?? { updates: [], values: [] };
}

/** A stat whose values are gradients or their variances (the run view's log axis for them: Figs. 7–9). */
export function isGradientStat(stat: CompareStat): boolean {
  return /(^|\.)(backprop_grad|weight_grad)\./.test(stat) && !/\.(mean|min|p1|p2|p50|nonfinite)$/.test(stat);
}

/** How many decades the positive values must span before a gradient statistic starts on a log axis. */
export const LOG_DECADES = 2;

/**
 * Whether the value axis starts logarithmic: for a gradient statistic (its std, upper percentiles,
 * variances — never one that can be ≤ 0 by nature) whose finite values, over every compared run, are
 * all > 0 and span at least {@link LOG_DECADES} decades (sigmoid's 1e-11 beside tanh's 0.03 would
 * otherwise lie flat at 0). The user's toggle overrides it.
 */
export function defaultLogY(stat: CompareStat, columns: readonly (readonly (number | null)[])[]): boolean {
  if (!isGradientStat(stat)) return false;
  let lo = Infinity;
  let hi = -Infinity;
  for (const col of columns) {
    for (const v of col) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v <= 0) return false;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return hi > 0 && lo > 0 && Math.log10(hi / lo) >= LOG_DECADES;
}

/** Where each run's histogram at a scrubbed update comes from. */
export interface HistogramPicks {
  /** Runs with a stored probe point ≤ the update: the nearest one (`at`), in the runs' order. */
  readonly picks: readonly { readonly id: string; readonly index: number; readonly at: number }[];
  /** Runs without a probe point ≤ the update ("not yet at U"), in the runs' order. */
  readonly notYet: readonly string[];
}

/**
 * Each run's nearest stored probe point at or before `u`; runs with none are listed in `notYet`,
 * never dropped.
 * @param runs the compared runs' ids and stored probe points (any order).
 */
export function histogramPicks(runs: readonly { readonly id: string; readonly points: readonly number[] }[], u: number): HistogramPicks {
  const picks: { id: string; index: number; at: number }[] = [];
  const notYet: string[] = [];
  runs.forEach((r, index) => {
    let at = -Infinity;
    for (const p of r.points) if (p <= u && p > at) at = p;
    if (at === -Infinity) notYet.push(r.id);
    else picks.push({ id: r.id, index, at });
  });
  return { picks, notYet };
}
