/**
 * A line chart of several series over one x axis (uPlot 1.6): drag to zoom, double-click to reset,
 * hover values in a readout under the chart, series grouped (a layer, a run) so toggles show or hide
 * a group, optional bands (e.g. the 2nd–98th percentile of a layer, Fig. 3) filled between two
 * values. `setData` keeps the user's zoom while live points arrive.
 */
import uPlot from 'uplot';
import { compact, num } from '../format.ts';
import { h, replaceChildren } from '../dom.ts';
import { valueAxisSize, valueTickLabels, visibleXRange } from './axis.ts';

/** One line, optionally with a band around it. */
export interface LineSeries {
  /** Shown in the hover readout, e.g. `layer 3 mean`. */
  readonly label: string;
  readonly color: string;
  /** Toggle key: every series of a group is shown or hidden together (e.g. `3` for layer 3). */
  readonly group: string;
  /** One value per x; null where there is none (gaps are spanned). */
  readonly values: readonly (number | null)[];
  readonly width?: number;
  readonly dash?: readonly number[];
  /** Draw a marker at every point (sparse series, e.g. a few probe points). */
  readonly points?: boolean;
  /** Lower and upper edge of a band filled around the line, as long as `values`. */
  readonly band?: { readonly lo: readonly (number | null)[]; readonly hi: readonly (number | null)[] };
}

/** How the x axis maps values. */
export type XScale = 'linear' | 'asinh' | 'layer';

/** Options fixed when the chart is created. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** `asinh`: logarithmic beyond 1 and linear through 0 (the early probe points at 0, 1, 2, 5 … updates). */
  readonly xScale: XScale;
  /** Logarithmic y axis; values ≤ 0 are left out. */
  readonly yLog?: boolean;
  readonly height?: number;
  /** Charts with the same key share the hover cursor. */
  readonly sync?: string;
  /** `data-testid` of the chart's container. */
  readonly testid?: string;
  /** Step lines (a histogram: each value holds until the next x); default straight segments. */
  readonly stepped?: boolean;
  /** Formats x values on the axis and in the readout (default: compact update counts). */
  readonly xFormat?: (v: number) => string;
  /** A key under the plot naming every line with its colour (default true; the readout still gives values on hover). */
  readonly legend?: boolean;
}

/** The performance mark of the page's first chart drawn with data (the benchmark's "first chart"). */
export const FIRST_CHART_MARK = 'glorot:first-chart';
let firstChartPending = false;
/** A series' points are drawn as dots while fewer than this many are in view (more would be clutter and cost). */
const MAX_POINTS_SHOWN = 41;

/** Histogram steps: a bin's value holds from its lower edge to the next edge. */
const stepped = uPlot.paths.stepped!({ align: 1 });

/** A live uPlot line chart inside its own container element. */
export class LineChart {
  /** The chart's container (title, plot, readout); insert it in the page. */
  readonly el: HTMLDivElement;
  private readonly plotEl: HTMLDivElement;
  private readonly readout: HTMLDivElement;
  private readonly legendEl: HTMLDivElement;
  private yLabelText: string;
  private plot: uPlot | null = null;
  private structure = '';
  private x: number[] = [];
  private series: readonly LineSeries[] = [];
  /** uPlot series index of each LineSeries' line (band edges follow it). */
  private index: number[] = [];
  private readonly hidden = new Set<string>();
  private zoomed = false;
  private readonly resize: ResizeObserver;

  constructor(private readonly options: LineChartOptions) {
    this.plotEl = h('div', { class: 'plot' });
    this.readout = h('div', { class: 'readout' }, '\u00a0');
    this.legendEl = h('div', { class: 'legend', 'data-testid': 'legend', hidden: options.legend === false });
    this.yLabelText = options.yLabel;
    this.el = h('div', { class: 'chart', 'data-testid': options.testid, 'data-points': 0, 'data-y-label': options.yLabel },
      h('div', { class: 'chart-title' }, options.title), this.plotEl, this.legendEl, this.readout);
    this.resize = new ResizeObserver(() => {
      const w = this.width();
      if (this.plot && w > 0 && Math.abs(this.plot.width - w) > 1) this.plot.setSize({ width: w, height: this.height() });
    });
    this.resize.observe(this.el);
  }

