/**
 * Child process of bench/dashboard.ts: writes synthetic probe points of the paper's shape through the
 * store's real writer (one transaction per point, as the trainer does).
 *
 *   fill <outDir> <runs> <points> [<long runs> <long points>]
 *       `runs` finished runs of `points` probe points each (plus `long runs` of `long points`): every
 *       point holds 6 layers × 5 tensors × 100-bin histograms, every summary scalar of each layer,
 *       and the three evaluations, like a paper-network probe point.
 *   tick <outDir> <run> <count> <gapMs>
 *       appends `count` points to `run` (created running if absent), `gapMs` ± 50% apart, and prints
 *       after each commit one JSON line {updates, committedAt} (epoch ms, taken once the commit
 *       returned), for the event-latency measurement.
 */
import { HISTOGRAM_TENSORS, type ScalarName, type ScalarRecord } from '../../src/core/metrics.ts';
import { openRunStore, type ProbePoint, type RunStore } from '../../src/store/index.ts';

const LAYERS = 6;
const STATS = ['mean', 'std', 'min', 'max', 'p1', 'p2', 'p50', 'p98', 'p99'];
const edges = Float64Array.from({ length: 101 }, (_, i) => -1 + i / 50);

/** A paper-shaped probe point whose values depend on `updates`. */
function point(updates: number): ProbePoint {
  const scalars: ScalarRecord[] = [];
  for (let layer = 1; layer <= LAYERS; layer++) {
    for (const t of ['activation', 'backprop_grad', 'weight_grad']) {
      for (const s of STATS) scalars.push({ layer, name: `${t}.${s}` as ScalarName, value: Math.sin(updates + layer + s.length) });
    }
    scalars.push({ layer, name: 'activation.saturated', value: 0.1 }, { layer, name: 'weight.std', value: 0.03 });
  }
  scalars.push({ layer: -1, name: 'probe.loss', value: 2 / (1 + updates / 1e5) });
  const counts = Float64Array.from({ length: 100 }, (_, i) => (i * 31 + updates) % 97);
  return {
    scalars,
    histograms: Array.from({ length: LAYERS }, (_, k) => HISTOGRAM_TENSORS.map((tensor) => ({ layer: k + 1, tensor, edges, counts, nan: 0, posInf: 0, negInf: 0 }))).flat(),
    evaluations: (['train', 'validation', 'test'] as const).map((split) => ({ split, errorRate: 50 - updates / 1e5, nll: 1, examples: 10000 })),
  };
}

/** Creates a run of the paper's configuration. */
function create(store: RunStore, id: string, updates: number, status: 'running' | 'finished'): void {
  const config = { dataset: 'shapeset', hidden: [1000, 1000, 1000, 1000, 1000], activation: 'tanh', init: 'normalized', learningRate: 0.01, minibatch: 10, updates };
  store.createRun({ id, config, seed: 1, backend: 'native', threads: 1, status });
}

const [mode, outDir] = [process.argv[2], process.argv[3]!];
const store = openRunStore(outDir);
if (mode === 'fill') {
  const [runs, points, longRuns, longPoints] = process.argv.slice(4, 8).map(Number) as [number, number, number?, number?];
  const make = (prefix: string, n: number, count: number): void => {
    for (let r = 0; r < n; r++) {
      const id = `${prefix}-${r}`;
      create(store, id, count * 20000, 'running');
      for (let p = 0; p < count; p++) store.recordProbePoint(id, p * 20000, { ...point(p * 20000), wallTime: 1.7e9 + p * 300 });
      store.setStatus(id, 'finished');
    }
  };
  make('run', runs, points);
  make('long', longRuns ?? 0, longPoints ?? 0);
} else if (mode === 'tick') {
  const [run, count, gap] = [process.argv[4]!, Number(process.argv[5]), Number(process.argv[6])];
  if (!store.hasRun(run)) create(store, run, 1e9, 'running');
  let u = (store.getRun(run).lastUpdate ?? -1) + 1;
  for (let i = 0; i < count; i++, u++) {
    await new Promise((r) => setTimeout(r, gap * (0.5 + Math.random())));
    store.recordProbePoint(run, u, point(u));
    console.log(JSON.stringify({ updates: u, committedAt: Date.now() }));
  }
} else {
  throw new Error(`dashboard-writer: unknown mode ${String(mode)}; fill or tick`);
}
store.close();
