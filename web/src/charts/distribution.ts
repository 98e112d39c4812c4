/**
 * A distribution over time (the histograms of one layer at every probe point) drawn on a canvas:
 * one column per probe point, each stored bin a rectangle over its exact edges (never rebinned; a
 * point whose range differs keeps its own edges), shaded by its density relative to the column's
 * densest bin. A marker shows the scrubbed probe point; hovering names the bin, its count and share;
 * clicking a column picks that point. The columns are drawn once into an offscreen canvas, so moving
 * the marker only copies it (the scrubber's redraw budget is 50 ms for every layer together).
 */
import { h, setText } from '../dom.ts';
import { compact, int, num } from '../format.ts';

/** One probe point's stored histogram, as the view needs it. */
export interface Column {
  readonly updates: number;
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  readonly nonfinite: number;
}

const PAD = { left: 58, right: 8, top: 6, bottom: 20 };
/** Viridis at five stops, dark = dense. */
const RAMP: readonly (readonly [number, number, number])[] = [
  [253, 231, 37], [94, 201, 98], [33, 145, 140], [59, 82, 139], [68, 1, 84],
];

/** 256 shades, light to dark along {@link RAMP}, indexed by √t so sparse tails stay visible. */
const SHADES: readonly string[] = Array.from({ length: 256 }, (_, n) => {
  const x = (n / 255) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const c = RAMP[i].map((a, k) => Math.round(a + (RAMP[i + 1][k] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
});

/** The colour of a relative density t in (0, 1]. */
function shade(t: number): string {
  return SHADES[Math.round(Math.sqrt(Math.min(1, Math.max(0, t))) * 255)];
}

/** The canvas view of one layer's histograms over probe points. */
export class DistributionView {
  /** The view's container; insert it in the page. */
  readonly el: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly readout: HTMLDivElement;
  private readonly title: HTMLDivElement;
  private readonly layerBuffer = document.createElement('canvas');
  private columns: readonly Column[] = [];
  private step = -1;
  private lo = 0;
  private hi = 1;
  private cssW = 0;
  private readonly cssH: number;
  private readonly resize: ResizeObserver;

  /**
   * @param onPick called with a column index when the user clicks a column.
   * @param height the canvas height in CSS pixels.
   */
  constructor(private readonly onPick: (index: number) => void, testid?: string, height = 150) {
    this.cssH = height;
    this.canvas = h('canvas', { class: 'dist', height });
    this.readout = h('div', { class: 'readout' }, '\u00a0');
    this.title = h('div', { class: 'chart-title' });
    this.el = h('div', { class: 'chart', 'data-testid': testid }, this.title, this.canvas, this.readout);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => setText(this.readout, '\u00a0'));
    this.canvas.addEventListener('click', (e) => {
      const i = this.columnAt(e.offsetX);
      if (i >= 0) onPick(i);
    });
    this.resize = new ResizeObserver(() => {
      if (Math.abs(this.el.clientWidth - this.cssW) > 1) this.render();
    });
    this.resize.observe(this.el);
  }

  /** Shows new columns (ascending updates) under `title`, and redraws. */
  setColumns(title: string, columns: readonly Column[]): void {
    setText(this.title, title);
    this.columns = columns;
    this.lo = Infinity;
    this.hi = -Infinity;
    for (const c of columns) {
      if (c.edges.length < 2) continue;
      this.lo = Math.min(this.lo, c.edges[0]);
      this.hi = Math.max(this.hi, c.edges[c.edges.length - 1]);
    }
    if (!(this.hi > this.lo)) {
      this.lo = Number.isFinite(this.lo) ? this.lo - 0.5 : 0;
      this.hi = this.lo + 1;
    }
    this.el.dataset.columns = String(columns.length);
    this.render();
  }

  /** Moves the marker to column `index` (cheap: copies the drawn columns, then draws the marker). */
  setStep(index: number): void {
    this.step = index;
    this.paint();
  }

  /** Removes observers. */
  destroy(): void {
    this.resize.disconnect();
  }

  private plotW(): number {
    return Math.max(1, this.cssW - PAD.left - PAD.right);
  }

  private plotH(): number {
    return this.cssH - PAD.top - PAD.bottom;
  }

  private y(v: number): number {
    return PAD.top + (1 - (v - this.lo) / (this.hi - this.lo)) * this.plotH();
  }

  private columnAt(px: number): number {
    const n = this.columns.length;
    if (n === 0) return -1;
    const i = Math.floor(((px - PAD.left) / this.plotW()) * n);
    return i >= 0 && i < n ? i : -1;
  }

  /** Draws every column into the offscreen buffer, then paints. */
  private render(): void {
    this.cssW = Math.max(200, Math.floor(this.el.clientWidth || 400));
    const dpr = window.devicePixelRatio || 1;
    for (const c of [this.canvas, this.layerBuffer]) {
      c.width = Math.round(this.cssW * dpr);
      c.height = Math.round(this.cssH * dpr);
    }
    this.canvas.style.width = `${this.cssW}px`;
    this.canvas.style.height = `${this.cssH}px`;
    const g = this.layerBuffer.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, this.cssW, this.cssH);
    const n = this.columns.length;
    const colW = this.plotW() / Math.max(1, n);
    this.columns.forEach((c, i) => {
      let total = 0;
      for (const k of c.counts) total += k;
      if (total <= 0) return;
      let max = 0;
      const dens = c.counts.map((k, j) => k / (c.edges[j + 1] - c.edges[j]));
      for (const d of dens) max = Math.max(max, d);
      const x0 = PAD.left + i * colW;
      dens.forEach((d, j) => {
        if (d <= 0) return;
        const top = this.y(c.edges[j + 1]);
        g.fillStyle = shade(d / max);
        g.fillRect(x0, top, Math.max(colW, 0.75), Math.max(this.y(c.edges[j]) - top, 0.75));
      });
    });
    g.strokeStyle = '#999';
    g.strokeRect(PAD.left - 0.5, PAD.top - 0.5, this.plotW() + 1, this.plotH() + 1);
    g.fillStyle = '#333';
    g.font = '11px system-ui, sans-serif';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    const ticks = this.lo < 0 && this.hi > 0 ? [this.lo, 0, this.hi] : [this.lo, (this.lo + this.hi) / 2, this.hi];
    for (const t of ticks) g.fillText(num(t, 3), PAD.left - 4, Math.min(this.cssH - PAD.bottom - 4, Math.max(PAD.top + 5, this.y(t))));
    if (n > 0) {
      g.textBaseline = 'top';
      g.textAlign = 'left';
      g.fillText(`${compact(this.columns[0].updates)} updates`, PAD.left, this.cssH - PAD.bottom + 4);
      g.textAlign = 'right';
      g.fillText(compact(this.columns[n - 1].updates), PAD.left + this.plotW(), this.cssH - PAD.bottom + 4);
    }
    this.paint();
  }

  /** Copies the buffer and draws the step marker. */
  private paint(): void {
    const g = this.canvas.getContext('2d')!;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.drawImage(this.layerBuffer, 0, 0);
    const n = this.columns.length;
    if (this.step < 0 || this.step >= n) return;
    const dpr = window.devicePixelRatio || 1;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const colW = this.plotW() / n;
    g.strokeStyle = '#e4002b';
    g.lineWidth = 1.5;
    g.strokeRect(PAD.left + this.step * colW - 1, PAD.top, colW + 2, this.plotH());
  }

  private hover(e: MouseEvent): void {
    const i = this.columnAt(e.offsetX);
    if (i < 0) return setText(this.readout, '\u00a0');
    const c = this.columns[i];
    const v = this.lo + (1 - (e.offsetY - PAD.top) / this.plotH()) * (this.hi - this.lo);
    let j = -1;
    for (let k = 0; k + 1 < c.edges.length; k++) if (v >= c.edges[k] && v <= c.edges[k + 1]) j = k;
    let total = 0;
    for (const k of c.counts) total += k;
    const bin = j < 0 ? 'outside the stored range'
      : `bin [${num(c.edges[j])}, ${num(c.edges[j + 1])}): ${num(c.counts[j])} values (${num((100 * c.counts[j]) / Math.max(total, 1e-300), 3)} %)`;
    const nf = c.nonfinite > 0 ? ` · ${int(c.nonfinite)} NaN/±∞` : '';
    setText(this.readout, `update ${int(c.updates)} · ${bin}${nf}`);
  }
}
