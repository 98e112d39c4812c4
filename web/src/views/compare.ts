/**
 * Compare: the same layer and statistic of 2–20 runs overlaid at the same updates (standard vs
 * normalized, tanh vs softsign), or their test / validation / train error and cost curves (Figs.
 * 11–12), on a linear or log value axis; and the same layer's histogram of each run at a scrubbed
 * update U — each run's curve from its nearest stored probe point ≤ U, the legend naming that update,
 * runs without one listed as "not yet at U". The choice lives in the URL
 * (`#/compare?runs=a,b&stat=…&layer=…&tensor=…`), so a comparison can be linked.
 */
import { type HistogramTensor, isScalarName } from '../../../src/core/metrics.ts';
import { LineChart } from '../charts/lineChart.ts';
import { type HistNorm, NORM_LABELS, sameEdges, stepData } from '../charts/steps.ts';
import { checkbox, h, replaceChildren, select, setText } from '../dom.ts';
import type { RunData } from '../data/runData.ts';
import type { HistogramFrame } from '../data/source.ts';
import { HISTOGRAM_LABELS, int, num, runColor } from '../format.ts';
import { type AppContext, type View } from './common.ts';
import { align } from '../data/align.ts';
import { MAX_COMPARED } from './runs.ts';
import { type CompareStat, compareStatOptions, defaultLogY, histogramPicks, isCompareStat, isNetworkStat, statInfo, statSeries } from './compareData.ts';

