// The package's entry point, `import { … } from 'glorot'`. glorot's sources are TypeScript run through
// tsx (a pinned dependency), as the `glorot` command runs them: this file loads src/api/index.ts with a
// tsx loader scoped to that import (tsImport: the importing program's own modules are left alone), and
// re-exports its names. Types: build/types/api/index.d.ts (built by `npm ci`/`npm run build`).
// test/e2e/api/package.test.ts checks that the names below are exactly src/api/index.ts's.
import { tsImport } from 'tsx/esm/api';

const api = await tsImport('../src/api/index.ts', import.meta.url);

export const {
  DEFAULT_OUT_DIR,
  HISTOGRAM_METRICS,
  InvalidInputError,
  NETWORK_LAYER,
  ResumableRunError,
  RunStore,
  RunStoreError,
  SCALAR_METRICS,
  SPLITS,
  TRAIN_DEFAULTS,
  TrainConfigSchema,
  createBackend,
  describeBackend,
  exportCsv,
  exportTensorboard,
  glorotVersion,
  openRecord,
  openRunStore,
  parseTrainConfig,
  train,
} = api;
