/**
 * The reproduce job as the report shows it: Table 1 (our test error beside the paper's, per
 * configuration and dataset) and the paper's checks with their verdicts, filling in as runs finish.
 * The server computes both from the record (the report's code); this view only draws them: a
 * configuration's cell stays empty until every one of its planned runs has ended.
 */
import { h, replaceChildren } from '../dom.ts';
import type { JobCell, JobView } from '../data/source.ts';
import { num } from '../format.ts';
import { type AppContext, errorBox, throttle, type View } from './common.ts';

/** The job view. */
export class JobPage implements View {
  readonly el: HTMLElement;
  private readonly body = h('div', {});
  private readonly off: () => void;
  private readonly reload = throttle(() => void this.load(), 3000);

  constructor(private readonly app: AppContext) {
    this.el = h('div', { class: 'view job-view' }, this.body);
    this.off = app.source.subscribe((e) => {
      if (e.type === 'run' || e.type === 'reset' || e.type === 'removed') this.reload();
    });
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const job = await this.app.source.job();
      replaceChildren(this.body, ...(job ? render(job) : [h('p', { class: 'note' }, 'This record holds no reproduce job (run `glorot reproduce`).')]));
    } catch (e) {
      replaceChildren(this.body, errorBox((e as Error).message));
    }
  }

  /** {@inheritDoc View.destroy} */
  destroy(): void {
    this.off();
    this.reload.cancel();
  }
}

/** The cell's text as the report writes it (`16.27 ± 0.41 (n=3)`), else its mean, else why it is empty. */
function cellText(c: JobCell): string {
  if (c.text !== undefined && c.ours !== null) return c.text;
  if (c.ours !== null) return num(c.ours, 3);
  return c.pending ? `${c.pending} run${c.pending === 1 ? '' : 's'} to end` : (c.text ?? 'pending');
}

function table1(job: JobView): HTMLElement {
  const columns: NonNullable<JobView['columns']> = job.columns && job.columns.length > 0
    ? job.columns
    : [...new Set(job.table1.flatMap((r) => Object.keys(r.cells)))].map((d) => ({ dataset: d, title: d, paperHeader: 'paper' }));
  // the scale beside the values: ours at quick scale is not the paper's 2.5 M updates of 5 × 1000
  const scaleOf = (c: (typeof columns)[number], which: 'ours' | 'paper'): HTMLElement | null => {
    const text = which === 'ours' ? c.scale : c.paperScale;
    return text ? h('div', { class: 'sub', 'data-testid': `scale-${which}` }, text) : null;
  };
  return h('table', { class: 'data', 'data-testid': 'table1' },
    h('caption', {}, 'Table 1: test error (%), ours beside the paper\'s, each at its scale (hidden layers × units, updates); ' +
      'the learning rate selected on validation'),
    h('thead', {},
      h('tr', {}, h('th', { rowspan: 2 }, 'configuration'), ...columns.map((c) => h('th', { colspan: 3 }, c.title))),
      h('tr', {}, ...columns.flatMap((c) => [h('th', {}, 'ours', scaleOf(c, 'ours')), h('th', {}, c.paperHeader, scaleOf(c, 'paper')), h('th', {}, 'lr')]))),
    h('tbody', {}, ...job.table1.map((row) => h('tr', {}, h('th', {}, row.label), ...columns.flatMap((col) => {
      const c = row.cells[col.dataset];
      if (!c) return [h('td', {}), h('td', {}), h('td', {})];
      const text = cellText(c);
      const runs = c.runIds && c.runIds.length > 1 ? `runs: ${c.runIds.join(', ')}` : undefined;
      return [
        h('td', { class: c.ours === null ? 'num pending' : 'num', title: runs, 'data-testid': 'cell' },
          c.runId ? h('a', { href: `#/run/${encodeURIComponent(c.runId)}` }, text) : text),
        h('td', { class: 'num paper' }, c.paper === null ? '–' : num(c.paper, 4)),
        h('td', { class: 'num' }, c.learningRate === undefined || c.learningRate === null ? '–' : num(c.learningRate)),
      ];
    })))));
}

function checks(job: JobView): HTMLElement {
  const counts = new Map<string, number>();
  for (const c of job.checks) counts.set(c.verdict, (counts.get(c.verdict) ?? 0) + 1);
  return h('table', { class: 'data checks', 'data-testid': 'checks' },
    h('caption', {}, `The paper's checks${(job.pending ?? 0) > 0 ? ' (judged once every planned run has ended; "so far" is over the runs ended)' : ''}: ` +
      `${[...counts].map(([v, n]) => `${n} ${v}`).join(', ') || 'none yet'}`),
    h('thead', {}, h('tr', {}, ...['check', 'ours', 'paper', 'verdict', 'measurements · rule · source'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...job.checks.map((c) => h('tr', {},
      h('td', {}, c.claim, h('div', { class: 'sub mono' }, c.id)),
      h('td', {}, c.oursText ?? ''),
      h('td', {}, c.paperText ?? ''),
      h('td', {}, h('span', { class: `badge verdict-${c.verdict.replace(/[^a-z-]/g, '')}`, 'data-testid': 'verdict' }, c.verdict),
        c.provisional ? h('div', { class: 'sub' }, `so far: ${c.provisional}`) : null),
      h('td', { class: 'detail' }, c.detail,
        c.rule ? h('div', { class: 'sub' }, `rule: ${c.rule}`) : null,
        c.source ? h('div', { class: 'sub' }, `source: ${c.source}`) : null)))));
}

function render(job: JobView): HTMLElement[] {
  const progress = job.planned ? `${job.planned - (job.pending ?? 0)} of ${job.planned} planned runs ended` : null;
  return [
    h('h2', {}, 'Reproduce job', progress ? h('span', { class: 'badge', 'data-testid': 'job-progress' }, progress) : null),
    job.note ? h('p', { class: 'note', 'data-testid': 'job-note' }, job.note) : null,
    ...(job.warnings ?? []).map((w) => h('p', { class: 'alarm-line' }, `⚠ ${w}`)),
    table1(job),
    checks(job),
  ].filter((e): e is HTMLElement => e !== null);
}
