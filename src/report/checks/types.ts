/**
 * What a check is (the shape written to summary.json), and the helpers every group of checks uses:
 * number formatting, the "not run" check, and reading one statistic of every layer from the record.
 */
import type { ScalarName } from '../../core/metrics.ts';
import type { RunStore } from '../../store/runStore.ts';
import type { ConfigLabel } from '../input.ts';
import type { RunOutcome } from '../select.ts';

/**
 * A check's outcome: `pass` (the paper's claim holds in our runs / the phenomenon is shown), `weak`
 * (a comparison goes the paper's way but is not statistically significant: one seed, or Welch p ≥
 * the paper's 0.005), `fail` (it does not / not shown), `not-run` (the runs it needs were not made
 * at this scale, or recorded nothing to judge).
 */
export type Verdict = 'pass' | 'weak' | 'fail' | 'not-run';

/** The kinds of checks. */
export type CheckGroup = 'jacobian' | 'variance' | 'chance' | 'phenomenon';

/** One check, as shown in the report and written to summary.json. */
export interface Check {
  /** Stable id, e.g. `jacobian.standard`, `phenomenon.sigmoid-collapse`. */
  readonly id: string;
  readonly group: CheckGroup;
  readonly title: string;
  /** Our number (null when not run or not a single number). */
  readonly ours: number | null;
  readonly oursText: string;
  /** The paper's number, when it gives one. */
  readonly paper: number | null;
  readonly paperText: string;
  readonly verdict: Verdict;
  /** The rule that turned our measurement into the verdict. */
  readonly rule: string;
  /** The measurements behind the verdict. */
  readonly detail: string;
  readonly runs: readonly string[];
  /** Where the paper says it. */
  readonly source: string;
}

/**
 * One row of a predicted-vs-measured variance table at initialization: the measurement, the
 * mean-field predictions (issue 13) and the linear theory of eqs. (5)–(7), as stored at update 0.
 */
export interface VarianceRow {
  /** Layer k (1 = input side; the last is the softmax output layer, gradients only). */
  readonly layer: number;
  /** `activation`: Var[z^k]; `backprop_grad`: Var[∂C/∂s^{k−1}] per example; `weight_grad`: Var[∂C/∂W^{k−1}] per example. */
  readonly quantity: 'activation' | 'backprop_grad' | 'weight_grad';
  readonly measured: number;
  /** The linear theory, eqs. (5)–(7) (`theory.*`); NaN when not recorded. */
  readonly theory: number;
  /** measured / theory (the linear theory). */
  readonly ratio: number;
  /** The mean-field prediction conditioned on the drawn network (`meanfield.*`); null when the record has none. */
  readonly meanField: number | null;
  /** meanField / measured − 1; null without a prediction. */
  readonly meanFieldError: number | null;
  /** The population mean-field prediction, the expectation over initialisations (`meanfield.population.*`); null when none. */
  readonly population: number | null;
}

/** The variance table of one configuration's curve run. */
export interface VarianceTable {
  readonly label: ConfigLabel;
  readonly runId: string;
  readonly rows: readonly VarianceRow[];
}

/** Everything {@link buildChecks} returns. */
export interface ChecksResult {
  readonly checks: readonly Check[];
  readonly varianceTables: readonly VarianceTable[];
  /** Shapeset-3×2 class priors (label 0–8) and the resulting majority-class error (%). */
  readonly shapesetPriors: readonly number[];
  readonly chanceError: number;
}

/**
 * One scalar of layers 1 … `layers` at one update count, from the record.
 * @returns index k−1 → value; NaN where the layer has none.
 */
export function layerValues(store: RunStore, runId: string, name: ScalarName, updates: number, layers: number): number[] {
  const out = new Array<number>(layers).fill(NaN);
  for (const p of store.scalarSeries(runId, name)) if (p.updates === updates && p.layer >= 1 && p.layer <= layers) out[p.layer - 1] = p.value;
  return out;
}

/** Every probe point's value of a scalar of layer `k`, from the record: [updates, value] pairs in update order. */
export function series(store: RunStore, runId: string, name: ScalarName, k: number): Array<[number, number]> {
  return store.scalarSeries(runId, name, k).map((p) => [p.updates, p.value] as [number, number]);
}

/** A number for check text: `digits` significant digits without floating-point noise; `—` for null or non-finite. */
export function fmt(x: number | null, digits = 3): string {
  return x === null || !Number.isFinite(x) ? '—' : Number(x.toPrecision(digits)).toString();
}

/** "1 epoch", "0.25 epochs", "3 epochs": a count with its noun, plural unless exactly 1. */
export function plural(n: number, noun: string, digits = 3): string {
  const text = fmt(n, digits);
  return `${text} ${text === '1' ? noun : `${noun}s`}`;
}

/** A check whose runs were not made: verdict `not-run`, `why` as the detail, the paper's value still shown. */
export function notRun(
  id: string,
  group: CheckGroup,
  title: string,
  paper: number | null,
  paperText: string,
  rule: string,
  why: string,
  source: string,
): Check {
  return { id, group, title, ours: null, oursText: 'not run', paper, paperText, verdict: 'not-run', rule, detail: why, runs: [], source };
}

/** What the checks read: the record, the main dataset, and its curve run of each configuration. */
export interface Lookup {
  readonly store: RunStore;
  /** The dataset whose runs the per-run checks use (Shapeset when it ran), or null when none ran. */
  readonly dataset: string | null;
  /** The curve run of a configuration on {@link Lookup.dataset}, or null when it was not run. */
  run(label: ConfigLabel): RunOutcome | null;
  /** A dataset's chance level (%) from the record's class priors (`datasetChance`), or null when unknown. */
  chance(dataset: string): number | null;
}

