/**
 * The API's routes (the endpoints of api.ts): from a request's decoded path segments and query to
 * the JSON payload, or an {@link HttpError}. Shared by the live server (server.ts) and the static
 * snapshot (export.ts), so both answer every path with the same bytes.
 */
import { RunStoreError, type RunStore } from '../store/index.ts';
import type { RunLock } from './alarms.ts';
import type { JobView, RunSummary } from './api.ts';
import { HttpError } from './errors.ts';
import { buildRunDetail } from './summary.ts';
import { evaluationsView, histogramsView, parseHistogramQuery, parseScalarNames, scalarsView } from './views.ts';

/** Where the routes get the record and what is derived from it. */
export interface ApiBackend {
  /** The open record. @throws HttpError 503 when it cannot be read. */
  store(): RunStore;
  /** Every run's summary, newest first. */
  summaries(): readonly RunSummary[];
  /** A running run's lock as last read (null otherwise). */
  lock(runId: string): RunLock | null;
  /** Table 1 and the checks. */
  job(): JobView;
}

/** @throws HttpError 404 naming `id` unless the record has that run. */
function requireRun(store: RunStore, id: string): void {
  if (!store.hasRun(id)) throw new HttpError(404, `no run "${id}" in ${store.file}`, id);
}

/** The one query value of `name`, or null. @throws HttpError 400 when it is given twice. */
function single(query: URLSearchParams, name: string): string | null {
  const all = query.getAll(name);
  if (all.length > 1) throw new HttpError(400, `the ${name} parameter is given ${all.length} times; give it once`, name);
  return all[0] ?? null;
}

/** Answers one run's sub-resource. */
function runRoute(b: ApiBackend, id: string, rest: readonly string[], query: URLSearchParams): unknown {
  const store = b.store();
  requireRun(store, id);
  if (rest.length === 0) return buildRunDetail(store, id, b.lock(id));
  if (rest.length === 1) {
    switch (rest[0]) {
      case 'scalars':
        return scalarsView(store, id, parseScalarNames(single(query, 'names')));
      case 'histograms': {
        const q = parseHistogramQuery(single(query, 'tensor'), single(query, 'updates'));
        return histogramsView(store, id, q.tensor, q.updates);
      }
      case 'evaluations':
        return evaluationsView(store, id);
    }
  }
  return null;
}

/**
 * The JSON payload of an API request.
 * @param segments the decoded path segments after `/api/`, e.g. `['runs', 'tanh-s1', 'scalars']`.
 * @throws HttpError 404 for an unknown endpoint or run (naming it), 400 for a bad parameter, 503
 *   when the record cannot be read.
 */
export function answerApi(b: ApiBackend, segments: readonly string[], query: URLSearchParams): unknown {
  const [head, id, ...rest] = segments;
  let payload: unknown = null;
  try {
    if (head === 'runs' && id === undefined) payload = b.summaries();
    else if (head === 'runs' && id !== undefined && id !== '') payload = runRoute(b, id, rest, query);
    else if (head === 'job' && segments.length === 1) payload = b.job();
  } catch (e) {
    // a run deleted between the check and the read
    if (e instanceof RunStoreError && e.code === 'UNKNOWN_RUN' && id !== undefined) throw new HttpError(404, `no run "${id}" in the record`, id);
    throw e;
  }
  if (payload === null) {
    const path = `/api/${segments.join('/')}`;
    throw new HttpError(404, `no such API endpoint: ${path} (see src/serve/api.ts)`, path);
  }
  return payload;
}

/**
 * A request target split into its decoded path segments (after the leading `/`) and its query.
 * Each segment is decoded once, so an encoded `/` (`%2F`) stays inside its segment and a
 * double-encoded one (`%252F`) stays `%2F`.
 * @throws HttpError 400 for a target that is not a path, or a segment that is not valid percent-encoded UTF-8.
 */
export function parseTarget(target: string): { segments: string[]; query: URLSearchParams } {
  const url = target.split('#')[0]!;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (!path.startsWith('/')) throw new HttpError(400, 'the request target must be a path starting with /', path);
  try {
    return { segments: path.slice(1).split('/').map(decodeURIComponent), query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
  } catch {
    throw new HttpError(400, 'the request path is not valid percent-encoded UTF-8', path);
  }
}
