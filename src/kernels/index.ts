/**
 * Choosing and creating a compute backend.
 *
 * Automatic choice: `native` when its addon is built and loads, else `wasm`. The caller says which
 * backend and how many kernel threads (default 1: parallel runs are the better use of cores, see
 * docs/DECISIONS.md); the command line reads `--backend`/`--threads` and the environment variables
 * `GLOROT_BACKEND`/`GLOROT_THREADS` (src/cli/backend.ts), nothing here does.
 */
import { totalmem } from 'node:os';
import { type Backend, type BackendName, BackendUnavailableError } from './backend.ts';
import { createReferenceBackend } from './reference.ts';

export * from './backend.ts';

/** Options for {@link createBackend}. */
export interface BackendOptions {
  /** Which backend (default `auto`: native, then wasm). */
  name?: BackendName | 'auto';
  /** Kernel threads (default 1; each backend refuses a count it cannot run). */
  threads?: number;
}

/**
 * Creates a backend.
 * @throws BackendUnavailableError when the requested backend cannot be loaded (with how to build it).
 * @throws RangeError from the backend when it cannot run `threads` kernel threads.
 */
export async function createBackend(options: BackendOptions = {}): Promise<Backend> {
  const name = options.name ?? 'auto';
  const threads = options.threads ?? 1;
  if (name === 'reference') return createReferenceBackend(Math.floor(totalmem() / 4));
  if (name === 'native') return (await import('./native/index.ts')).createNativeBackend(threads);
  if (name === 'wasm') return (await import('./wasm/index.ts')).createWasmBackend(threads);
  try {
    return await (await import('./native/index.ts')).createNativeBackend(threads);
  } catch (e) {
    if (!(e instanceof BackendUnavailableError)) throw e;
  }
  return (await import('./wasm/index.ts')).createWasmBackend(threads);
}

/** One line naming the backend, its threads and details, printed by the CLI at start. */
export function describeBackend(b: Backend): string {
  return `backend ${b.name} · ${b.threads} thread${b.threads === 1 ? '' : 's'} · ${b.detail}`;
}
