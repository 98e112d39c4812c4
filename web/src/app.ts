/**
 * The dashboard app over any {@link DataSource}: a header (navigation, the stream's state), and the
 * page the URL's hash names — `#/` runs, `#/run/ID` one run, `#/compare?runs=a,b` compare,
 * `#/job` the reproduce job. Hash routes work from a server and from a file:// snapshot alike. The
 * in-browser lab mounts the same app over its Worker source.
 */
import { h, setText } from './dom.ts';
import { RunCache } from './data/runData.ts';
import type { ConnectionState, DataSource } from './data/source.ts';
import { CompareView } from './views/compare.ts';
import { type AppContext, takenText, type View } from './views/common.ts';
import { JobPage } from './views/job.ts';
import { RunView } from './views/run.ts';
import { RunsView } from './views/runs.ts';

const STATE_TEXT: Readonly<Record<ConnectionState, string>> = {
  live: '● live',
  connecting: '○ connecting…',
  offline: '○ offline, retrying',
  unavailable: '○ record unavailable',
  snapshot: 'snapshot (not live)',
};

/**
 * Mounts the app in `root` and routes on the URL's hash until the returned function is called.
 * @param root an empty element (its children are replaced).
 * @param source where every view reads.
 */
export function mountApp(root: HTMLElement, source: DataSource): () => void {
  const app: AppContext = { source, cache: new RunCache(source), selection: new Set() };
  const state = h('span', { class: 'conn', 'data-testid': 'connection' });
  const links = [['#/', 'Runs'], ['#/compare', 'Compare'], ['#/job', 'Reproduce job']] as const;
  const nav = h('nav', {}, ...links.map(([href, text]) => h('a', { href }, text)));
  const main = h('main', {});
  // the server's `unavailable` error (the record deleted, replaced or corrupt), until the `reset`
  const banner = h('div', { class: 'error banner', role: 'alert', 'data-testid': 'unavailable', hidden: true });
  // said once the server tells how it reads the record (a live source only)
  const recordNote = h('div', { class: 'note banner', 'data-testid': 'record-mode', hidden: true },
    'The record is read as an immutable file: its directory cannot be written, so no run can be writing to it ' +
    'and nothing on this page will change.');
  root.replaceChildren(h('header', {}, h('a', { class: 'brand', href: '#/' }, 'glorot'), nav, state), recordNote, banner, main);
  const offMode = source.onRecordMode?.((mode) => (recordNote.hidden = mode !== 'immutable')) ?? ((): void => {});
  const offConn = source.onConnection((s) => {
    // a snapshot says when it was taken: everything on it is as of then
    setText(state, s === 'snapshot' && source.takenAt ? `snapshot taken ${takenText(source.takenAt)}, not live` : STATE_TEXT[s]);
    state.className = `conn conn-${s}`;
    if (s !== 'unavailable') banner.hidden = true;
    // what the views show was read before the record broke: dimmed, and said so in the banner
    main.classList.toggle('stale', s === 'unavailable');
  });
  const offEvents = source.subscribe((e) => {
    if (e.type !== 'unavailable') return;
    setText(banner, `The record cannot be read: ${e.error}. What is shown below is as last read; the page reloads it when the record is back.`);
    banner.hidden = false;
  });
  let view: View | null = null;
  const route = (): void => {
    view?.destroy();
    const hash = location.hash.replace(/^#/, '') || '/';
    const [path, query] = hash.split('?', 2);
    const params = new URLSearchParams(query ?? '');
    const parts = path.split('/').filter((p) => p !== '');
    try {
      if (parts[0] === 'run' && parts[1]) view = new RunView(app, decodeURIComponent(parts[1]));
      else if (parts[0] === 'compare') view = new CompareView(app, params);
      else if (parts[0] === 'job') view = new JobPage(app);
      else view = new RunsView(app);
    } catch (e) {
      view = { el: h('div', { class: 'error' }, (e as Error).message), destroy: () => {} };
    }
    for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.getAttribute('href') === `#/${parts[0] ?? ''}`);
    main.replaceChildren(view.el);
  };
  window.addEventListener('hashchange', route);
  route();
  return () => {
    window.removeEventListener('hashchange', route);
    offConn();
    offMode();
    offEvents();
    view?.destroy();
  };
}
