/**
 * Value-axis tick labels and the axis' width, without the DOM (unit-tested in Node). On a log axis
 * uPlot proposes a tick at every 1–9 × 10^k, far more than fit; labelling each one overlapped them
 * ("0. 0.0 1e- 1e-"). Only decades are labelled there (when more than one is in view), and the axis is
 * as wide as its widest label, so no label is clipped.
 */
import { num } from '../format.ts';

/** Pixels per character of the axis font (12 px sans-serif, digits and `e-`), rounded up. */
const CHAR_PX = 7.5;
/** Pixels beside the labels: the tick marks, the gap and the axis title. */
const AXIS_PAD_PX = 30;

/** Whether `v` is a power of ten (within floating-point noise). */
function isDecade(v: number): boolean {
  if (!(v > 0)) return false;
  const l = Math.log10(v);
  return Math.abs(l - Math.round(l)) < 1e-9;
}

/**
 * The labels of a value axis' ticks: every tick on a linear axis (3 significant digits); on a log
 * axis, only the powers of ten when at least two are among the ticks (others get ''), else every tick.
 * @param splits the tick values uPlot chose (null or undefined: no tick there).
 */
export function valueTickLabels(splits: readonly (number | null | undefined)[], log: boolean): string[] {
  const decades = log ? splits.filter((v) => typeof v === 'number' && isDecade(v)).length : 0;
  return splits.map((v) => {
    if (v === null || v === undefined || !Number.isFinite(v)) return '';
    if (log && decades >= 2 && !isDecade(v)) return '';
    return num(v, 3);
  });
}

/** The axis width (px) that holds the widest of `labels` (at least 48). */
export function valueAxisSize(labels: readonly (string | null | undefined)[]): number {
  const widest = Math.max(0, ...labels.map((l) => (l ?? '').length));
  return Math.max(48, Math.ceil(widest * CHAR_PX) + AXIS_PAD_PX);
}

/**
 * The x range of the series shown: the smallest and largest x where any visible series has a value
 * (a histogram overlay rescales when a layer whose range is 30× wider is hidden, Figs. 7–8), or null
 * when none has one.
 * @param x ascending x values; columns[i][j] series i's value at x[j] (null: none).
 */
export function visibleXRange(x: readonly number[], columns: readonly (readonly (number | null)[])[], visible: readonly boolean[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  columns.forEach((col, i) => {
    if (!visible[i]) return;
    col.forEach((v, j) => {
      if (v === null || !Number.isFinite(v)) return;
      lo = Math.min(lo, x[j]);
      hi = Math.max(hi, x[j]);
    });
  });
  return lo < hi ? [lo, hi] : null;
}
