/**
 * Two simple panels of one run: the error curves (test / validation / train error and cost over
 * updates, Figs. 11–12; the paper's x axis is examples seen = updates × minibatch) and each hidden
 * layer's saturated fraction over updates (`activation.saturated`: f′(s) below a tenth of its largest
 * value, Figs. 3–4).
 */
import { SCALAR_METRICS } from '../../../../src/core/metrics.ts';
import { LineChart, type LineSeries } from '../../charts/lineChart.ts';
import { h } from '../../dom.ts';
import { layerColor, layerName } from '../../format.ts';
import { align, layersOf } from '../../data/align.ts';
import type { Panel, PanelContext } from './common.ts';

const SPLIT_COLORS: Readonly<Record<string, string>> = { test: '#d62728', validation: '#1f77b4', train: '#7f7f7f' };

/** Test, validation and train error and cost over updates (Figs. 11–12). */
export class ErrorPanel implements Panel {
  readonly el: HTMLElement;
  private err!: LineChart;
  private nll!: LineChart;
  private readonly pair = h('div', { class: 'pair' });

  constructor(private readonly ctx: PanelContext) {
    this.el = h('section', { class: 'panel', 'data-testid': 'panel-errors' }, h('h3', {}, 'Error and cost over updates (Figs. 11–12)'), this.pair);
    this.build();
  }

  private build(): void {
    this.err?.destroy();
    this.nll?.destroy();
    this.err = new LineChart({ title: 'classification error (%)', xLabel: 'updates', yLabel: 'error %',
      xScale: this.ctx.xScale, sync: 'run', testid: 'chart-error' });
    this.nll = new LineChart({ title: 'cost: negative log-likelihood (nats)', xLabel: 'updates', yLabel: 'nats',
      xScale: this.ctx.xScale, sync: 'run', testid: 'chart-nll' });
    this.pair.replaceChildren(this.err.el, this.nll.el);
    this.draw();
  }

  private draw(): void {
    const order = ['test', 'validation', 'train'];
    const ev = [...this.ctx.run.evaluations].sort((a, b) => order.indexOf(a.split) - order.indexOf(b.split));
    const loss = this.ctx.run.series('probe.loss').get(-1);
    const a = align(ev.map((e) => ({ updates: e.updates, values: e.errorRate })));
    this.err.setData(a.x, ev.map((e, i) => ({ label: e.split, color: SPLIT_COLORS[e.split] ?? '#333', group: e.split, values: a.cols[i] })));
    const b = align([...ev.map((e) => ({ updates: e.updates, values: e.nll })), ...(loss ? [loss] : [])]);
    const lines: LineSeries[] = ev.map((e, i) => ({ label: `${e.split} nll`, color: SPLIT_COLORS[e.split] ?? '#333', group: e.split, values: b.cols[i] }));
    if (loss) lines.push({ label: 'probe-set loss', color: '#9467bd', group: 'probe', values: b.cols[ev.length], dash: [4, 3] });
    this.nll.setData(b.x, lines);
  }

  /** {@inheritDoc Panel.update} */
  update(change: string): void {
    if (change === 'evaluations' || change === 'scalars') this.draw();
    else if (change === 'xscale') this.build();
  }

  /** {@inheritDoc Panel.destroy} */
  destroy(): void {
    this.err.destroy();
    this.nll.destroy();
  }
}

/** Each hidden layer's saturated fraction over updates. */
export class SaturationPanel implements Panel {
  readonly el: HTMLElement;
  private chart!: LineChart;
  private readonly box = h('div', {});

  private readonly sigmoidNote = h('p', { class: 'note', 'data-testid': 'sigmoid-note', hidden: true },
    'Sigmoid: Fig. 2\'s saturation of the top hidden layer — its activations driven toward 0 — is not counted by this rule: at z ≈ 0.045–0.05, ' +
    'f′ = z(1 − z) is still 0.17–0.19 × its largest slope (the cut is z < 0.026), so it reads ≈ 0 % here. The run\'s alarm flags it by the ' +
    'top layer\'s mean activation (the rule of the job\'s check phenomenon.sigmoid-collapse, named in the alarm); the activations\' mean ' +
    'in the statistics panel shows it.');

  constructor(private readonly ctx: PanelContext) {
    // "saturated" here is the probe's f′ rule; the page's other uses name theirs (alarms, each check's row)
    this.el = h('section', { class: 'panel', 'data-testid': 'panel-saturation' },
      h('h3', {}, 'Saturated units per layer: f′(s) < 0.1 × the largest slope'),
      h('p', { class: 'note', 'data-testid': 'saturation-rule' }, `Rule: ${SCALAR_METRICS['activation.saturated'].definition}. ` +
        'The alarms use this rule; the reproduce job\'s checks judge saturation by their own rules, each named in its row.'),
      this.sigmoidNote,
      this.box);
    this.build();
  }

  private build(): void {
    this.chart?.destroy();
    this.chart = new LineChart({ title: 'saturated fraction (%)', xLabel: 'updates', yLabel: '% saturated',
      xScale: this.ctx.xScale, sync: 'run', testid: 'chart-saturation' });
    this.box.replaceChildren(this.chart.el);
    this.draw();
  }

  private draw(): void {
    this.sigmoidNote.hidden = this.ctx.run.detail?.activation !== 'sigmoid';
    const by = this.ctx.run.series('activation.saturated');
    const layers = layersOf(by);
    const a = align(layers.map((l) => by.get(l)!));
    const L = this.ctx.run.detail?.layers ?? 0;
    this.chart.setData(a.x, layers.map((l, i) => ({
      label: layerName(l, L), color: layerColor(l), group: String(l), values: a.cols[i].map((v) => (v === null ? null : 100 * v)),
    })));
    for (const l of layers) this.chart.setGroupVisible(String(l), !this.ctx.hiddenLayers.has(l));
  }

  /** {@inheritDoc Panel.update} */
  update(change: string): void {
    if (change === 'scalars' || change === 'layers') this.draw();
    else if (change === 'xscale') this.build();
  }

  /** {@inheritDoc Panel.destroy} */
  destroy(): void {
    this.chart.destroy();
  }
}
