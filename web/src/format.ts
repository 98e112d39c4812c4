/**
 * How the dashboard writes numbers, durations, layers and the metric vocabulary's names: one home
 * for labels so every view says "∂C/∂s" for `backprop_grad` and "layer 3" the same way.
 */
import { HISTOGRAM_METRICS, type HistogramTensor, TENSOR_LABELS } from '../../src/core/metrics.ts';

/**
 * A number with `digits` significant digits, exponent form below 1e-3 and from 1e5; "–" for null,
 * "NaN" for NaN.
 */
export function num(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '–';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(digits)));
}

/** An update count with thin-space thousands, e.g. `2 500 000`. */
export function int(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/** A percentage (0–100 in, "12.3 %" out). */
export function pct(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined ? '–' : `${num(v, digits)} %`;
}

/** Seconds as `45 s`, `12 min`, `1 h 05 min`; "–" when unknown. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** An update count on an axis: 0, 10, 2k, 2.5M; empty for a missing tick (null). */
export function compact(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e3) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

/**
 * A layer's name: `layer k` for a hidden layer, `output` for layer L (the softmax layer), `network`
 * for −1 (metrics.ts's numbering).
 * @param layers the run's L (hidden layers + 1).
 */
export function layerName(layer: number, layers: number): string {
  if (layer < 0) return 'network';
  return layer === layers ? `output (${layer})` : `layer ${layer}`;
}

/** The summarised tensors' labels: the metric vocabulary's (src/core/metrics.ts), the one home of every label. */
export { TENSOR_LABELS };

/** A summarised tensor (a key of {@link TENSOR_LABELS}). */
export type Tensor = keyof typeof TENSOR_LABELS;

/** The histogram tensors' labels, from the metric vocabulary (own_range: each layer binned over its own range). */
export const HISTOGRAM_LABELS: Readonly<Record<HistogramTensor, string>> = Object.fromEntries(
  (['activation', 'backprop_grad', 'backprop_grad.own_range', 'weight_grad', 'weight_grad.own_range'] as const).map((t) => [t, HISTOGRAM_METRICS[t].label]),
) as Record<HistogramTensor, string>;

/** Layer colours, input side cool to output side warm (as the report's figures). */
const LAYER_COLORS = ['#1f77b4', '#2ca02c', '#bcbd22', '#ff7f0e', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];

/** The colour of layer k (1-based; the output layer gets the next colour). */
export function layerColor(layer: number): string {
  return LAYER_COLORS[(Math.max(1, layer) - 1) % LAYER_COLORS.length];
}

/** 20 distinguishable colours for compared runs (Tableau 20, dark shades first). */
const RUN_COLORS = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5',
];

/** The colour of the i-th compared run (0-based). */
export function runColor(i: number): string {
  return RUN_COLORS[i % RUN_COLORS.length];
}
