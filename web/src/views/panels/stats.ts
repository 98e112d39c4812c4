/**
 * Per-layer statistics over updates for one tensor (activations z, ∂C/∂s or ∂C/∂W): each layer's
 * mean with a band — the 2nd to 98th percentile (Figs. 3, 10), mean ± 1 std (Figs. 2, 9), 1st to
 * 99th, or min to max — and beside it each layer's standard deviation (Fig. 3's lines, Fig. 9).
 * Read from the stored scalars `<tensor>.{mean,std,p1,p2,p98,p99,min,max}`; nothing is recomputed.
 */
import type { ScalarName } from '../../../../src/core/metrics.ts';
import { SCALAR_METRICS } from '../../../../src/core/metrics.ts';
import { LineChart, type LineSeries } from '../../charts/lineChart.ts';
import { checkbox, h, select } from '../../dom.ts';
import { layerColor, layerName, TENSOR_LABELS, type Tensor } from '../../format.ts';
import { align, layersOf, zip } from '../../data/align.ts';
import type { Panel, PanelContext } from './common.ts';

/** The bands the panel offers: [lower stat, upper stat] or `std` for mean ± 1 std. */
const BANDS = {
  p2p98: { label: '2nd–98th percentile (Figs. 3, 10)', lo: 'p2', hi: 'p98' },
  std: { label: 'mean ± 1 std (Figs. 2, 9)', lo: 'std', hi: 'std' },
  p1p99: { label: '1st–99th percentile', lo: 'p1', hi: 'p99' },
  minmax: { label: 'min–max', lo: 'min', hi: 'max' },
} as const;
type Band = keyof typeof BANDS;

/** The statistics the panel draws first (activations, 2nd–98th percentile band, std): read before the others. */
export const FIRST_STATISTICS: readonly ScalarName[] = ['activation.mean', 'activation.p2', 'activation.p98', 'activation.std'];

/** The statistics panel of one run (Figs. 2, 3, 9 and 10). */
export class StatsPanel implements Panel {
  readonly el: HTMLElement;
  private tensor: Tensor;
  private band: Band;
  private stdLog: boolean;
  private mean: LineChart | null = null;
  private std: LineChart | null = null;
  private readonly charts: HTMLDivElement;

  /**
   * @param ctx the run view's shared context.
   * @param tensor the tensor shown first.
   */
  constructor(private readonly ctx: PanelContext, tensor: Tensor = 'activation') {
    this.tensor = tensor;
    this.band = tensor === 'weight_grad' ? 'std' : 'p2p98';
    this.stdLog = tensor !== 'activation';
    this.charts = h('div', { class: 'pair' });
    const tensorSel = select(Object.entries(TENSOR_LABELS), tensor, (v) => {
      this.tensor = v as Tensor;
      this.build();
    }, { 'data-testid': 'stats-tensor' });
    const bandSel = select(Object.entries(BANDS).map(([k, b]) => [k, b.label]), this.band, (v) => {
      this.band = v as Band;
      this.draw();
    });
    const logBox = checkbox('log std axis', this.stdLog, (on) => {
      this.stdLog = on;
      this.build();
    });
    this.el = h('section', { class: 'panel', 'data-testid': 'panel-stats' },
      h('h3', {}, 'Per-layer statistics over updates'),
      h('div', { class: 'controls' }, tensorSel, ' band: ', bandSel, logBox),
      this.charts);
    this.build();
  }

  private name(stat: string): ScalarName {
    return `${this.tensor}.${stat}` as ScalarName;
  }

  /** Recreates the two charts (after a tensor, axis or log change), then draws. */
  private build(): void {
    this.mean?.destroy();
    this.std?.destroy();
    const xLabel = 'updates';
    const label = TENSOR_LABELS[this.tensor];
    this.mean = new LineChart({ title: `${label}: mean and band per layer`, xLabel, yLabel: label,
      xScale: this.ctx.xScale, sync: 'run', testid: 'chart-mean' });
    this.std = new LineChart({
      title: `${label}: standard deviation per layer`, xLabel, yLabel: 'std', xScale: this.ctx.xScale, yLog: this.stdLog, sync: 'run', testid: 'chart-std',
    });
    this.charts.replaceChildren(this.mean.el, this.std.el);
    this.mean.el.title = SCALAR_METRICS[this.name('mean')].definition;
    this.std.el.title = SCALAR_METRICS[this.name('std')].definition;
    this.draw();
  }

  private draw(): void {
    const run = this.ctx.run;
    const L = run.detail?.layers ?? 0;
    const meanBy = run.series(this.name('mean'));
    const layers = layersOf(meanBy);
    const b = BANDS[this.band];
    const inputs = layers.flatMap((l) => [meanBy.get(l), run.series(this.name(b.lo)).get(l),
      run.series(this.name(b.hi)).get(l), run.series(this.name('std')).get(l)])
      .map((s) => s ?? { updates: [], values: [] });
    const { x, cols } = align(inputs);
    const means: LineSeries[] = [];
    const stds: LineSeries[] = [];
    layers.forEach((l, i) => {
      const [m, lo, hi, sd] = cols.slice(4 * i, 4 * i + 4);
      const color = layerColor(l);
      const name = layerName(l, L);
      const band = this.band === 'std' ? { lo: zip(m, sd, (a, s) => a - s), hi: zip(m, sd, (a, s) => a + s) } : { lo, hi };
      means.push({ label: `${name} mean`, color, group: String(l), values: m, band });
      stds.push({ label: `${name} std`, color, group: String(l), values: sd });
    });
    this.mean?.setData(x, means);
    this.std?.setData(x, stds);
    this.applyLayers();
  }

  private applyLayers(): void {
    for (const c of [this.mean, this.std]) {
      for (let l = 1; l <= (this.ctx.run.detail?.layers ?? 0); l++) c?.setGroupVisible(String(l), !this.ctx.hiddenLayers.has(l));
    }
  }

  /** {@inheritDoc Panel.update} */
  update(change: string): void {
    if (change === 'scalars') this.draw();
    else if (change === 'layers') this.applyLayers();
    else if (change === 'xscale') this.build();
  }

  /** {@inheritDoc Panel.destroy} */
  destroy(): void {
    this.mean?.destroy();
    this.std?.destroy();
  }
}
