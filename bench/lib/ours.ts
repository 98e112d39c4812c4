/**
 * Our backends as contenders, and a timing wrapper that splits a step's time by kernel. Not part of
 * the library.
 */
import type { Backend, BackendName } from '../../src/kernels/backend.ts';
import { createBackend } from '../../src/kernels/index.ts';
import type { Mlp } from '../../src/nn/mlp.ts';
import type { Contender } from './contender.ts';
import { BENCH_LR, benchMlp } from './net.ts';

/** The kernels a {@link TimedBackend} times. */
export const TIMED_KERNELS = ['gemm', 'biasActivation', 'activationBackward', 'softmaxNll', 'softmaxQuadratic', 'colSum'] as const;
/** One of {@link TIMED_KERNELS}. */
export type TimedKernel = (typeof TIMED_KERNELS)[number];

/** A backend that delegates every call and adds up the wall-clock seconds spent in each kernel. */
export interface TimedBackend extends Backend {
  /** Seconds per kernel since the last {@link reset}. */
  readonly seconds: Record<TimedKernel, number>;
  /** Calls per kernel since the last {@link reset}. */
  readonly calls: Record<TimedKernel, number>;
  /**
   * When set to an array, every GEMM call also pushes a closure that repeats it on the inner backend
   * (same shapes and buffers): replaying a step's GEMMs alone measures their time without the rest.
   */
  recording: Array<() => void> | null;
  reset(): void;
}

/**
 * Wraps `inner` so that each kernel call is timed with `performance.now()` (≈ 50 ns per call, against
 * 17 GEMMs and ~20 other calls of ≥ µs each in a paper-net step). The wasm backend's calls are
 * synchronous (its workers are joined before a call returns), so wall-clock time per call is right
 * for every backend.
 */
export function timedBackend(inner: Backend): TimedBackend {
  const zero = (): Record<TimedKernel, number> =>
    Object.fromEntries(TIMED_KERNELS.map((k) => [k, 0])) as Record<TimedKernel, number>;
  const seconds = zero();
  const calls = zero();
  const add = (k: TimedKernel, t0: number): void => {
    seconds[k] += (performance.now() - t0) / 1e3;
    calls[k]++;
  };
  const self: TimedBackend = {
    name: inner.name,
    threads: inner.threads,
    detail: inner.detail,
    maxFloats: inner.maxFloats,
    seconds,
    calls,
    recording: null,
    reset() {
      for (const k of TIMED_KERNELS) {
        seconds[k] = 0;
        calls[k] = 0;
      }
    },
    alloc: (n) => inner.alloc(n),
    free: (b) => inner.free(b),
    gemm(transA, transB, m, n, k, alpha, a, b, beta, c) {
      const t0 = performance.now();
      inner.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
      add('gemm', t0);
      self.recording?.push(() => inner.gemm(transA, transB, m, n, k, alpha, a, b, beta, c));
    },
    biasActivation(act, s, bias, z, rows, cols) {
      const t0 = performance.now();
      inner.biasActivation(act, s, bias, z, rows, cols);
      add('biasActivation', t0);
    },
    activationBackward(act, s, gz, gs, n) {
      const t0 = performance.now();
      inner.activationBackward(act, s, gz, gs, n);
      add('activationBackward', t0);
    },
    softmaxNll(logits, targets, rows, cols, grad, scale, probs) {
      const t0 = performance.now();
      const r = inner.softmaxNll(logits, targets, rows, cols, grad, scale, probs);
      add('softmaxNll', t0);
      return r;
    },
    softmaxQuadratic(logits, targets, rows, cols, grad, scale) {
      const t0 = performance.now();
      const r = inner.softmaxQuadratic(logits, targets, rows, cols, grad, scale);
      add('softmaxQuadratic', t0);
      return r;
    },
    colSum(a, rows, cols, alpha, beta, out) {
      const t0 = performance.now();
      inner.colSum(a, rows, cols, alpha, beta, out);
      add('colSum', t0);
    },
    dispose: () => inner.dispose(),
  };
  return self;
}

/** One of our backends training the benchmarked network. */
export interface OurContender extends Contender {
  readonly backend: Backend;
  readonly mlp: Mlp;
}

/**
 * Creates `name` with `threads` kernel threads and the network of `widths` on it.
 * @throws BackendUnavailableError when the backend is not built.
 */
export async function startOurs(
  name: BackendName,
  threads: number,
  widths: readonly number[],
  batches: readonly number[],
  wrap?: (b: Backend) => Backend,
): Promise<OurContender> {
  const inner = await createBackend({ name, threads });
  const backend = wrap ? wrap(inner) : inner;
  const mlp = benchMlp(backend, widths, batches);
  return {
    id: `${name}-${threads}`,
    label: `${name} · ${threads} thread${threads === 1 ? '' : 's'}`,
    threads,
    batches,
    peer: false,
    backend,
    mlp,
    async run(batch, steps) {
      const t0 = performance.now();
      for (let k = 0; k < steps; k++) mlp.trainStep(null, null, batch, BENCH_LR);
      return (performance.now() - t0) / 1e3;
    },
    async dispose() {
      mlp.dispose();
      backend.dispose();
    },
  };
}
