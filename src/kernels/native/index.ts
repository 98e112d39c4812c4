/**
 * The `native` backend: an N-API addon (native/addon.c, built into build/native/glorot.node by
 * scripts/build-native.mjs) over OpenBLAS `cblas_sgemm`, with vectorised C loops for the fused
 * bias+activation, the activation derivatives, the softmax costs and column sums.
 *
 * Every kernel follows the {@link Backend} contract (src/kernels/backend.ts): row-major `Float32Array`s,
 * batch on axis 0. The native backend accepts any `Float32Array` (no special allocation). Arguments are
 * validated in C: a wrong element type throws `TypeError`, a buffer shorter than its shape or a bad
 * dimension throws `RangeError` (same messages as the reference backend).
 *
 * Threads: OpenBLAS keeps one process-wide thread count. Each backend passes its own count with every
 * GEMM call and the addon calls `openblas_set_num_threads` only when it changes, so several backends
 * with different counts can coexist in one process (sequentially; do not run GEMMs with different
 * counts concurrently from worker threads). With 2+ threads, a small-batch product (op(A) with ≤ 24
 * rows, ≥ 256 output columns, m·n·k ≥ 2e6: the paper's minibatch of 10) is not threaded by OpenBLAS,
 * which is slower there than one thread, but cut into fixed column blocks that the calling thread and
 * a small pool (at most one thread per CPU) claim and run as single-threaded sgemm calls: 1.9× at
 * 10×1000×1000 on 2 cores. `OPENBLAS_CORETYPE` is left alone: OpenBLAS picks its kernels for the CPU
 * (see shared/notes/ENGINEERING.md).
 *
 * Determinism: for a fixed thread count and fixed shapes, results are bit-identical from call to call.
 * Results may differ in the last bits between thread counts and between CPUs (the elementwise kernels
 * are compiled for AVX-512, AVX2+FMA and baseline x86-64; the loader picks one per CPU).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { activationOf } from '../../core/activations.ts';
import { type Backend, BackendUnavailableError } from '../backend.ts';
import { checkAllocLength, scaleError } from '../checks.ts';
import type { LossInto } from '../hot-path.ts';

/** The addon's interface version this loader speaks (`GLOROT_ADDON_ABI` in native/addon.c). */
const ADDON_ABI = 1;

/** How to get the native backend, quoted in every "unavailable" message. */
export const NATIVE_BUILD_HINT = 'apt-get install -y libopenblas-dev && npm run build';

/** Default location of the compiled addon: `build/native/glorot.node` at the repository root. */
export const NATIVE_ADDON_PATH: string = fileURLToPath(new URL('../../../build/native/glorot.node', import.meta.url));

/** What the addon reports about itself and the OpenBLAS it is linked with. */
export interface NativeInfo {
  /** Interface version of the addon (must equal the loader's). */
  abi: number;
  /** `openblas_get_config()`, e.g. `"OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"`. */
  config: string;
  /** `openblas_get_corename()`: the kernel set OpenBLAS chose for this CPU, e.g. `"Haswell"`. */
  corename: string;
  /** `openblas_get_num_threads()` at the time of the call. */
  threads: number;
  /** `openblas_get_parallel()`: 0 sequential build, 1 pthreads, 2 OpenMP. */
  parallel: number;
  /** Which multiversioned clone of the elementwise kernels runs, e.g. `"x86-64-v4 (AVX-512)"`. */
  simd: string;
}

/**
 * The raw functions exported by build/native/glorot.node (argument order as in native/addon.c; each
 * mirrors the {@link Backend} method of the same name, with the activation as its code (`Activation.code`, src/core/activations.ts) and
 * the thread count as the first GEMM argument). Use {@link createNativeBackend} instead; the raw
 * interface is for benchmarks that measure the call overhead itself.
 */
