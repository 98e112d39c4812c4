/**
 * The `wasm` backend under Node: loads the compiled kernels from build/wasm/ (written by
 * scripts/build-wasm.mjs during `npm ci`), picks the relaxed-SIMD build when this V8 accepts it,
 * and runs kernel workers on worker_threads. The host-independent part is ./core.ts.
 *
 * Relaxed SIMD on Node 20 validates only after `v8.setFlagsFromString('--experimental-wasm-relaxed-simd')`
 * (the flag is refused in NODE_OPTIONS); it is set here, once, when the relaxed build does not
 * validate without it. V8 flags are process-wide, so workers see it too
 * (shared/notes/ENGINEERING.md, "Lessons").
 */
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { type Backend, BackendUnavailableError } from '../backend.ts';
import {
  createWasmBackendOn,
  type KernelWorker,
  type KernelWorkerStart,
  type WasmBuild,
  type WasmCoreOptions,
  type WasmHost,
} from './core.ts';
import { type WasmModule, wasmApi } from './wasm-api.ts';

export { DEFAULT_TUNING, type WasmBuild, type WasmTuning } from './core.ts';

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions extends WasmCoreOptions {
  /**
   * Which build: `'auto'` (default) uses relaxed SIMD (FMA) when this engine validates it, else
   * plain SIMD; `'plain'` forces plain SIMD; `'relaxed'` fails when it is not supported.
   */
  build?: WasmBuild | 'auto';
  /**
   * Whether the calling thread may block in `Atomics.wait` while workers finish (default true).
   * `false` spins instead, as a browser page's main thread must; here it lets tests run that path.
   */
  canBlock?: boolean;
}

const BUILD_DIR = new URL('../../../build/wasm/', import.meta.url);
const FILES: Record<WasmBuild, string> = { plain: 'kernels-simd.wasm', relaxed: 'kernels-relaxed.wasm' };
const HOW_TO_BUILD = 'build them with `npm run build` (or `node scripts/build-wasm.mjs`)';

const modules = new Map<WasmBuild, Promise<WasmModule>>();

async function readBuild(build: WasmBuild): Promise<Uint8Array> {
  const url = new URL(FILES[build], BUILD_DIR);
  try {
    return await readFile(url);
  } catch (e) {
    throw new BackendUnavailableError(
      'wasm',
      `the WebAssembly kernels are not built (${url.pathname}: ${e instanceof Error ? e.message : String(e)}); ${HOW_TO_BUILD}`,
    );
  }
}

/** Whether `bytes` validate, after enabling relaxed SIMD in V8 if they do not at first. */
function relaxedValidates(bytes: Uint8Array): boolean {
  if (wasmApi.validate(bytes)) return true;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return wasmApi.validate(bytes);
}

/**
 * Compiles `bytes` with TurboFan only: V8's `--no-liftoff --no-wasm-lazy-compilation` are set for
 * this compile and restored after (unless Node was started with them). With the default
 * Liftoff-first dynamic tiering, a busy 2-thread run (the caller computing, the worker spinning on
 * the other core) starved V8's background tier-up job, and in about half the processes the
 * caller's kernels stayed in baseline code, 3× slower, for the whole run. The module is ≈ 20 KB;
 * compiling it all with TurboFan takes a few ms. Flags are process-wide, hence the restore: other
 * modules keep V8's defaults.
 */
async function compileOptimized(bytes: Uint8Array): Promise<WasmModule> {
  const startedWith = (flag: string): boolean => process.execArgv.includes(flag);
  setFlagsFromString('--no-liftoff');
  setFlagsFromString('--no-wasm-lazy-compilation');
  try {
    return await wasmApi.compile(bytes);
  } finally {
    if (!startedWith('--no-liftoff')) setFlagsFromString('--liftoff');
    if (!startedWith('--no-wasm-lazy-compilation')) setFlagsFromString('--wasm-lazy-compilation');
  }
}

/** The compiled module of a build (compiled once per process). */
function loadModule(build: WasmBuild): Promise<WasmModule> {
  let p = modules.get(build);
  if (!p) {
    p = (async () => {
      const bytes = await readBuild(build);
      if (build === 'relaxed' ? !relaxedValidates(bytes) : !wasmApi.validate(bytes)) {
        throw new BackendUnavailableError(
          'wasm',
          `this JavaScript engine does not accept the ${build === 'relaxed' ? 'relaxed-SIMD' : 'SIMD'} build ` +
            `${FILES[build]} (Node ${process.versions.node}, V8 ${process.versions.v8})` +
            (build === 'plain' ? `; if the file is damaged, ${HOW_TO_BUILD}` : ''),
        );
      }
      return compileOptimized(bytes);
    })();
    p.catch(() => modules.delete(build)); // a later call may retry (e.g. after a build)
    modules.set(build, p);
  }
  return p;
}

/** Starts a kernel worker on worker_threads; resolves when it reports ready. */
function startNodeWorker(start: KernelWorkerStart): Promise<KernelWorker> {
  return new Promise((resolve, reject) => {
    // execArgv: [] — the worker is plain JavaScript and needs no TypeScript loader
    const worker = new Worker(new URL('./node-worker.js', import.meta.url), { workerData: start, execArgv: [] });
    let ready = false;
    let lastError: string | undefined;
    const handle: KernelWorker = {
      terminate: () => void worker.terminate(),
      get lastError() {
        return lastError;
      },
    };
    worker.on('message', (m: { type: 'ready' } | { type: 'error'; message: string }) => {
      if (m.type === 'ready') {
        ready = true;
        // from now on the worker never keeps the process alive, so CLI commands exit without
        // dispose() (unref after the listeners: adding a 'message' listener refs the port again)
        worker.unref();
        resolve(handle);
      } else {
        lastError = m.message;
        if (!ready) reject(new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      lastError = e.message;
      if (!ready) reject(e);
    });
    worker.on('exit', (code) => {
      if (!ready) reject(new Error(`kernel worker ${start.index} exited with code ${code} before it was ready`));
    });

  });
}

/**
 * Creates the wasm backend (AssemblyScript → WebAssembly SIMD kernels).
 * @param threads kernel threads, 1–64; with T > 1, T − 1 worker threads share the memory and
 *   large calls are split statically (bit-identical results for a given T).
 * @param options build choice, memory limit, and thread tuning (see {@link WasmBackendOptions}).
 * @throws BackendUnavailableError when the kernels are not built or the engine rejects them.
 * @throws RangeError for an invalid `threads` or `maxMemoryPages`.
 */
export async function createWasmBackend(threads: number, options: WasmBackendOptions = {}): Promise<Backend> {
  const choice = options.build ?? 'auto';
  let build: WasmBuild;
  let module: WasmModule;
  if (choice === 'auto') {
    try {
      module = await loadModule('relaxed');
      build = 'relaxed';
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      module = await loadModule('plain');
      build = 'plain';
    }
  } else {
    module = await loadModule(choice);
    build = choice;
  }
  const host: WasmHost = { module, build, canBlock: options.canBlock ?? true, startWorker: startNodeWorker };
  return createWasmBackendOn(host, threads, options);
}
