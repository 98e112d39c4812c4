/**
 * The backends that can be created on this machine, for tests that must run on every one.
 * `native` is listed only when its addon is built (CI builds it and sets GLOROT_REQUIRE_NATIVE=1, in
 * which case a missing addon is an error rather than a skip).
 */
import type { Backend, BackendName } from '../../src/kernels/backend.ts';
import { BackendUnavailableError } from '../../src/kernels/backend.ts';
import { createBackend } from '../../src/kernels/index.ts';

export async function availableBackends(threads = 1): Promise<Array<{ name: BackendName; backend: Backend }>> {
  const out: Array<{ name: BackendName; backend: Backend }> = [];
  for (const name of ['reference', 'wasm', 'native'] as const) {
    try {
      out.push({ name, backend: await createBackend({ name, threads }) });
    } catch (e) {
      const missingModule = e instanceof Error && /Cannot find module/.test(e.message);
      if (name === 'native' && e instanceof BackendUnavailableError && process.env['GLOROT_REQUIRE_NATIVE'] !== '1') continue;
      if (missingModule && process.env['GLOROT_REQUIRE_NATIVE'] !== '1') continue; // backend not written yet
      throw e;
    }
  }
  return out;
}