export interface NativeAddon {
  /** {@link Backend.gemm} with the OpenBLAS thread count first (set only when it changes). */
  gemm(
    threads: number,
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    b: Float32Array,
    beta: number,
    c: Float32Array,
  ): void;
  /** {@link Backend.biasActivation} with the activation's code (`Activation.code`). */
  biasActivation(code: number, s: Float32Array, bias: Float32Array, z: Float32Array, rows: number, cols: number): void;
  /** {@link Backend.activationBackward} with the activation's code (`Activation.code`). */
  activationBackward(code: number, s: Float32Array, gz: Float32Array, gs: Float32Array, n: number): void;
  /**
   * {@link Backend.softmaxNll}; `probs` must be passed (null when unused). With `sum` the loss goes
   * to `sum[0]` and the call returns 0.
   */
  softmaxNll(
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    grad: Float32Array | null,
    scale: number,
    probs: Float32Array | null,
    sum?: Float64Array,
  ): number;
  /** {@link Backend.softmaxQuadratic}; with `sum` as softmaxNll. */
  softmaxQuadratic(
    logits: Float32Array,
    targets: Int32Array,
    rows: number,
    cols: number,
    grad: Float32Array | null,
    scale: number,
    sum?: Float64Array,
  ): number;
  /** {@link Backend.colSum}. */
  colSum(a: Float32Array, rows: number, cols: number, alpha: number, beta: number, out: Float32Array): void;
  /** See {@link singularValues}. */
  singularValues(a: Float32Array | Float64Array, m: number, n: number): Float64Array;
  /** See {@link NativeInfo}. */
  info(): NativeInfo;
  /** `openblas_set_num_threads(threads)` now (1 to 1024). */
  setThreads(threads: number): void;
  /** Does nothing but fetch `a`'s data pointer: measures the fixed cost of an N-API call. */
  nop(a?: Float32Array): void;
}

const loaded = new Map<string, NativeAddon>();

/**
 * Loads the addon (once per path) and returns its raw functions.
 * @param path the addon file (default {@link NATIVE_ADDON_PATH}).
 * @throws BackendUnavailableError when the file is missing, cannot be loaded (e.g. libopenblas.so.0
 *   absent) or was built from another version of native/addon.c; the message says how to build it.
 */
export function loadNativeAddon(path: string = NATIVE_ADDON_PATH): NativeAddon {
  const cached = loaded.get(path);
  if (cached) return cached;
  const unavailable = (why: string): BackendUnavailableError =>
    new BackendUnavailableError('native', `native backend unavailable: ${why}. Build it with: ${NATIVE_BUILD_HINT}`);
  if (!existsSync(path)) throw unavailable(`the addon ${path} is not built`);
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (e) {
    throw unavailable(`the addon ${path} could not be loaded (${e instanceof Error ? e.message : String(e)})`);
  }
  const abi = addon.info().abi;
  if (abi !== ADDON_ABI) {
    throw unavailable(`the addon ${path} is stale (interface ${abi}, expected ${ADDON_ABI}); rebuild it`);
  }
  loaded.set(path, addon);
  return addon;
}

/**
 * Whether the native addon is built and loads, without throwing.
 * @param addonPath the addon file (default {@link NATIVE_ADDON_PATH}).
 */
export function nativeAvailable(addonPath: string = NATIVE_ADDON_PATH): boolean {
  try {
    loadNativeAddon(addonPath);
    return true;
  } catch (e) {
    if (e instanceof BackendUnavailableError) return false;
    throw e;
  }
}

/**
 * What the addon reports about OpenBLAS (version, build config, detected core) and its SIMD level.
 * @throws BackendUnavailableError when the addon is not built (the message says how to build it).
 */
export function nativeInfo(addonPath: string = NATIVE_ADDON_PATH): NativeInfo {
  return loadNativeAddon(addonPath).info();
}

/** Options for {@link createNativeBackend}. */
export interface NativeBackendOptions {
  /** The addon file; default {@link NATIVE_ADDON_PATH}. For tests of the "not built" path. */
  addonPath?: string;
}

/**
 * Creates the native backend with `threads` OpenBLAS threads (set with `openblas_set_num_threads`).
 * `detail` names the OpenBLAS version and build config, the core OpenBLAS detected
 * (`openblas_get_corename()`) and the SIMD level of the elementwise kernels.
 * @param threads kernel threads, an integer ≥ 1 (a GEMM too small to split runs on one thread anyway;
 *   more threads than CPUs only oversubscribe them).
 * @throws BackendUnavailableError when the addon is not built or cannot load; its message says
 *   `apt-get install -y libopenblas-dev && npm run build`.
 * @throws RangeError when `threads` is not an integer from 1 to 1024.
 */
