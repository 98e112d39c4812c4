/**
 * Histograms over time: for one tensor, a distribution view per layer (every probe point a column of
 * its exact stored bins) and, at the probe point the scrubber picks, every layer's histogram overlaid
 * as steps (Figs. 4, 6–8: activations, ∂C/∂s and ∂C/∂W, at init or at the end of training). Bins are
 * drawn as stored, never rebinned. The scrubber follows new probe points while it sits on the latest.
 */
import type { HistogramTensor } from '../../../../src/core/metrics.ts';
import { HISTOGRAM_METRICS } from '../../../../src/core/metrics.ts';
import { type Column, DistributionView } from '../../charts/distribution.ts';
import { LineChart } from '../../charts/lineChart.ts';
import { type HistNorm, NORM_LABELS, sameEdges, stepData } from '../../charts/steps.ts';
import { h, select, setText } from '../../dom.ts';
import type { HistogramSet } from '../../data/runData.ts';
import { HISTOGRAM_LABELS, int, layerColor, layerName, num } from '../../format.ts';
import type { Panel, PanelContext } from './common.ts';

/** The histogram panel of one run. */
export class HistogramPanel implements Panel {
  readonly el: HTMLElement;
  private tensor: HistogramTensor = 'activation';
  private norm: HistNorm | 'auto' = 'auto';
  private set: HistogramSet | null = null;
  private step = -1;
  private followLatest = true;
  private views = new Map<number, DistributionView>();
  private readonly grid: HTMLDivElement;
  private readonly scrubber: HTMLInputElement;
  private readonly stepLabel: HTMLSpanElement;
  private readonly steps: LineChart;
  private readonly note: HTMLParagraphElement;

  constructor(private readonly ctx: PanelContext) {
    const tensorSel = select(Object.entries(HISTOGRAM_LABELS), this.tensor, (v) => {
      this.tensor = v as HistogramTensor;
      this.load();
    }, { 'data-testid': 'hist-tensor' });
    const normSel = select([['auto', 'auto'], ...Object.entries(NORM_LABELS)], this.norm, (v) => {
      this.norm = v as HistNorm | 'auto';
      this.drawStep();
    });
    this.scrubber = h('input', { type: 'range', min: 0, max: 0, value: 0, step: 1, class: 'scrubber', 'data-testid': 'scrubber' });
    this.scrubber.addEventListener('input', () => {
      this.setStep(Number(this.scrubber.value));
      this.followLatest = this.step === (this.set?.updates.length ?? 0) - 1;
    });
    this.stepLabel = h('span', { class: 'step-label', 'data-testid': 'step-label' });
    this.grid = h('div', { class: 'grid' });
    this.steps = new LineChart({ title: 'every layer at the chosen probe point', xLabel: 'value', yLabel: NORM_LABELS.fraction, xScale: 'linear',
      stepped: true, xFormat: (v) => num(v, 3), testid: 'chart-steps', height: 260 });
    this.note = h('p', { class: 'note' });
    this.el = h('section', { class: 'panel', 'data-testid': 'panel-histograms' },
      h('h3', {}, 'Histograms over time (exact stored bins)'),
      h('div', { class: 'controls' }, tensorSel, ' scale: ', normSel),
      h('div', { class: 'controls' }, 'probe point ', this.scrubber, this.stepLabel),
      this.note, this.steps.el, this.grid);
    this.load();
  }

  private load(): void {
    const tensor = this.tensor;
    setText(this.note, `${HISTOGRAM_METRICS[tensor].definition}. Loading…`);
    void this.ctx.run.histograms(tensor).then((set) => {
      if (tensor !== this.tensor) return;
      this.show(set);
    }, () => {});
  }

