/**
 * The `wasm` backend, independent of the JavaScript host: it imports nothing from Node, so a
 * browser page or Web Worker can use it with its own {@link WasmHost} (how to get the compiled
 * module, how to start a kernel worker running ./worker-body.js). The Node host is in ./index.ts.
 * In a browser, shared WebAssembly memory needs a cross-origin isolated page (COOP/COEP headers),
 * and a page's main thread cannot block: give it `canBlock: false` (it then spins while waiting).
 *
 * Memory: one shared `WebAssembly.Memory`, imported by every instance of the kernel module (the
 * calling thread's and each worker's). Buffers from {@link Backend.alloc} are `Float32Array` views
 * of it, 64-byte aligned; views of a SharedArrayBuffer stay valid when the memory grows. The first
 * 64 KiB are never handed out (so no buffer sits at address 0); then come the thread control block
 * and one workspace per thread (GEMM packing buffers), allocated once.
 *
 * Threads: with `threads` = T > 1, T − 1 workers instantiate the module on the same memory and
 * serve jobs posted in a control block (Atomics, no message per call). Large calls are split
 * statically (GEMM by output column blocks, or row blocks when C is narrow; elementwise calls by
 * rows), so results are bit-identical for a given T (and, as the kernels are written, for any T).
 */
import { activationOf } from '../../core/activations.ts';
import { describeValue } from '../../core/describe.ts';
import type { Backend } from '../backend.ts';
import { checkAllocLength, checkCostArgs, checkDim, checkFloat32, checkGemm, checkLength } from '../checks.ts';
import type { LossInto } from '../hot-path.ts';
import { softmaxNllRows, softmaxQuadraticRows } from './costs.ts';
import { BLOCK_ALIGN, BlockAllocator } from './memory.ts';
import { type WasmMemory, type WasmModule, WASM_PAGE, wasmApi } from './wasm-api.ts';

/** The kernel module's exports (src/kernels/wasm/assembly/index.ts); pointers are byte offsets. */
interface KernelExports {
  controlBytes(threads: number): number;
  workspaceBytes(): number;
  init(control: number, workspace: number, index: number, count: number): void;
  setTuning(flops: number, elements: number, spinCaller: number, spinWorkers: number): void;
  gemm(transA: number, transB: number, m: number, n: number, k: number, alpha: number,
    a: number, b: number, beta: number, c: number): number;
  biasActivation(act: number, s: number, bias: number, z: number, rows: number, cols: number): number;
  activationBackward(act: number, s: number, gz: number, gs: number, n: number): number;
  colSum(a: number, rows: number, cols: number, alpha: number, beta: number, out: number): void;
  joinPoll(spins: number): number;
  pendingAddress(): number;
  pendingValue(): number;
  stopWorkers(): void;
}

/** Byte offset in the control block of the word used to recognise views of the memory. */
const PROBE_BYTE = 12;

/** Status codes of the kernel entry points (assembly/index.ts). */
const DONE = 0;
const PENDING = 2;

/** Which compiled variant of the kernels runs. */
export type WasmBuild = 'relaxed' | 'plain';

/** What a kernel worker needs to start; structured-clonable (postMessage / workerData). */
export interface KernelWorkerStart {
  /** The compiled kernel module (the same build as the calling thread's). */
  module: WasmModule;
  /** The shared memory. */
  memory: WasmMemory;
  /** Byte offset of the thread control block. */
  control: number;
  /** Byte offset of this worker's workspace. */
  workspace: number;
  /** Thread index, 1 … threads − 1 (0 is the calling thread). */
  index: number;
  /** Total kernel threads. */
  threads: number;
  /** Spin iterations before the worker blocks waiting for the next job. */
  spin: number;
}

/** A started kernel worker, as the host reports it. */
export interface KernelWorker {
  /** Stops the thread (after the backend has asked it to leave its loop). */
  terminate(): void;
  /** The last error the worker reported, if any. */
  readonly lastError: string | undefined;
}

