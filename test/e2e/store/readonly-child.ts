/**
 * Child of readonly-dir.test.ts, run as a user who cannot write the record's directory: opens
 * `<argv[2]>` read-only and prints `{mode, runs}` as JSON, or `{error, code}` when it cannot.
 */
import { openRunStore, RunStoreError } from '../../../src/store/index.ts';

try {
  const store = openRunStore(process.argv[2]!, { readonly: true });
  console.log(JSON.stringify({ mode: store.mode, runs: store.listRuns().map((r) => r.id) }));
  store.close();
} catch (e) {
  console.log(JSON.stringify({ error: (e as Error).message, code: e instanceof RunStoreError ? e.code : null }));
}
