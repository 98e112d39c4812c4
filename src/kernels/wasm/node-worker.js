// Entry of a wasm-backend kernel worker under Node (worker_threads); see ./worker-body.js.
import { parentPort, workerData } from 'node:worker_threads';
import { runKernelWorker } from './worker-body.js';

runKernelWorker(workerData, (message) => parentPort?.postMessage(message));
