/**
 * The state at initialization, theory beside measurement: per layer, the variances eqs. (5)–(7)
 * predict (`theory.*`, linear theory fed the measured input second moment and top-layer gradient)
 * beside the measured ones (Var[z] = activation.std², Var[∂C/∂s] = backprop_grad.std², one example's
 * Var[∂C/∂W] = weight_grad.per_example_var), and the Jacobian J = ∂z^k/∂z^{k−1}'s singular values
 * (eq. (17)) with the random-matrix prediction for W alone. Read from the record at the first probe
 * point that holds them; the ratios are the report's variance check (src/report/checks/init.ts).
 */
import type { ScalarName } from '../../../../src/core/metrics.ts';
import { LineChart, type LineSeries } from '../../charts/lineChart.ts';
import { h, replaceChildren, select } from '../../dom.ts';
import { int, layerName, num } from '../../format.ts';
import type { Panel, PanelContext } from './common.ts';

/** A quantity of eqs. (5)–(7): its measured scalar (squared when a std) and its prediction. */
const QUANTITIES = [
  { key: 'activation', label: 'Var[z] (eq. (5))', measured: 'activation.std', squared: true, theory: 'theory.activation.var', color: '#1f77b4' },
  {
    key: 'backprop_grad', label: 'Var[∂C/∂s] (eq. (6))', measured: 'backprop_grad.std', squared: true, theory: 'theory.backprop_grad.var',
    color: '#d62728',
  },
  { key: 'weight_grad', label: 'Var[∂C/∂W] (eq. (7))', measured: 'weight_grad.per_example_var', squared: false,
    theory: 'theory.weight_grad.var', color: '#2ca02c' },
] as const;

const JACOBIAN = [
  { name: 'jacobian.sv_min', label: 'smallest', color: '#8c564b', dash: undefined },
  { name: 'jacobian.sv_mean', label: 'mean', color: '#1f77b4', dash: undefined },
  { name: 'jacobian.sv_max', label: 'largest', color: '#ff7f0e', dash: undefined },
  { name: 'theory.jacobian.sv_mean', label: 'theory mean (W alone)', color: '#1f77b4', dash: [5, 4] },
] as const;

/** Theory vs measurement at init, and the Jacobian's singular values. */
export class InitPanel implements Panel {
  readonly el: HTMLElement;
  private readonly variance = new LineChart({ title: 'variance per layer at init: measured (solid) vs linear theory (dashed)',
    xLabel: 'layer', yLabel: 'variance', xScale: 'layer', yLog: true, testid: 'chart-theory' });
  private readonly jacobian = new LineChart({ title: 'Jacobian singular values per layer (eq. (17))',
    xLabel: 'layer', yLabel: 'singular value', xScale: 'layer', testid: 'chart-jacobian' });
  private readonly table = h('div', { class: 'table-wrap' });
  private readonly jacobianControls = h('div', { class: 'controls' });
  private jacobianAt: number | null = null;

  constructor(private readonly ctx: PanelContext) {
    this.el = h('section', { class: 'panel', 'data-testid': 'panel-init' },
      h('h3', {}, 'At initialization: theory beside measurement (eqs. (5)–(7), (17))'),
      h('div', { class: 'pair' }, this.variance.el, h('div', {}, this.jacobianControls, this.jacobian.el)),
      this.table);
    this.draw();
  }

  private at(name: ScalarName, layer: number, updates: number): number | null {
    return this.ctx.run.valueAt(name, layer, updates);
  }

  private draw(): void {
    const run = this.ctx.run;
    const L = run.detail?.layers ?? 0;
    const theoryPoints = run.series('theory.activation.var').get(1)?.updates ?? [];
    const u0 = theoryPoints.length > 0 ? theoryPoints[0] : (run.detail?.probePoints[0] ?? 0);
    const layers = Array.from({ length: L }, (_, i) => i + 1);
    const lines: LineSeries[] = [];
    for (const q of QUANTITIES) {
      const measured = layers.map((l) => {
        const v = this.at(q.measured as ScalarName, l, u0);
        return v === null ? null : q.squared ? v * v : v;
      });
      const theory = layers.map((l) => this.at(q.theory as ScalarName, l, u0));
      lines.push({ label: `${q.label} measured`, color: q.color, group: q.key, values: measured, points: true, width: 2 });
      lines.push({ label: `${q.label} theory`, color: q.color, group: q.key, values: theory, points: true, dash: [5, 4] });
    }
    this.variance.setData(layers, lines);
    this.drawTable(layers, L, u0, lines);
    this.drawJacobian(L);
  }

  private drawTable(layers: number[], L: number, u0: number, lines: LineSeries[]): void {
    const head = h('tr', {}, h('th', {}, 'layer'),
      ...QUANTITIES.flatMap((q) => [h('th', {}, `${q.label} measured`), h('th', {}, 'theory'), h('th', {}, 'ratio')]));
    const rows = layers.map((l, i) => h('tr', {}, h('td', {}, layerName(l, L)), ...QUANTITIES.flatMap((_, k) => {
      const m = lines[2 * k].values[i];
      const t = lines[2 * k + 1].values[i];
      return [h('td', { class: 'num' }, num(m)), h('td', { class: 'num' }, num(t)),
        h('td', { class: 'num' }, m !== null && t !== null && t !== 0 ? num(m / t, 3) : '–')];
    })));
    const has = lines.some((s) => s.values.some((v) => v !== null));
    replaceChildren(this.table, has
      ? h('table', { class: 'data', 'data-testid': 'theory-table' }, h('caption', {}, `at update ${int(u0)}`), h('thead', {}, head), h('tbody', {}, ...rows))
      : h('p', { class: 'note' }, 'No probe point with these statistics yet.'));
  }

  private drawJacobian(L: number): void {
    const run = this.ctx.run;
    const points = [...new Set([...run.series('jacobian.sv_mean').values()].flatMap((s) => s.updates))].sort((a, b) => a - b);
    if (this.jacobianAt === null || !points.includes(this.jacobianAt)) this.jacobianAt = points[0] ?? null;
    replaceChildren(this.jacobianControls, points.length > 1
      ? h('span', {}, 'at update ', select(points.map((p) => [String(p), int(p)]), String(this.jacobianAt), (v) => {
        this.jacobianAt = Number(v);
        this.drawJacobian(L);
      }))
      : points.length === 1 ? `at update ${int(points[0])}` : 'no Jacobian recorded (--jacobian-examples 0?)');
    const layers = Array.from({ length: Math.max(0, L - 1) }, (_, i) => i + 1);
    const u = this.jacobianAt;
    this.jacobian.setData(layers, JACOBIAN.map((j) => ({
      label: j.label, color: j.color, group: j.name, dash: j.dash, points: true,
      values: layers.map((l) => (u === null ? null : this.at(j.name, l, u))),
    })));
  }

  /** {@inheritDoc Panel.update} */
  update(change: string): void {
    if (change === 'scalars') this.draw();
  }

  /** {@inheritDoc Panel.destroy} */
  destroy(): void {
    this.variance.destroy();
    this.jacobian.destroy();
  }
}