  private width(): number {
    return Math.max(200, Math.floor(this.el.clientWidth || 600));
  }

  private height(): number {
    return this.options.height ?? 240;
  }

  /**
   * Shows new data; recreates the plot only when the set of series changed, otherwise keeps the zoom.
   * @param x ascending x values (updates, or layer numbers).
   * @param series lines over `x`, each as long as `x`.
   */
  setData(x: readonly number[], series: readonly LineSeries[]): void {
    this.x = [...x];
    this.series = series;
    const structure = series.map((s) => `${s.group}|${s.label}|${s.color}|${s.band ? 1 : 0}`).join(';');
    const data = this.data();
    this.el.dataset.points = String(x.length);
    this.el.dataset.series = String(series.length);
    if (!this.plot || structure !== this.structure) {
      this.structure = structure;
      this.plot?.destroy();
      this.plot = new uPlot(this.opts(), data, this.plotEl);
      this.zoomed = false;
      this.applyHidden();
    } else {
      this.plot.setData(data, !this.zoomed);
    }
    this.showReadout(null);
  }

  /** The value axis' label. */
  get yLabel(): string {
    return this.yLabelText;
  }

  /** Changes the value axis' label (e.g. to the histograms' scaling); the plot is remade at the next {@link setData}. */
  setYLabel(label: string): void {
    if (label === this.yLabelText) return;
    this.yLabelText = label;
    this.el.dataset.yLabel = label;
    this.structure = '';
  }

  /** Shows or hides every series of a group (e.g. a layer). */
  setGroupVisible(group: string, visible: boolean): void {
    if (visible === !this.hidden.has(group)) return;
    if (visible) this.hidden.delete(group);
    else this.hidden.add(group);
    this.applyHidden();
  }

  /** Removes the chart and its observers. */
  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  private applyHidden(): void {
    this.drawLegend();
    const u = this.plot;
    if (!u) return;
    this.series.forEach((s, i) => {
      const show = !this.hidden.has(s.group);
      const at = this.index[i];
      const n = s.band ? 3 : 1;
      for (let k = 0; k < n; k++) if (u.series[at + k].show !== show) u.setSeries(at + k, { show });
    });
    // a histogram overlay fits its value axis to the histograms shown (the output layer's range hides the others')
    if (this.options.stepped && !this.zoomed) {
      const r = this.xRange();
      if (r) u.setScale('x', { min: r[0], max: r[1] });
    }
  }

  /** The x range of the visible series (stepped charts), or null. */
  private xRange(): [number, number] | null {
    return visibleXRange(this.x, this.series.map((s) => s.values), this.series.map((s) => !this.hidden.has(s.group)));
  }

  /** The key under the plot: one entry per line (struck through while its group is hidden). */
  private drawLegend(): void {
    if (this.options.legend === false) return;
    const seen = new Set<string>();
    const items = this.series.filter((s) => !seen.has(s.label) && seen.add(s.label)).map((s) =>
      h('span', { class: this.hidden.has(s.group) ? 'key off' : 'key', 'data-group': s.group },
        h('i', { class: 'swatch', style: `background:${s.color}` }), s.label));
    replaceChildren(this.legendEl, ...items);
  }

  private clean(v: readonly (number | null)[]): (number | null)[] {
    const log = this.options.yLog === true;
    return v.map((y) => (y === null || !Number.isFinite(y) || (log && y <= 0) ? null : y));
  }

  private data(): uPlot.AlignedData {
    const cols: (number | null)[][] = [];
    this.index = [];
    for (const s of this.series) {
      this.index.push(cols.length + 1);
      cols.push(this.clean(s.values));
      if (s.band) cols.push(this.clean(s.band.lo), this.clean(s.band.hi));
    }
    return [this.x, ...cols] as uPlot.AlignedData;
  }

