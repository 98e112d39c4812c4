/**
 * The reproduce job as the report shows it: Table 1 (our test error beside the paper's, per
 * configuration and dataset) and the paper's checks with their verdicts, filling in as runs finish.
 * The server computes both from the record (the report's code); this view only draws them.
 */
import { h, replaceChildren } from '../dom.ts';
import type { JobView } from '../data/source.ts';
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

function render(job: JobView): HTMLElement[] {
  const datasets = [...new Set(job.table1.flatMap((r) => Object.keys(r.cells)))];
  const table = h('table', { class: 'data', 'data-testid': 'table1' },
    h('caption', {}, 'Table 1: test error (%), ours (the paper\'s)'),
    h('thead', {}, h('tr', {}, h('th', {}, 'configuration'), ...datasets.map((d) => h('th', {}, d)))),
    h('tbody', {}, ...job.table1.map((row) => h('tr', {}, h('th', {}, row.label), ...datasets.map((d) => {
      const c = row.cells[d];
      if (!c) return h('td', {}, '');
      const ours = c.ours === null ? 'pending' : num(c.ours, 3);
      const link = c.runId ? h('a', { href: `#/run/${encodeURIComponent(c.runId)}` }, ours) : ours;
      return h('td', { class: c.ours === null ? 'num pending' : 'num' }, link, h('span', { class: 'paper' }, ` (${c.paper === null ? '–' : num(c.paper, 4)})`));
    })))));
  const counts = new Map<string, number>();
  for (const c of job.checks) counts.set(c.verdict, (counts.get(c.verdict) ?? 0) + 1);
  const checks = h('table', { class: 'data checks', 'data-testid': 'checks' },
    h('caption', {}, `The paper's checks: ${[...counts].map(([v, n]) => `${n} ${v}`).join(', ') || 'none yet'}`),
    h('thead', {}, h('tr', {}, h('th', {}, 'check'), h('th', {}, 'claim'), h('th', {}, 'verdict'), h('th', {}, 'detail'))),
    h('tbody', {}, ...job.checks.map((c) => h('tr', {},
      h('td', { class: 'mono' }, c.id), h('td', {}, c.claim),
      h('td', {}, h('span', { class: `badge verdict-${c.verdict.replace(/[^a-z-]/g, '')}` }, c.verdict)),
      h('td', { class: 'detail' }, c.detail)))));
  return [h('h2', {}, 'Reproduce job'), table, checks];
}
