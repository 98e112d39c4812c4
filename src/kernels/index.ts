/**
 * Choosing and creating a compute backend.
 *
 * Automatic choice: `native` when its addon is built and loads, else `wasm`. `GLOROT_BACKEND`
 * (`reference|wasm|native`) forces one, `GLOROT_THREADS` sets the kernel thread count (default 1:
 * parallel runs are the better use of cores, see docs/DECISIONS.md). Explicit options win over the
 * environment.
 */
import { totalmem } from 'node:os';
import { type Backend, type BackendName, BACKEND_NAMES, BackendUnavailableError } from './backend.ts';
import { createReferenceBackend } from './reference.ts';

export * from './backend.ts';

/** Options for {@link createBackend}. */
export interface BackendOptions {
  /** Which backend; default: `GLOROT_BACKEND`, else automatic (native, then wasm). */
  name?: BackendName | 'auto';
  /** Kernel threads (≥ 1); default: `GLOROT_THREADS`, else 1. */
  threads?: number;
}

/**
 * Parses a backend name as given by a user (option or environment variable).
 * @throws Error naming `source`, the valid values and what was found.
 */
export function parseBackendName(value: string, source: string): BackendName | 'auto' {
  if (value === 'auto' || (BACKEND_NAMES as readonly string[]).includes(value)) {
    return value as BackendName | 'auto';
  }
  throw new Error(`${source}: expected one of auto, ${BACKEND_NAMES.join(', ')}; found "${value}"`);
}

/**
 * Parses a thread count as given by a user.
 * @throws Error naming `source` when it is not an integer from 1 to 64.
 */
export function parseThreads(value: string | number, source: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new Error(`${source}: expected a whole number of threads from 1 to 64; found "${String(value)}"`);
  }
  return n;
}

/**
 * Creates a backend.
 * @throws BackendUnavailableError when the requested backend cannot be loaded (with how to build it).
 * @throws Error when `GLOROT_BACKEND` or `GLOROT_THREADS` hold invalid values.
 */
export async function createBackend(options: BackendOptions = {}): Promise<Backend> {
  const envName = process.env['GLOROT_BACKEND'];
  const envThreads = process.env['GLOROT_THREADS'];
  const name =
    options.name ?? (envName !== undefined && envName !== '' ? parseBackendName(envName, 'GLOROT_BACKEND') : 'auto');
  const threads =
    options.threads ??
    (envThreads !== undefined && envThreads !== '' ? parseThreads(envThreads, 'GLOROT_THREADS') : 1);
  parseThreads(threads, 'threads');

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
