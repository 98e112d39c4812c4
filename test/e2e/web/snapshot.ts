/**
 * A GLOROT_SNAPSHOT built from a real run record, for developing and testing the web app without a
 * server (issue 11: the server is built side by side). It answers the API's snapshot paths from the
 * store opened read-only. Only the fields the web app draws are derived here; the server
 * (src/serve) is the real home of the summaries, alarms and the job view.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HISTOGRAM_TENSORS, SPLITS } from '../../../src/core/metrics.ts';
import type { Alarm, EvaluationSeries, HistogramFrame, JobView, RunDetail, RunSummary, ScalarSeries } from '../../../src/serve/api.ts';
import { openRunStore, type RunInfo, type RunStore } from '../../../src/store/index.ts';

/** The built web app (`npm run build`). */
export const WEB_BUILD = join(import.meta.dirname, '..', '..', '..', 'build', 'web');

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function summary(store: RunStore, r: RunInfo): RunDetail {
  const c = r.config;
  const points = store.probePoints(r.id);
  const hidden = Array.isArray(c['hidden']) ? (c['hidden'] as number[]) : [];
  const total = typeof c['updates'] === 'number' ? c['updates'] : 0;
  const [a, b] = points.slice(-2);
  const rate = a && b && b.wallTime > a.wallTime ? (b.updates - a.updates) / (b.wallTime - a.wallTime) : null;
  const last = r.lastUpdate;
  const alarms: Alarm[] = [];
  if (r.status === 'diverged') alarms.push({ kind: 'diverged', layer: null, updates: last ?? 0, message: r.statusDetail ?? 'diverged' });
  for (const s of store.latestScalars(r.id)) {
    if (s.name === 'activation.saturated' && s.value > 0.9) {
      alarms.push({ kind: 'saturated', layer: s.layer, updates: s.updates, message: `${Math.round(100 * s.value)}% of layer ${s.layer}'s units saturated` });
    }
  }
  return {
    id: r.id,
    status: r.status,
    statusDetail: r.statusDetail,
    dataset: String(c['dataset'] ?? ''),
    activation: String(c['activation'] ?? ''),
    init: String(c['init'] ?? ''),
    learningRate: Number(c['learningRate'] ?? NaN),
    hidden,
    seed: r.seed,
    totalUpdates: total,
    updates: last,
    rate,
    secondsLeft: rate && last !== null && r.status === 'running' ? (total - last) / rate : null,
    testError: store.latestEvaluation(r.id, 'test')?.errorRate ?? null,
    validationError: store.latestEvaluation(r.id, 'validation')?.errorRate ?? null,
    alarms,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    config: c,
    backend: r.backend,
    threads: r.threads,
    versions: r.versions,
    probePoints: points.map((p) => p.updates),
    layers: hidden.length + 1,
  };
}

function scalars(store: RunStore, id: string): ScalarSeries[] {
  const names = [...new Set(store.latestScalars(id).map((s) => s.name))];
  const out: ScalarSeries[] = [];
  for (const name of names) {
    const byLayer = new Map<number, { updates: number[]; values: (number | null)[] }>();
    for (const p of store.scalarSeries(id, name)) {
      let s = byLayer.get(p.layer);
      if (!s) byLayer.set(p.layer, (s = { updates: [], values: [] }));
      s.updates.push(p.updates);
      s.values.push(finite(p.value));
    }
    for (const [layer, s] of byLayer) out.push({ name, layer, ...s });
  }
  return out;
}

function histograms(store: RunStore, id: string, tensor: (typeof HISTOGRAM_TENSORS)[number]): HistogramFrame[] {
  return store.histogramUpdates(id, tensor).flatMap((u) => store.histogramsAt(id, tensor, u).map((hst) => ({
    updates: hst.updates, layer: hst.layer, tensor: hst.tensor,
      edges: [...hst.edges], counts: [...hst.counts], nan: hst.nan, posInf: hst.posInf, negInf: hst.negInf,
  })));
}

function evaluations(store: RunStore, id: string): EvaluationSeries[] {
  return SPLITS.map((split) => {
    const pts = store.evaluationSeries(id, split);
    return { split, updates: pts.map((p) => p.updates), errorRate: pts.map((p) => finite(p.errorRate)), nll: pts.map((p) => finite(p.nll)) };
  }).filter((s) => s.updates.length > 0);
}

/** Table 1 and the checks from a reproduce job's summary.json, when the directory has one. */
function job(outDir: string): JobView | null {
  const file = join(outDir, 'summary.json');
  if (!existsSync(file)) return null;
  const s = JSON.parse(readFileSync(file, 'utf8')) as {
    table1: { rows: string[]; cells: { dataset: string; label: string; mean: number | null; paper: number | null; runIds: string[] }[] };
    checks: { id: string; title: string; verdict: string; detail: string }[];
  };
  return {
    table1: s.table1.rows.map((label) => ({
      label,
      cells: Object.fromEntries(s.table1.cells.filter((c) => c.label === label)
        .map((c) => [c.dataset, { ours: c.mean, paper: c.paper, runId: c.runIds[0] ?? null }])),
    })),
    checks: s.checks.map((c) => ({ id: c.id, claim: c.title, verdict: c.verdict, detail: c.detail })),
  };
}

/**
 * The snapshot map of a run record: every path the web app reads in snapshot mode.
 * @param outDir a directory holding glorot.sqlite (opened read-only).
 */
export function buildSnapshot(outDir: string): Record<string, unknown> {
  const store = openRunStore(outDir, { readonly: true });
  try {
    const snap: Record<string, unknown> = {};
    const runs = store.listRuns().reverse();
    const details = runs.map((r) => summary(store, r));
    snap['/api/runs'] = details.map(({ config: _c, backend: _b, threads: _t, versions: _v, probePoints: _p, layers: _l, ...s }): RunSummary => s);
    const j = job(outDir);
    if (j) snap['/api/job'] = j;
    for (const d of details) {
      const base = `/api/runs/${encodeURIComponent(d.id)}`;
      snap[base] = d;
      snap[`${base}/scalars`] = scalars(store, d.id);
      snap[`${base}/evaluations`] = evaluations(store, d.id);
      for (const t of HISTOGRAM_TENSORS) snap[`${base}/histograms?tensor=${encodeURIComponent(t)}`] = histograms(store, d.id, t);
    }
    return snap;
  } finally {
    store.close();
  }
}

/**
 * Writes the built web app with `snapshot` embedded into `dir` (index.html loads snapshot.js, which
 * sets globalThis.GLOROT_SNAPSHOT), as `glorot serve --export` does.
 * @returns the path of the page.
 */
export function writeSnapshotPage(snapshot: Record<string, unknown>, dir: string): string {
  if (!existsSync(join(WEB_BUILD, 'index.html'))) throw new Error(`${WEB_BUILD}/index.html is missing: run npm run build`);
  mkdirSync(dir, { recursive: true });
  cpSync(join(WEB_BUILD, 'assets'), join(dir, 'assets'), { recursive: true });
  copyFileSync(join(WEB_BUILD, 'index.html'), join(dir, 'index.html'));
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  writeFileSync(join(dir, 'index.html'), html.replace('<script', '<script src="./snapshot.js"></script>\n<script'));
  writeFileSync(join(dir, 'snapshot.js'), `globalThis.GLOROT_SNAPSHOT = ${JSON.stringify(snapshot)};\n`);
  return join(dir, 'index.html');
}
