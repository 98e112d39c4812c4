/**
 * Pre-flight of one of our backends in a child process (bench/run.ts launches it with a timeout):
 * creates it, trains the paper network for two steps at minibatch 10 and 128, prints `ok` and the
 * backend's detail line. A backend that hangs or crashes here is skipped by the benchmark instead of
 * stalling it. Not part of the library.
 *
 *   node --import tsx bench/lib/smoke.ts <backend> <threads>
 */
import type { BackendName } from '../../src/kernels/backend.ts';
import { createBackend } from '../../src/kernels/index.ts';
import { BENCH_LR, PAPER_WIDTHS, benchMlp } from './net.ts';

const name = process.argv[2] as BackendName;
const threads = Number(process.argv[3] ?? 1);
const backend = await createBackend({ name, threads });
const mlp = benchMlp(backend, PAPER_WIDTHS, [10, 128]);
for (const B of [10, 128]) {
  for (let i = 0; i < 2; i++) {
    mlp.trainStep(null, null, B, BENCH_LR);
    const loss = mlp.lastLoss;
    if (!Number.isFinite(loss)) throw new Error(`loss ${loss} at batch ${B}`);
  }
}
process.stdout.write(`${JSON.stringify({ ok: true, detail: backend.detail })}\n`);
mlp.dispose();
backend.dispose();
process.exit(0);
