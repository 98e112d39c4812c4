/**
 * Child process of test/e2e/nn/allocation.test.ts: warms up one (backend, cost) training step, then
 * prints one JSON line {bytesPerStep, gcs}: the least growth per step over GC-free windows of STEPS
 * steps, measured without forcing a GC. Run as
 *   node --import tsx test/helpers/allocation-child.ts <backend> <cost> [sgd]
 * (with `sgd`, the step is the training loop's `Sgd.step` instead of `Mlp.trainStep`)
 * or, for the Shapeset training stream alone (minibatches of 10 images),
 *   node --import tsx test/helpers/allocation-child.ts shapeset-stream
 * One process per combination, as in the product: every training run is its own worker process
 * with one backend and one cost (src/run/jobs.ts).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import type { BackendName } from '../../src/kernels/backend.ts';
import { createBackend } from '../../src/kernels/index.ts';
import type { CostName } from '../../src/core/costs.ts';
import { Mlp } from '../../src/nn/mlp.ts';
import { Sgd } from '../../src/nn/sgd.ts';
import { createShapesetStream } from '../../src/data/shapeset/dataset.ts';

const [backendName, cost, via] = process.argv.slice(2) as [BackendName, CostName, string | undefined];
const WIDTHS = [16, 12, 12, 12, 5];
const ROWS = 4;
const WARMUP = 30_000;
const STEPS = 20_000;

let step: () => void;
let finish = (): void => {};
const running = { loss: 0, examples: 0 };
if ((backendName as string) === 'shapeset-stream') {
  const stream = createShapesetStream(1, 32, []);
  const x = new Float32Array(10 * 1024);
  const y = new Int32Array(10);
  step = (): void => {
    stream.next(x, y, 10);
    running.loss += x[3]!; // read, so nothing is optimised away
  };
} else {
  const backend = await createBackend({ name: backendName, threads: 1 });
  const mlp = new Mlp(backend, { widths: WIDTHS, activation: 'tanh', init: { name: 'normalized' }, seed: 1 });
  const { x, y } = mlp.inputBuffers(ROWS);
  for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 101) / 101;
  for (let r = 0; r < ROWS; r++) y[r] = r % 5;
  // as train()'s loop: the loss read every step and accumulated into a running average
  const sgd = new Sgd(mlp, 0.01, cost);
  step = (): void => {
    if (via === 'sgd') sgd.step(ROWS);
    else mlp.trainStep(null, null, ROWS, 0.01, cost);
    running.loss += mlp.lastLoss * ROWS;
    running.examples += ROWS;
  };
  finish = (): void => {
    mlp.dispose();
    backend.dispose();
  };
}
for (let i = 0; i < WARMUP; i++) step();

// Windows of STEPS steps, measured without forcing a GC; the least GC-free window counts. An
// allocation made every step shows in every window; a one-off (a late JIT tier-up, seen once in CI
// as 4.3 B/step over a single window) in one only. A GC hides growth, so its window is dropped.
const WINDOWS = 3;
let result: { bytesPerStep: number; gcs: number } = { bytesPerStep: NaN, gcs: -1 };
let measured = 0;
for (let attempt = 0; attempt < 8 && measured < WINDOWS; attempt++) {
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < STEPS; i++) step();
  const after = process.memoryUsage().heapUsed;
  await new Promise((r) => setTimeout(r, 10)); // deliver the loop's GC entries
  obs.disconnect();
  if (gcs !== 0 || after < before) {
    if (measured === 0) result = { bytesPerStep: (after - before) / STEPS, gcs };
    continue;
  }
  const perStep = (after - before) / STEPS;
  if (measured === 0 || perStep < result.bytesPerStep) result = { bytesPerStep: perStep, gcs: 0 };
  measured++;
}
process.stdout.write(`${JSON.stringify({ ...result, finite: Number.isFinite(running.loss) })}\n`);
finish();