export async function createNativeBackend(threads: number, options: NativeBackendOptions = {}): Promise<Backend & LossInto> {
  const addon = loadNativeAddon(options.addonPath);
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new RangeError(`threads must be an integer from 1 to 1024, got ${String(threads)}`);
  }
  addon.setThreads(threads);
  const info = addon.info();
  const words = info.config.trim().split(/\s+/);
  const version = words.find((w) => /^\d+\.\d+/.test(w)) ?? 'unknown version';
  const flags = words.filter((w) => w !== 'OpenBLAS' && w !== version && w !== info.corename);
  const detail = `OpenBLAS ${version}, core ${info.corename} (${flags.join(' ')}), elementwise ${info.simd}`;

  return {
    name: 'native',
    threads,
    detail,
    // buffers are ordinary typed arrays: the machine's memory is the limit
    maxFloats: Math.floor(totalmem() / 4),

    alloc(length: number): Float32Array {
      checkAllocLength(length);
      return new Float32Array(length);
    },

    free(): void {},

    gemm(transA, transB, m, n, k, alpha, a, b, beta, c): void {
      addon.gemm(threads, transA, transB, m, n, k, alpha, a, b, beta, c);
    },

    biasActivation(activation, s, bias, z, rows, cols): void {
      addon.biasActivation(activationOf(activation).code, s, bias, z, rows, cols);
    },

    activationBackward(activation, s, gz, gs, n): void {
      addon.activationBackward(activationOf(activation).code, s, gz, gs, n);
    },

    // The addon validates every argument but accepts a NaN or infinite scale: the scale is checked
    // here, as the other backends do (a comparison on a value at hand, no call on the valid path).
    softmaxNll(logits, targets, rows, cols, grad, scale, probs = null): number {
      if (typeof scale !== 'number' || scale - scale !== 0) throw scaleError(scale);
      return addon.softmaxNll(logits, targets, rows, cols, grad, scale, probs);
    },

    softmaxQuadratic(logits, targets, rows, cols, grad, scale): number {
      if (typeof scale !== 'number' || scale - scale !== 0) throw scaleError(scale);
      return addon.softmaxQuadratic(logits, targets, rows, cols, grad, scale);
    },

    softmaxNllInto(logits, targets, rows, cols, grad, scale, loss): void {
      if (typeof scale !== 'number' || scale - scale !== 0) throw scaleError(scale);
      addon.softmaxNll(logits, targets, rows, cols, grad, scale, null, loss);
    },

    softmaxQuadraticInto(logits, targets, rows, cols, grad, scale, loss): void {
      if (typeof scale !== 'number' || scale - scale !== 0) throw scaleError(scale);
      addon.softmaxQuadratic(logits, targets, rows, cols, grad, scale, loss);
    },

    colSum(a, rows, cols, alpha, beta, out): void {
      addon.colSum(a, rows, cols, alpha, beta, out);
    },

    dispose(): void {},
  };
}

/**
 * Singular values of a dense row-major `m×n` matrix, in descending order (length `min(m, n)`), by
 * LAPACK's divide-and-conquer SVD without vectors (`sgesdd_` for a `Float32Array`, computed in
 * float32; `dgesdd_` for a `Float64Array`, in float64), as shipped inside OpenBLAS. The input is not
 * modified. Used for the spectrum of layer Jacobians `J^i = W^i·diag(f'(s^i))` (SPEC.md §3, eq. (17)).
 * Runs on the calling thread with the current OpenBLAS thread count (that of the last native backend
 * created or used). A 1000×1000 matrix takes ≈ 60 ms in float32 and ≈ 100 ms in float64 on one Zen 4
 * core (bench/gemm-native.ts).
 * @param a the matrix, row-major, at least `m*n` elements (only the first `m*n` are read).
 * @param m rows, a non-negative integer.
 * @param n columns, a non-negative integer (`m*n < 2^31`).
 * @param addonPath the addon file (default {@link NATIVE_ADDON_PATH}).
 * @returns a new Float64Array of the `min(m, n)` singular values, largest first.
 * @throws TypeError when `a` is not a Float32Array or Float64Array.
 * @throws RangeError when `m`/`n` are not non-negative integers, `a` is too short, or `a` holds a
 *   NaN or infinite entry (the message names its index).
 * @throws Error when LAPACK does not converge (practically never).
 * @throws BackendUnavailableError when the native addon is not built.
 */
export function singularValues(
  a: Float32Array | Float64Array,
  m: number,
  n: number,
  addonPath: string = NATIVE_ADDON_PATH,
): Float64Array {
  return loadNativeAddon(addonPath).singularValues(a, m, n);
}