  private opts(): uPlot.Options {
    const o = this.options;
    const series: uPlot.Series[] = [{ label: o.xLabel }];
    const bands: uPlot.Band[] = [];
    for (const s of this.series) {
      const line = series.length;
      series.push({
        label: s.label,
        stroke: s.color,
        width: s.width ?? 1.5,
        dash: s.dash ? [...s.dash] : undefined,
        spanGaps: !o.stepped,
        paths: o.stepped ? stepped : undefined,
        // decided at every draw, from the points in view: a plot made before its data arrived (or
        // while a run had few points) must not keep drawing 139 × 20 circles once they are in
        points: { show: s.points ?? (o.stepped ? false : (_u, _i, i0, i1) => i1 - i0 < MAX_POINTS_SHOWN), size: 5 },
      });
      if (s.band) {
        const edge: uPlot.Series = { label: `${s.label} band`, stroke: `${s.color}55`, width: 0.5, spanGaps: true, points: { show: false } };
        series.push({ ...edge }, { ...edge });
        bands.push({ series: [line + 2, line + 1], fill: `${s.color}22` });
      }
    }
    const xDistr = o.xScale === 'asinh' ? 4 : 1;
    const xAxis: uPlot.Axis = {
      label: o.xLabel,
      // the asinh scale always proposes a tick at −1: label only the ticks inside the scale
      values: (u, splits) => splits.map((v) => {
        if (v === null || v === undefined || v < (u.scales.x.min ?? -Infinity) || v > (u.scales.x.max ?? Infinity)) return '';
        return o.xScale === 'layer' ? `L${v}` : (o.xFormat ?? compact)(v);
      }),
    };
    if (o.xScale === 'layer') xAxis.incrs = [1];
    return {
      width: this.width(),
      height: this.height(),
      series,
      bands,
      legend: { show: false },
      cursor: { sync: o.sync ? { key: o.sync } : undefined, drag: { x: true, y: false } },
      scales: {
        // exactly the data's x range: no padding below the first probe point (0 updates)
        x: { time: false, distr: xDistr as uPlot.Scale.Distr, asinh: 1, range: (_u, min, max) => {
          const r = o.stepped ? this.xRange() : null;
          if (r) return r;
          return min === max ? [min - 1, max + 1] : [min, max];
        } },
        y: { distr: (o.yLog ? 3 : 1) as uPlot.Scale.Distr },
      },
      axes: [xAxis, {
        label: this.yLabelText,
        // on a log axis only decades are labelled, and the axis is as wide as its widest label
        values: (_u, splits) => valueTickLabels(splits, o.yLog === true),
        size: (_u, values) => valueAxisSize(values ?? []),
      }],
      hooks: {
        setCursor: [(u) => this.showReadout(u.cursor.idx ?? null)],
        setSelect: [(u) => {
          if (u.select.width > 0) this.zoomed = true;
        }],
        ready: [(u) => u.over.addEventListener('dblclick', () => (this.zoomed = false))],
        draw: [() => this.drawn()],
      },
    };
  }

  /**
   * After every draw: `data-drawn` holds the number of points drawn (tests and the benchmark wait on
   * it), and the page's first chart with data sets the performance mark `glorot:first-chart` once painted.
   */
  private drawn(): void {
    this.el.dataset.drawn = String(this.x.length);
    const sx = this.plot?.scales.x;
    if (sx && sx.min !== undefined && sx.max !== undefined) this.el.dataset.xRange = `${sx.min},${sx.max}`;
    if (this.x.length > 0 && !firstChartPending && performance.getEntriesByName(FIRST_CHART_MARK).length === 0) {
      // mark once the frame holding the chart has been painted: the next frame's callback, then a task
      firstChartPending = true;
      requestAnimationFrame(() => setTimeout(() => performance.mark(FIRST_CHART_MARK), 0));
    }
  }

  private showReadout(idx: number | null): void {
    if (idx === null || idx < 0 || idx >= this.x.length) {
      replaceChildren(this.readout, `${this.x.length} points · drag to zoom, double-click to reset`);
      return;
    }
    const xv = this.x[idx];
    const xText = this.options.xScale === 'layer' ? `layer ${xv}` : `${this.options.xLabel} ${(this.options.xFormat ?? String)(xv)}`;
    const parts = [h('b', {}, xText)];
    this.series.forEach((s) => {
      if (this.hidden.has(s.group)) return;
      const v = s.values[idx];
      if (v === null || v === undefined) return;
      const band = s.band ? ` [${num(s.band.lo[idx])}, ${num(s.band.hi[idx])}]` : '';
      parts.push(h('span', { class: 'ro' }, h('i', { class: 'swatch', style: `background:${s.color}` }), `${s.label} ${num(v)}${band}`));
    });
    replaceChildren(this.readout, ...parts);
  }
}
