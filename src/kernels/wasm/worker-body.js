// The body of a wasm-backend kernel worker, shared by every JavaScript host (Node worker_threads:
// ./node-worker.js; a browser Web Worker: `self.onmessage = (e) => runKernelWorker(e.data,
// (m) => self.postMessage(m))`). Plain JavaScript, so it loads without a TypeScript loader.
//
// It instantiates the kernel module on the shared memory as thread `start.index`, reports ready,
// then serves jobs until the backend is disposed: the module's workerPoll() spins for a job and
// runs its part; when none comes, this loop blocks in Atomics.wait on the control block's SEQ
// word. Jobs arrive through the shared memory, never through messages. See
// src/kernels/wasm/core.ts (KernelWorkerStart) and assembly/index.ts (the control block).

/**
 * @param {{ module: WebAssembly.Module, memory: WebAssembly.Memory, control: number,
 *   workspace: number, index: number, threads: number, spin: number }} start
 * @param {(message: { type: 'ready' } | { type: 'error', message: string }) => void} post
 */
export function runKernelWorker(start, post) {
  let kernels;
  try {
    kernels = new WebAssembly.Instance(start.module, { env: { memory: start.memory } }).exports;
    kernels.init(start.control, start.workspace, start.index, start.threads);
    kernels.setTuning(0, 0, start.spin, start.spin);
  } catch (e) {
    post({ type: 'error', message: `kernel worker ${start.index} failed to start: ${String(e)}` });
    return;
  }
  const seq = new Int32Array(start.memory.buffer, start.control, 1); // SEQ: the job counter
  post({ type: 'ready' });
  try {
    for (;;) {
      const status = kernels.workerPoll(); // 0: nothing came, 1: ran a job, 2: quit
      if (status === 2) return;
      if (status === 0) Atomics.wait(seq, 0, kernels.workerSeen());
    }
  } catch (e) {
    kernels.workerFailed(); // releases the waiting caller, which then throws
    post({ type: 'error', message: `kernel worker ${start.index}: ${e instanceof Error ? e.stack ?? e.message : String(e)}` });
  }
}