/** What the JavaScript host provides. */
export interface WasmHost {
  /** The compiled kernel module. */
  readonly module: WasmModule;
  /** Which build `module` is. */
  readonly build: WasmBuild;
  /** Whether the calling thread may block in `Atomics.wait` (false on a browser's main thread). */
  readonly canBlock: boolean;
  /**
   * Starts one kernel worker running ./worker-body.js's `runKernelWorker(start, post)`: it
   * instantiates `start.module` on `start.memory`, reports ready, and serves jobs until disposed.
   * Resolves once the worker is ready. The worker must not keep the host process alive.
   */
  startWorker(start: KernelWorkerStart): Promise<KernelWorker>;
}

/** When work is split across threads, and how long threads spin before blocking. */
export interface WasmTuning {
  /** Smallest GEMM, in flops (2·m·n·k), split across threads. */
  minParallelFlops: number;
  /** Smallest biasActivation / activationBackward call, in elements, split across threads. */
  minParallelElements: number;
  /** Spin iterations of the calling thread waiting for workers before it blocks. */
  spinCaller: number;
  /** Spin iterations of an idle worker before it blocks (keeps back-to-back calls cheap). */
  spinWorker: number;
}

/**
 * Defaults, from bench/gemm-wasm.ts on the 2-core Zen 4 machine: a split pays off from ≈ 4 MFLOP
 * (≈ 70 µs on one thread), well above the ≈ 10–30 µs it costs to wake a blocked worker. A spin
 * iteration costs ≈ 0.25 ns in optimised code: an idle worker spins ≈ 130 µs, longer than the
 * gaps between the kernel calls of one training step, and the caller ≈ 65 µs before blocking.
 */
export const DEFAULT_TUNING: Readonly<WasmTuning> = {
  minParallelFlops: 4e6,
  minParallelElements: 1 << 15,
  spinCaller: 1 << 18,
  spinWorker: 1 << 19,
};

/** Options of {@link createWasmBackendOn}. */
export interface WasmCoreOptions {
  /** Maximum memory in 64 KiB pages (≤ 65536 = 4 GiB, the module's declared maximum). */
  maxMemoryPages?: number;
  /** Overrides of {@link DEFAULT_TUNING}. */
  tuning?: Partial<WasmTuning>;
}

/** First byte offset handed out: page 0 stays unused (no buffer at address 0). */
const HEAP_BASE = WASM_PAGE;

/**
 * Creates the wasm backend on a host.
 * @param threads kernel threads (≥ 1); T − 1 workers are started through the host.
 * @throws RangeError when `threads` or `maxMemoryPages` is out of range.
 * @throws Error when a worker fails to start.
 */
