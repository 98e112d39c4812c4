/**
 * One run: its header (status, progress, rate, time left, errors, alarms, configuration as stored),
 * the layer toggles and x-axis mode every panel follows, and the panels — statistics over updates
 * (Figs. 2, 3, 9 and 10), histograms over time (Figs. 4, 6–8), error curves (Figs. 11–12), saturation,
 * and theory beside measurement at init (eqs. (5)–(7), (17)). Everything redraws as probe points arrive.
 */
import { checkbox, h, replaceChildren } from '../dom.ts';
import type { RunChange, RunData } from '../data/runData.ts';
import { int, layerColor, layerName, num, pct } from '../format.ts';
import { alarmBadges, type AppContext, errorBox, progress, statusBadge, timeLeft, type View } from './common.ts';
import type { Panel, PanelContext } from './panels/common.ts';
import { ErrorPanel, SaturationPanel } from './panels/curves.ts';
import { HistogramPanel } from './panels/histograms.ts';
import { InitPanel } from './panels/init.ts';
import { FIRST_STATISTICS, StatsPanel } from './panels/stats.ts';

/** The run view. */
export class RunView implements View {
  readonly el: HTMLElement;
  private readonly run: RunData;
  private readonly header = h('div', { class: 'run-header' });
  private readonly toggles = h('div', { class: 'controls toggles', 'data-testid': 'layer-toggles' });
  private readonly body = h('div', { class: 'panels' });
  private readonly config = h('details', { class: 'config' });
  private panels: Panel[] = [];
  private readonly ctx: { run: RunData; hiddenLayers: Set<number>; xScale: 'asinh' | 'linear' };
  private readonly off: () => void;
  private togglesFor = -1;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  /** A snapshot: nothing here is live. */
  private readonly frozen: boolean;

  constructor(app: AppContext, id: string) {
    this.frozen = app.source.kind === 'snapshot';
    this.run = app.cache.get(id, FIRST_STATISTICS);
    this.ctx = { run: this.run, hiddenLayers: new Set(), xScale: 'asinh' };
    this.el = h('div', { class: 'view run-view' }, this.header, this.toggles, this.config, this.body);
    this.off = this.run.onChange((c) => this.changed(c));
    if (this.run.detail) this.start();
    else if (this.run.error) this.changed('error');
    else replaceChildren(this.header, h('p', { class: 'note' }, `Loading run ${id}…`));
  }

  /**
   * Draws the header and the statistics panel at once, then adds the other panels one at a time,
   * each after a frame, so the first chart is painted before the histograms' canvases are drawn.
   */
  private start(): void {
    const ctx: PanelContext = this.ctx;
    const later = [(): Panel => new HistogramPanel(ctx), (): Panel => new ErrorPanel(ctx),
      (): Panel => new SaturationPanel(ctx), (): Panel => new InitPanel(ctx)];
    this.drawHeader();
    this.add(new StatsPanel(ctx));
    // each panel in a task after the next frame: the one before it is painted first
    const next = (): void => {
      const make = later.shift();
      if (!make || this.destroyed) return;
      this.add(make());
      requestAnimationFrame(() => (this.timer = setTimeout(next, 0)));
    };
    // the first one a frame later still: the statistics charts draw in a microtask (uPlot commits
    // then), so a callback asked for now would run before theirs and build a panel before they show
    requestAnimationFrame(() => requestAnimationFrame(() => (this.timer = setTimeout(next, 0))));
  }

  private add(panel: Panel): void {
    this.panels.push(panel);
    this.body.appendChild(panel.el);
  }

  private changed(change: RunChange): void {
    if (change === 'error' && this.run.error) {
      if (this.panels.length === 0) replaceChildren(this.header, errorBox(this.run.error));
      return;
    }
    if (this.panels.length === 0) {
      if (this.run.detail && change === 'detail') this.start();
      return;
    }
    if (change === 'detail') this.drawHeader();
    for (const p of this.panels) p.update(change);
  }

  private drawHeader(): void {
    const d = this.run.detail!;
    replaceChildren(this.header,
      h('h2', {}, h('span', { 'data-testid': 'run-id' }, d.id), ' ', statusBadge(d, this.frozen), alarmBadges(d.alarms)),
      h('div', { class: 'facts' },
        h('span', {}, `${d.dataset} · ${d.activation} · ${d.init} init · hidden ${d.hidden.join('-')} · lr ${num(d.learningRate)} · seed ${d.seed}`),
        h('span', {}, progress(d)),
        h('span', { 'data-testid': 'latest-update', 'data-updates': d.updates ?? '' },
          `${d.probePoints.length} probe points · latest update ${int(d.updates)}`),
        h('span', {}, `rate ${d.rate === null ? '–' : `${num(d.rate, 3)} updates/s`} · left ${timeLeft(d.secondsLeft, this.frozen)}`),
        h('span', {}, `test error ${pct(d.testError)} · validation ${pct(d.validationError)}`)),
      d.statusDetail ? h('p', { class: 'note' }, d.statusDetail) : null,
      ...d.alarms.map((a) => h('p', { class: 'alarm-line' }, `⚠ ${a.message}`)));
    this.drawConfig();
    if (this.togglesFor !== d.layers) this.drawToggles(d.layers);
  }

  private drawConfig(): void {
    const d = this.run.detail!;
    const rows = Object.entries(d.config).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, typeof v === 'string' ? v : JSON.stringify(v))));
    const versions = Object.entries(d.versions).map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
    const open = this.config.open;
    replaceChildren(this.config,
      h('summary', {}, 'configuration as recorded'),
      h('table', { class: 'data kv', 'data-testid': 'config' }, h('tbody', {}, ...rows)),
      h('p', { class: 'note' }, `backend ${d.backend}, ${d.threads} thread(s) · created ${d.createdAt} · ${versions}`));
    this.config.open = open;
  }

  private drawToggles(layers: number): void {
    this.togglesFor = layers;
    const boxes = Array.from({ length: layers }, (_, i) => i + 1).map((l) =>
      checkbox(h('span', { class: 'swatch-text', style: `border-color:${layerColor(l)}` }, layerName(l, layers)), !this.ctx.hiddenLayers.has(l), (on) => {
        if (on) this.ctx.hiddenLayers.delete(l);
        else this.ctx.hiddenLayers.add(l);
        for (const p of this.panels) p.update('layers');
      }, { 'data-layer': l }));
    const axis = checkbox('log update axis (early probe points spread out)', this.ctx.xScale === 'asinh', (on) => {
      this.ctx.xScale = on ? 'asinh' : 'linear';
      for (const p of this.panels) p.update('xscale');
    });
    replaceChildren(this.toggles, h('span', { class: 'label' }, 'layers: '), ...boxes, h('span', { class: 'sep' }), axis);
  }

  /** {@inheritDoc View.destroy} */
  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.timer);
    this.off();
    for (const p of this.panels) p.destroy();
  }
}