/** The compare view. */
export class CompareView implements View {
  readonly el: HTMLElement;
  private ids: string[];
  private runs: RunData[] = [];
  private stat: CompareStat;
  /** The user's value-axis choice; null: {@link defaultLogY} decides from the data. */
  private yLog: boolean | null = null;
  private curveLog = false;
  private readonly logY: HTMLLabelElement;
  private readonly notYet = h('p', { class: 'note', 'data-testid': 'compare-not-yet', hidden: true });
  private layer: number;
  private tensor: HistogramTensor;
  private norm: HistNorm | 'auto' = 'auto';
  private xScale: 'asinh' | 'linear' = 'asinh';
  private request = 0;
  /** Runs the user unticked: kept in the comparison, not drawn. */
  private readonly hidden = new Set<string>();
  private points: number[] = [];
  private step = -1;
  private follow = true;
  private curve!: LineChart;
  private readonly hist: LineChart;
  private readonly chips = h('div', { class: 'chips', 'data-testid': 'compare-runs' });
  private readonly layerBox = h('span', {});
  private readonly curveBox = h('div', {});
  private readonly scrubber = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, class: 'scrubber', 'data-testid': 'compare-scrubber' });
  private readonly stepLabel = h('span', { class: 'step-label' });
  private offs: (() => void)[] = [];
  private frame = 0;
  private histFrame = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  private prefetched = '';

  constructor(private readonly app: AppContext, params: URLSearchParams) {
    // each run once: a repeated id would count towards the cap and draw the same run twice
    this.ids = [...new Set((params.get('runs') ?? [...app.selection].join(',')).split(',').filter((s) => s !== ''))].slice(0, MAX_COMPARED);
    const stat = params.get('stat') ?? 'activation.std';
    this.stat = isCompareStat(stat) ? stat : 'activation.std';
    this.layer = Number(params.get('layer') ?? 1) || 1;
    const tensor = params.get('tensor') ?? 'activation';
    this.tensor = (Object.hasOwn(HISTOGRAM_LABELS, tensor) ? tensor : 'activation') as HistogramTensor;
    const statSel = select(compareStatOptions(), this.stat, (v) => {
      this.stat = v as CompareStat;
      this.yLog = null;
      this.save();
      this.drawCurves();
    }, { 'data-testid': 'compare-stat' });
    const tensorSel = select(Object.entries(HISTOGRAM_LABELS), this.tensor, (v) => {
      this.tensor = v as HistogramTensor;
      this.save();
      this.loadHistograms();
    });
    const normSel = select([['auto', 'auto'], ...Object.entries(NORM_LABELS)], this.norm, (v) => {
      this.norm = v as HistNorm | 'auto';
      this.drawHistograms();
    });
    const logX = checkbox('log update axis', true, (on) => {
      this.xScale = on ? 'asinh' : 'linear';
      this.buildCurve();
    });
    this.scrubber.addEventListener('input', () => {
      this.step = Number(this.scrubber.value);
      this.follow = this.step === this.points.length - 1;
      this.drawHistograms();
    });
    this.logY = checkbox('log value axis', false, (on) => {
      this.yLog = on;
      this.drawCurves();
    }, { 'data-testid': 'compare-log-y' });
    this.hist = new LineChart({ title: 'histograms', xLabel: 'value', yLabel: NORM_LABELS.fraction, xScale: 'linear',
      stepped: true, xFormat: (v) => num(v, 3), testid: 'compare-hist', height: 280 });
    this.el = h('div', { class: 'view compare-view' },
      this.chips,
      h('div', { class: 'controls' }, 'statistic ', statSel, ' layer ', this.layerBox, logX, this.logY),
      this.curveBox,
      h('div', { class: 'controls' }, 'histogram ', tensorSel, ' scale ', normSel, ' probe point ', this.scrubber, this.stepLabel),
      this.notYet,
      this.hist.el);
    this.buildCurve();
    this.setRuns(this.ids);
  }

  /** Writes the choice into the URL, once the user has paused (history.replaceState costs ≈ 5 ms). */
  private save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      const q = new URLSearchParams({ runs: this.ids.join(','), stat: this.stat, layer: String(this.layer), tensor: this.tensor });
      history.replaceState(null, '', `#/compare?${q.toString().replace(/%2C/g, ',')}`);
    }, 300);
  }

  /**
   * Reads every compared run's whole tensor in the background, one run at a time when the page is
   * idle, so that after the first seconds scrubbing needs no request at all (until then each new
   * probe point costs one small read per run). `data-settled` on the view names the tensor once every
   * run's statistics and that tensor are loaded.
   */
  private prefetch(): void {
    const tensor = this.tensor;
    const ids = this.ids.join(',');
    const runs = [...this.runs];
    delete this.el.dataset.settled;
    const next = (): void => {
      if (this.destroyed || tensor !== this.tensor || ids !== this.ids.join(',')) return;
      const run = runs.shift();
      if (!run) {
        // every run's statistics and this tensor are in: from now on nothing waits for the network
        void Promise.all(this.runs.map((r) => r.load())).then(() => {
          if (tensor === this.tensor && ids === this.ids.join(',')) this.el.dataset.settled = tensor;
        });
        return;
      }
      void run.histograms(tensor).catch(() => undefined).then(() => requestIdleCallback(next, { timeout: 1000 }));
    };
    requestIdleCallback(next, { timeout: 1000 });
  }

  private setRuns(ids: string[]): void {
    for (const off of this.offs) off();
    this.ids = ids;
    this.runs = ids.map((id) => this.app.cache.get(id, isScalarName(this.stat) ? [this.stat] : []));
    this.offs = this.runs.map((r) => r.onChange((c) => {
      if (c === 'scalars' || c === 'detail' || c === 'error') this.schedule();
      if (c === 'detail') this.scheduleHistograms();
    }));
    this.save();
    void this.drawChips();
    this.schedule();
    this.loadHistograms();
  }

  /** Coalesces the scrubber's refreshes after new probe points into one per animation frame. */
  private scheduleHistograms(): void {
    if (this.histFrame) return;
    this.histFrame = requestAnimationFrame(() => {
      this.histFrame = 0;
      this.loadHistograms();
    });
  }

  /** Coalesces redraws of many runs' changes into one animation frame. */
  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawLayers();
      this.drawCurves();
    });
  }

  private async drawChips(): Promise<void> {
    const all = await this.app.source.runs().catch(() => null);
    /** Why `id` cannot be drawn: not in the record (once the run list is known), or its last read error. */
    const problem = (id: string): string | null =>
      all !== null && !all.some((r) => r.id === id) ? `no run "${id}" in the record` : (this.runs.find((r) => r.id === id)?.error ?? null);
    const chips = this.ids.map((id, i) => h('span', { class: problem(id) === null ? 'chip' : 'chip error', 'data-run': id },
      checkbox(h('span', {}, h('i', { class: 'swatch', style: `background:${runColor(i)}` }), id), !this.hidden.has(id), (on) => {
        if (on) this.hidden.delete(id);
        else this.hidden.add(id);
        this.applyHidden();
      }, { title: 'show or hide this run' }),
      h('a', { href: `#/run/${encodeURIComponent(id)}`, title: 'open this run' }, '↗'),
      h('button', { type: 'button', title: 'remove from the comparison', onclick: () => this.setRuns(this.ids.filter((x) => x !== id)) }, '×'),
      problem(id) === null ? null : h('span', { class: 'note', 'data-testid': 'compare-problem' }, problem(id))));
    const others = (all ?? []).filter((r) => !this.ids.includes(r.id));
    const add = this.ids.length < MAX_COMPARED && others.length > 0
      ? select([['', 'add a run…'], ...others.map((r) => [r.id, r.id] as const)], '', (v) => v && this.setRuns([...this.ids, v]))
      : null;
    replaceChildren(this.chips, this.ids.length < 2 ? h('p', { class: 'note' }, 'Tick 2 to 20 runs in the run list, or add them here.') : null, ...chips, add);
  }

  private drawLayers(): void {
    const L = Math.max(0, ...this.runs.map((r) => r.detail?.layers ?? 0));
    const options: [string, string][] = Array.from({ length: L }, (_, i) => [String(i + 1), `layer ${i + 1}`]);
    options.push(['-1', 'network']);
    // only once some run's layers are known: before, every layer but "network" looks unknown and the
    // URL's layer=2 became layer 1
    if (L > 0 && !options.some(([v]) => Number(v) === this.layer)) this.layer = 1;
    if (L === 0 && !options.some(([v]) => Number(v) === this.layer)) options.unshift([String(this.layer), `layer ${this.layer}`]);
    replaceChildren(this.layerBox, select(options, String(this.layer), (v) => {
      this.layer = Number(v);
      this.save();
      this.drawCurves();
      this.drawHistograms();
    }, { 'data-testid': 'compare-layer' }));
  }

  private applyHidden(): void {
    for (const id of this.ids) {
      this.curve.setGroupVisible(id, !this.hidden.has(id));
      this.hist.setGroupVisible(id, !this.hidden.has(id));
    }
  }

  private buildCurve(): void {
    this.curve?.destroy();
    this.curve = new LineChart({ title: '', xLabel: 'updates', yLabel: statInfo(this.stat).label, xScale: this.xScale, yLog: this.curveLog,
      testid: 'compare-curve', height: 300 });
    this.curve.el.dataset.yScale = this.curveLog ? 'log' : 'linear';
    this.curveBox.replaceChildren(this.curve.el);
    this.drawCurves();
  }

  private drawCurves(): void {
    const a = align(this.runs.map((r) => statSeries(r, this.stat, this.layer)));
    const log = this.yLog ?? defaultLogY(this.stat, a.cols);
    const info = statInfo(this.stat);
    if (log !== this.curveLog || this.curve.yLabel !== info.label) {
      this.curveLog = log;
      this.buildCurve(); // the value axis and its label are fixed when a chart is made
      return;
    }
    this.logY.querySelector('input')!.checked = log;
    const where = isNetworkStat(this.stat) ? 'network' : `layer ${this.layer === -1 ? 'network' : this.layer}`;
    setText(this.curve.el.querySelector('.chart-title')!, `${info.label}, ${where}${log ? ' (log axis)' : ''} — ${info.definition}`);
    this.curve.setData(a.x, this.runs.map((r, i) => ({ label: r.id, color: runColor(i), group: r.id, values: a.cols[i] })));
    this.applyHidden();
  }

  /** Recomputes the scrubber's probe points (every run's, merged) and redraws the histograms. */
  private loadHistograms(): void {
    this.points = [...new Set(this.runs.flatMap((r) => r.detail?.probePoints ?? []))].sort((a, b) => a - b);
    this.scrubber.max = String(Math.max(0, this.points.length - 1));
    if (this.follow || this.step >= this.points.length) this.step = this.points.length - 1;
    this.scrubber.value = String(this.step);
    this.drawHistograms();
  }

  /**
   * Each run's frame of the layer at its nearest stored probe point ≤ `u` (one small read per run,
   * cached), the runs without such a point, and those whose record has no frame of this layer there;
   * resolves only for the latest request, so a fast scrub draws the last position.
   */
  private async framesAt(u: number): Promise<{ found: { run: RunData; index: number; frame: HistogramFrame }[]; notYet: string[]; missing: string[] } | null> {
    const token = ++this.request;
    const tensor = this.tensor;
    const layer = this.layer;
    const { picks, notYet } = histogramPicks(this.runs.map((r) => ({ id: r.id, points: r.detail?.probePoints ?? [] })), u);
    const read = await Promise.all(picks.map(async ({ index, at }) => {
      const run = this.runs[index];
      const frame = (await run.framesAt(tensor, at).catch(() => [])).find((f) => f.layer === layer);
      return { run, index, frame };
    }));
    if (token !== this.request) return null;
    const found = read.flatMap((r) => (r.frame ? [{ run: r.run, index: r.index, frame: r.frame }] : []));
    return { found, notYet: [...notYet], missing: read.filter((r) => !r.frame).map((r) => r.run.id) };
  }

  private drawHistograms(): void {
    const u = this.points[this.step];
    setText(this.stepLabel, u === undefined ? 'no probe points' : `update ${int(u)}`);
    if (u === undefined) return;
    void this.framesAt(u).then((got) => {
      if (got === null) return;
      const { found, notYet, missing } = got;
      const key = `${this.tensor}|${this.ids.join(',')}`;
      if (this.prefetched !== key) {
        this.prefetched = key;
        this.prefetch();
      }
      const norm: HistNorm = this.norm !== 'auto' ? this.norm : sameEdges(found.map((f) => f.frame)) ? 'fraction' : 'density';
      const { x, ys } = stepData(found.map((f) => f.frame), norm);
      this.hist.setYLabel(NORM_LABELS[norm]);
      // the legend names the probe point each curve is from: the nearest stored one ≤ U
      this.hist.setData(x, found.map((f, i) => ({
        label: `${f.run.id} · update ${int(f.frame.updates)}`, color: runColor(f.index), group: f.run.id, values: ys[i],
      })));
      this.applyHidden();
      const lines = [
        notYet.length > 0 ? `not yet at update ${int(u)} (no probe point ≤ ${int(u)}): ${notYet.join(', ')}` : '',
        missing.length > 0 ? `no ${HISTOGRAM_LABELS[this.tensor]} histogram of layer ${this.layer} recorded: ${missing.join(', ')}` : '',
      ].filter((t) => t !== '');
      setText(this.notYet, lines.join(' · '));
      this.notYet.hidden = lines.length === 0;
      setText(this.hist.el.querySelector('.chart-title')!,
        `${HISTOGRAM_LABELS[this.tensor]}, layer ${this.layer} at update ${int(u)}: each run at its nearest probe point ≤ ${int(u)} · ${NORM_LABELS[norm]}`);
      this.el.dataset.histStep = String(u);
    });
  }

  /** {@inheritDoc View.destroy} */
  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.saveTimer);
    for (const off of this.offs) off();
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.histFrame) cancelAnimationFrame(this.histFrame);
    this.curve.destroy();
    this.hist.destroy();
  }
}