export async function createWasmBackendOn(
  host: WasmHost,
  threads: number,
  options: WasmCoreOptions = {},
): Promise<Backend & LossInto> {
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`threads must be an integer from 1 to 64, got ${String(threads)}`);
  }
  const maxPages = options.maxMemoryPages ?? 65536;
  if (!Number.isInteger(maxPages) || maxPages < 32 || maxPages > 65536) {
    throw new RangeError(`maxMemoryPages must be an integer from 32 to 65536, got ${String(maxPages)}`);
  }
  const tuning: WasmTuning = { ...DEFAULT_TUNING, ...options.tuning };

  const memory = new wasmApi.Memory({ initial: 32, maximum: maxPages, shared: true });
  const instance = await wasmApi.instantiate(host.module, { env: { memory } });
  const kernels = instance.exports as unknown as KernelExports;

  // SharedArrayBuffer objects known to be views of this memory. V8 hands out a new object after a
  // grow, and may replace it again later (it refreshes shared memories lazily), so identity with
  // memory.buffer is not enough: an unknown buffer is recognised by a probe word (below).
  const ownBuffers = new WeakSet<ArrayBufferLike>([memory.buffer]);
  const heap = new BlockAllocator(HEAP_BASE, (end) => {
    const have = memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / WASM_PAGE);
    try {
      memory.grow(pages);
    } catch (e) {
      throw new RangeError(
        `wasm backend: cannot grow memory to ${end} bytes (maximum ${maxPages} pages = ` +
          `${(maxPages * WASM_PAGE) / 2 ** 20} MiB): ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  });

  const control = heap.alloc(kernels.controlBytes(threads));
  new Uint8Array(memory.buffer, control, kernels.controlBytes(threads)).fill(0);
  const workspaces = Array.from({ length: threads }, () => heap.alloc(kernels.workspaceBytes()));
  kernels.init(control, workspaces[0]!, 0, threads);
  kernels.setTuning(tuning.minParallelFlops, tuning.minParallelElements, tuning.spinCaller, tuning.spinWorker);

  const workers: KernelWorker[] = [];
  try {
    for (let t = 1; t < threads; t++) {
      workers.push(
        await host.startWorker({
          module: host.module, memory, control, workspace: workspaces[t]!, index: t, threads, spin: tuning.spinWorker,
        }),
      );
    }
  } catch (e) {
    if (workers.length > 0) kernels.stopWorkers();
    for (const w of workers) w.terminate();
    throw e;
  }

  let disposed = false;
  const live = (): void => {
    if (disposed) throw new Error('wasm backend used after dispose()');
  };
  const controlWords = new Int32Array(memory.buffer, control, kernels.controlBytes(threads) / 4);
  let probeToken = (Math.random() * 2 ** 31) | 0;
  /** Whether `buf` is this memory: a token written through our view is read back through it. */
  const isOwnBuffer = (buf: ArrayBufferLike): boolean => {
    if (ownBuffers.has(buf)) return true;
    if (!(buf instanceof SharedArrayBuffer) || buf.byteLength < control + 16) return false;
    // two fresh tokens (another backend's memory has its own probe word at the same offset)
    const probe = new Int32Array(buf, control + PROBE_BYTE, 1);
    for (let i = 0; i < 2; i++) {
      probeToken = (probeToken + 0x9e37_79b9) | 0;
      Atomics.store(controlWords, PROBE_BYTE / 4, probeToken);
      if (Atomics.load(probe, 0) !== probeToken) return false;
    }
    ownBuffers.add(buf);
    return true;
  };
  /** Byte offset of a buffer in this backend's memory. */
  const ptr = (name: string, v: Float32Array): number => {
    if (!(v instanceof Float32Array)) {
      throw new TypeError(`${name} must be a Float32Array from this wasm backend's alloc(), got ${describeValue(v)}`);
    }
    if (!isOwnBuffer(v.buffer)) {
      throw new TypeError(
        `${name} is not in this wasm backend's memory: the wasm kernels can only read buffers ` +
          `from its alloc() (copy the data into one)`,
      );
    }
    return v.byteOffset;
  };
  /** Waits (in JavaScript) for the workers of a call that returned PENDING; throws if one failed. */
  const check = (status: number): void => {
    let rc = status;
    while (rc === PENDING) {
      const index = (kernels.pendingAddress() - control) >> 2;
      const doneValue = kernels.pendingValue();
      const now = Atomics.load(controlWords, index);
      // block while the worker's DONE word still holds its old value (bounded, to re-check errors)
      if (now !== doneValue && host.canBlock) Atomics.wait(controlWords, index, now, 100);
      rc = kernels.joinPoll(host.canBlock ? 1000 : 1 << 20);
    }
    if (rc !== DONE) {
      const why = workers.map((w) => w.lastError).find((e) => e !== undefined);
      throw new Error(`wasm backend: a kernel worker failed${why ? `: ${why}` : ''}; the backend is unusable`);
    }
  };
  let rowScratch = new Float64Array(16);
  const ownLoss = new Float64Array(1);
  const scratch = (cols: number): Float64Array => {
    if (rowScratch.length < cols) rowScratch = new Float64Array(cols);
    return rowScratch;
  };
  // Validation in the native addon's order (dimensions, logits, targets, grad, scale, probs), so
  // every backend reports the same first problem; then each buffer's memory.
  const nll = (logits: Float32Array, targets: Int32Array, rows: number, cols: number, grad: Float32Array | null, scale: number,
    probs: Float32Array | null, loss: Float64Array): void => {
    live();
    checkCostArgs(logits, targets, rows, cols, grad, scale);
    if (probs !== null) checkFloat32('probs', probs, rows * cols);
    ptr('logits', logits);
    if (grad) ptr('grad', grad);
    if (probs) ptr('probs', probs);
    softmaxNllRows(logits, targets, rows, cols, grad, scale, probs, scratch(cols), loss);
  };
  const quadratic = (logits: Float32Array, targets: Int32Array, rows: number, cols: number, grad: Float32Array | null, scale: number,
    loss: Float64Array): void => {
    live();
    checkCostArgs(logits, targets, rows, cols, grad, scale);
    ptr('logits', logits);
    if (grad) ptr('grad', grad);
    softmaxQuadraticRows(logits, targets, rows, cols, grad, scale, scratch(cols), loss);
  };

  return {
    name: 'wasm',
    threads,
    // everything above the kernels' own blocks (control block, workspaces): an upper bound, as each
    // buffer is rounded up to BLOCK_ALIGN bytes
    maxFloats: Math.floor((maxPages * WASM_PAGE - heap.stats().top) / 4),
    detail:
      `AssemblyScript → WebAssembly ${host.build === 'relaxed' ? 'relaxed SIMD (FMA via f32x4.relaxed_madd)' : 'SIMD (no FMA)'}` +
      (threads > 1 ? `, ${threads - 1} worker thread${threads > 2 ? 's' : ''}` : ''),

    alloc(length: number): Float32Array {
      live();
      checkAllocLength(length);
      if (length > 2 ** 30) throw new RangeError(`alloc length ${length} exceeds the 4 GiB wasm32 memory`);
      const start = heap.alloc(length * 4);
      const view = new Float32Array(memory.buffer, start, length);
      view.fill(0);
      return view;
    },

    free(buffer: Float32Array): void {
      live();
      const start = ptr('free: buffer', buffer);
      if (start % BLOCK_ALIGN !== 0 || heap.sizeOf(start) === undefined) {
        throw new Error(`free: the buffer at byte ${start} is not a live block from alloc() (freed twice, or a subarray)`);
      }
      heap.release(start);
    },

    gemm(transA, transB, m, n, k, alpha, a, b, beta, c): void {
      live();
      checkGemm(m, n, k, a, b, c);
      const pa = ptr('gemm A', a);
      const pb = ptr('gemm B', b);
      const pc = ptr('gemm C', c);
      if (m === 0 || n === 0) return;
      check(kernels.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, pa, pb, beta, pc));
    },

    biasActivation(activation, s, bias, z, rows, cols): void {
      live();
      checkDim('rows', rows);
      checkDim('cols', cols);
      checkLength('s', s, rows * cols);
      checkLength('bias', bias, cols);
      checkLength('z', z, rows * cols);
      const act = activationOf(activation).code;
      check(kernels.biasActivation(act, ptr('s', s), ptr('bias', bias), ptr('z', z), rows, cols));
    },

    activationBackward(activation, s, gz, gs, n): void {
      live();
      checkDim('n', n);
      checkLength('s', s, n);
      checkLength('gz', gz, n);
      checkLength('gs', gs, n);
      const act = activationOf(activation).code;
      check(kernels.activationBackward(act, ptr('s', s), ptr('gz', gz), ptr('gs', gs), n));
    },

    // The two costs run in TypeScript on the buffers in wasm memory (./costs.ts); the public
    // methods return the loss, the hot path's (src/kernels/hot-path.ts) write it into a buffer.
    softmaxNll(logits, targets, rows, cols, grad, scale, probs = null): number {
      nll(logits, targets, rows, cols, grad, scale, probs, ownLoss);
      return ownLoss[0]!;
    },

    softmaxQuadratic(logits, targets, rows, cols, grad, scale): number {
      quadratic(logits, targets, rows, cols, grad, scale, ownLoss);
      return ownLoss[0]!;
    },

    softmaxNllInto(logits, targets, rows, cols, grad, scale, loss): void {
      nll(logits, targets, rows, cols, grad, scale, null, loss);
    },

    softmaxQuadraticInto(logits, targets, rows, cols, grad, scale, loss): void {
      quadratic(logits, targets, rows, cols, grad, scale, loss);
    },

    colSum(a, rows, cols, alpha, beta, out): void {
      live();
      checkDim('rows', rows);
      checkDim('cols', cols);
      checkLength('a', a, rows * cols);
      checkLength('out', out, cols);
      kernels.colSum(ptr('a', a), rows, cols, alpha, beta, ptr('out', out));
    },

    dispose(): void {
      if (disposed) return;
      disposed = true;
      if (workers.length > 0) kernels.stopWorkers();
      for (const w of workers) w.terminate();
    },
  };
}
