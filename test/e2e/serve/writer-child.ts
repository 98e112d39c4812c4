/**
 * Child process of live.test.ts: writes `points` probe points to run `run` of the record in
 * `outDir` through the store's real writer (recordProbePoint: one transaction each, as the trainer
 * does), each with histograms of 3 layers × 5 tensors × 100 bins (~24 KB, a paper-sized point),
 * then prints `done` and exits. Arguments: outDir run points.
 */
import { HISTOGRAM_TENSORS } from '../../../src/core/metrics.ts';
import { openRunStore } from '../../../src/store/index.ts';

const [outDir, run, count] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4])];
const store = openRunStore(outDir);
if (!store.hasRun(run)) store.createRun({ id: run, config: { hidden: [8, 8], updates: count, activation: 'tanh' }, seed: 1, backend: 'reference', threads: 1, status: 'running' });
const edges = Float64Array.from({ length: 101 }, (_, i) => -1 + i / 50);
const start = (store.getRun(run).lastUpdate ?? -1) + 1;
for (let u = start; u < start + count; u++) {
  const counts = Float64Array.from({ length: 100 }, (_, i) => (i * 7 + u) % 13);
  store.recordProbePoint(run, u, {
    scalars: [1, 2].map((layer) => ({ layer, name: 'activation.std' as const, value: 0.5 + u / 1e6 })),
    histograms: [1, 2, 3].flatMap((layer) => HISTOGRAM_TENSORS.map((tensor) => ({ layer, tensor, edges, counts, nan: 0, posInf: 0, negInf: 0 }))),
  });
}
store.close();
console.log('done');
