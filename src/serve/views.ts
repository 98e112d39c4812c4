/**
 * The per-run series of the API (`/api/runs/:id/scalars`, `/histograms`, `/evaluations`), read from
 * the record as stored: no statistic is recomputed, no histogram rebinned. Query parameters are
 * checked here, once, against the metric vocabulary (src/core/metrics.ts).
 */
import { type HistogramTensor, HISTOGRAM_TENSORS, isHistogramTensor, isScalarName, type ScalarName, SPLITS } from '../core/metrics.ts';
import type { RunStore } from '../store/index.ts';
import type { EvaluationSeries, HistogramFrame, ScalarSeries } from './api.ts';
import { HttpError } from './errors.ts';
import { jsonArray, type JsonChunks } from './json.ts';

/** A number as JSON can carry it: NaN and ±Infinity become null. */
function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Parses the `names` parameter: comma-separated scalar names of the vocabulary.
 * @returns null when absent (every name the run has).
 * @throws HttpError 400 naming the first unknown name.
 */
export function parseScalarNames(raw: string | null): ScalarName[] | null {
  if (raw === null) return null;
  const names = raw.split(',').filter((n) => n !== '');
  for (const n of names) {
    if (!isScalarName(n)) throw new HttpError(400, `unknown scalar name "${n}": names are the metric vocabulary's, e.g. activation.std`, n);
  }
  return names as ScalarName[];
}

/**
 * Every layer's series of each name (the run's own names when `names` is null), ordered by name,
 * then layer; a name the run never recorded gives no series.
 * @throws RunStoreError `UNKNOWN_RUN`.
 */
export function scalarsView(store: RunStore, run: string, names: readonly ScalarName[] | null): ScalarSeries[] {
  return store.readTransaction(() => {
    const out: ScalarSeries[] = [];
    for (const name of names ?? store.scalarNames(run)) {
      let current: { name: ScalarName; layer: number; updates: number[]; values: (number | null)[] } | null = null;
      for (const p of store.scalarSeries(run, name)) {
        if (current === null || current.layer !== p.layer) {
          current = { name, layer: p.layer, updates: [], values: [] };
          out.push(current);
        }
        current.updates.push(p.updates);
        current.values.push(jsonNumber(p.value));
      }
    }
    return out;
  });
}

/**
 * Parses `tensor` (required, one of the vocabulary's histogram tensors) and `updates` (optional, an
 * integer ≥ 0).
 * @throws HttpError 400 naming the parameter, what was expected and what was found.
 */
export function parseHistogramQuery(tensor: string | null, updates: string | null): { tensor: HistogramTensor; updates: number | null } {
  if (tensor === null) throw new HttpError(400, `the tensor parameter is required: one of ${HISTOGRAM_TENSORS.join(', ')}`);
  if (!isHistogramTensor(tensor)) throw new HttpError(400, `unknown histogram tensor "${tensor}": expected one of ${HISTOGRAM_TENSORS.join(', ')}`, tensor);
  if (updates === null) return { tensor, updates: null };
  if (!/^\d{1,15}$/.test(updates)) throw new HttpError(400, `updates must be an integer ≥ 0, found "${updates}"`, updates);
  return { tensor, updates: Number(updates) };
}

/**
 * The histograms of one tensor, bins exactly as stored: at every probe point (by updates, then layer)
 * or only at `updates` (empty when the run has no histogram there), as a JSON array of
 * {@link HistogramFrame}s made one frame at a time (a paper run's are megabytes).
 * @throws RunStoreError `UNKNOWN_RUN`.
 */
export function histogramsView(store: RunStore, run: string, tensor: HistogramTensor, updates: number | null): JsonChunks {
  const stored = updates === null ? store.histogramSeries(run, tensor) : store.histogramsAt(run, tensor, updates);
  // read now (one query, one snapshot); each frame becomes JSON only when it is sent
  return jsonArray(stored, (h): HistogramFrame => ({
    updates: h.updates,
    layer: h.layer,
    tensor: h.tensor,
    edges: Array.from(h.edges),
    counts: Array.from(h.counts),
    nan: h.nan,
    posInf: h.posInf,
    negInf: h.negInf,
  }));
}

/**
 * Error (%) and NLL of every split the run has evaluations of, in the order train, validation, test.
 * @throws RunStoreError `UNKNOWN_RUN`.
 */
export function evaluationsView(store: RunStore, run: string): EvaluationSeries[] {
  return store.readTransaction(() =>
    SPLITS.map((split) => ({ split, points: store.evaluationSeries(run, split) }))
      .filter((s) => s.points.length > 0)
      .map(({ split, points }) => ({
        split,
        updates: points.map((p) => p.updates),
        errorRate: points.map((p) => jsonNumber(p.errorRate)),
        nll: points.map((p) => jsonNumber(p.nll)),
      })),
  );
}
