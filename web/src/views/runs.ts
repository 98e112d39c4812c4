/**
 * The run list: every run's status, progress, rate, time left, final errors and alarms, live; a
 * filter over id, dataset, activation, init and status; tick runs to compare them. Rows change as
 * `run` events arrive; `point` events re-read the list at most every 2 s.
 */
import { checkbox, h, replaceChildren, select, setText } from '../dom.ts';
import type { RunSummary } from '../data/source.ts';
import { int, num, pct } from '../format.ts';
import { alarmBadges, type AppContext, errorBox, progress, statusBadge, throttle, timeLeft, type View } from './common.ts';

/** Most runs the compare view overlays. */
export const MAX_COMPARED = 20;

const STATUS_FILTERS = [
  ['all', 'every status'], ['running', 'running'], ['finished', 'finished'], ['alarms', 'with alarms'], ['diverged', 'diverged or failed'],
] as const;

/** The run list view. */
export class RunsView implements View {
  readonly el: HTMLElement;
  private runs: RunSummary[] = [];
  private text = '';
  private status = 'all';
  private readonly tbody = h('tbody', {});
  private readonly count = h('span', { class: 'count' });
  private readonly compare = h('a', { class: 'button', href: '#/compare', 'data-testid': 'compare-link' }, 'compare');
  private readonly message = h('div', {});
  private readonly off: () => void;
  private readonly reload = throttle(() => void this.load(), 2000);

  constructor(private readonly app: AppContext) {
    const filter = h('input', { type: 'search', placeholder: 'filter: id, dataset, activation, init, status', 'data-testid': 'filter', size: 40 });
    filter.addEventListener('input', () => {
      this.text = filter.value.trim().toLowerCase();
      this.render();
    });
    const statusSel = select(STATUS_FILTERS, this.status, (v) => {
      this.status = v;
      this.render();
    });
    const head = ['', 'run', 'status', 'dataset', 'activation', 'init', 'hidden', 'lr', 'seed', 'progress', 'rate', 'left', 'test err', 'valid err', 'alarms'];
    this.el = h('div', { class: 'view runs-view' },
      h('div', { class: 'controls' }, filter, statusSel, this.count, this.compare),
      this.message,
      h('div', { class: 'table-wrap' }, h('table', { class: 'data runs', 'data-testid': 'runs-table' },
        h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))), this.tbody)));
    this.off = app.source.subscribe((e) => {
      if (e.type === 'run') {
        const i = this.runs.findIndex((r) => r.id === e.run.id);
        if (i >= 0) this.runs[i] = e.run;
        else this.runs.unshift(e.run);
        this.render();
      } else if (e.type === 'removed') {
        this.runs = this.runs.filter((r) => r.id !== e.runId);
        app.selection.delete(e.runId);
        this.render();
      } else if (e.type === 'reset') void this.load();
      else if (e.type === 'point') this.reload();
      // `unavailable`: the app's banner says why; the `reset` that follows reloads the list
    });
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.runs = await this.app.source.runs();
      replaceChildren(this.message);
    } catch (e) {
      replaceChildren(this.message, errorBox((e as Error).message));
    }
    this.render();
  }

  private matches(r: RunSummary): boolean {
    if (this.status === 'alarms' && r.alarms.length === 0) return false;
    if (this.status === 'diverged' && r.status !== 'diverged' && r.status !== 'failed') return false;
    if ((this.status === 'running' || this.status === 'finished') && r.status !== this.status) return false;
    if (this.text === '') return true;
    return [r.id, r.dataset, r.activation, r.init, r.status].some((s) => s.toLowerCase().includes(this.text));
  }

  private render(): void {
    const shown = this.runs.filter((r) => this.matches(r));
    this.tbody.replaceChildren(...shown.map((r) => this.row(r)));
    setText(this.count, `${shown.length} of ${this.runs.length} runs · ${this.app.selection.size} selected`);
    this.updateCompare();
  }

  private updateCompare(): void {
    const ids = [...this.app.selection].filter((id) => this.runs.some((r) => r.id === id)).slice(0, MAX_COMPARED);
    this.compare.setAttribute('href', `#/compare?runs=${ids.map(encodeURIComponent).join(',')}`);
    this.compare.classList.toggle('disabled', ids.length < 2);
    setText(this.compare, `compare ${ids.length} selected`);
  }

  private row(r: RunSummary): HTMLTableRowElement {
    const tick = checkbox('', this.app.selection.has(r.id), (on) => {
      if (on && this.app.selection.size >= MAX_COMPARED) {
        (tick.firstChild as HTMLInputElement).checked = false;
        return;
      }
      if (on) this.app.selection.add(r.id);
      else this.app.selection.delete(r.id);
      setText(this.count, `${this.runs.filter((x) => this.matches(x)).length} of ${this.runs.length} runs · ${this.app.selection.size} selected`);
      this.updateCompare();
    }, { title: 'select to compare' });
    return h('tr', { class: r.alarms.length > 0 ? 'has-alarm' : '', 'data-run': r.id },
      h('td', {}, tick),
      h('td', {}, h('a', { href: `#/run/${encodeURIComponent(r.id)}` }, r.id)),
      h('td', {}, statusBadge(r, this.app.source.kind === 'snapshot')),
      h('td', {}, r.dataset),
      h('td', {}, r.activation),
      h('td', {}, r.init),
      h('td', { class: 'num' }, r.hidden.join('-')),
      h('td', { class: 'num' }, num(r.learningRate)),
      h('td', { class: 'num' }, r.seed),
      h('td', {}, progress(r), h('div', { class: 'sub' }, `${int(r.updates)} / ${int(r.totalUpdates)}`)),
      h('td', { class: 'num' }, r.rate === null ? '–' : `${num(r.rate, 3)}/s`),
      h('td', { class: 'num' }, timeLeft(r.secondsLeft, this.app.source.kind === 'snapshot')),
      h('td', { class: 'num' }, pct(r.testError)),
      h('td', { class: 'num' }, pct(r.validationError)),
      h('td', {}, alarmBadges(r.alarms)));
  }

  /** {@inheritDoc View.destroy} */
  destroy(): void {
    this.off();
    this.reload.cancel();
  }
}