  private show(set: HistogramSet): void {
    const first = this.set === null || this.set.updates.length === 0;
    this.set = set;
    const n = set.updates.length;
    const wide = this.tensor === 'backprop_grad' || this.tensor === 'weight_grad'
      ? '. The output layer\'s gradients span a far wider range than the hidden layers\': untick it above and the overlay rescales to the layers shown'
      : '';
    setText(this.note, n === 0 ? `No ${this.tensor} histograms recorded for this run yet.` : `${HISTOGRAM_METRICS[this.tensor].definition}${wide}`);
    this.scrubber.max = String(Math.max(0, n - 1));
    const layers = [...new Set(set.frames.flat().map((f) => f.layer))].sort((a, b) => a - b);
    for (const [l, v] of this.views) {
      if (!layers.includes(l)) {
        v.destroy();
        this.views.delete(l);
      }
    }
    const L = this.ctx.run.detail?.layers ?? 0;
    const children: HTMLElement[] = [];
    for (const l of layers) {
      let v = this.views.get(l);
      if (!v) this.views.set(l, (v = new DistributionView((i) => this.pickStep(i), `dist-${l}`)));
      const columns: Column[] = [];
      set.frames.forEach((fs, i) => {
        const f = fs.find((x) => x.layer === l);
        if (f) columns.push({ updates: set.updates[i], edges: f.edges, counts: f.counts, nonfinite: f.nan + f.posInf + f.negInf });
        else columns.push({ updates: set.updates[i], edges: [], counts: [], nonfinite: 0 });
      });
      v.setColumns(layerName(l, L), columns);
      v.el.hidden = this.ctx.hiddenLayers.has(l);
      children.push(v.el);
    }
    this.grid.replaceChildren(...children);
    const target = this.followLatest || first ? n - 1 : Math.min(this.step, n - 1);
    this.setStep(first && n > 0 ? n - 1 : target, true);
  }

  private pickStep(i: number): void {
    this.followLatest = i === (this.set?.updates.length ?? 0) - 1;
    this.setStep(i);
  }

  /** Moves every marker and redraws the step chart (the scrubber's hot path). */
  private setStep(i: number, force = false): void {
    if (i === this.step && !force) return;
    this.step = i;
    this.scrubber.value = String(i);
    for (const v of this.views.values()) v.setStep(i);
    this.drawStep();
  }

  private drawStep(): void {
    const set = this.set;
    const frames = set && this.step >= 0 ? set.frames[this.step] ?? [] : [];
    const L = this.ctx.run.detail?.layers ?? 0;
    const u = set && this.step >= 0 ? set.updates[this.step] : null;
    setText(this.stepLabel, u === null ? 'no probe point yet' : `update ${int(u)} (${this.step + 1} of ${set!.updates.length})`);
    this.el.dataset.step = u === null ? '' : String(u);
    const norm: HistNorm = this.norm !== 'auto' ? this.norm : sameEdges(frames) ? 'fraction' : 'density';
    const { x, ys } = stepData(frames, norm);
    this.steps.setYLabel(NORM_LABELS[norm]); // the axis says what it shows: fraction per bin, density or count
    this.steps.setData(x, frames.map((f, i) => ({ label: layerName(f.layer, L), color: layerColor(f.layer), group: String(f.layer), values: ys[i] })));
    for (const f of frames) this.steps.setGroupVisible(String(f.layer), !this.ctx.hiddenLayers.has(f.layer));
    this.steps.el.querySelector('.chart-title')!.textContent = `every layer at update ${u === null ? '–' : int(u)} · ${NORM_LABELS[norm]}`;
  }

  /** {@inheritDoc Panel.update} */
  update(change: string): void {
    if (change === 'histograms' || change === 'detail' && this.set === null) this.load();
    else if (change === 'layers') {
      for (const [l, v] of this.views) v.el.hidden = this.ctx.hiddenLayers.has(l);
      this.drawStep();
    }
  }

  /** {@inheritDoc Panel.destroy} */
  destroy(): void {
    for (const v of this.views.values()) v.destroy();
    this.steps.destroy();
  }
}
