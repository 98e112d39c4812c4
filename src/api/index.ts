/**
 * glorot as a library: `import { … } from 'glorot'` (package.json `exports` → lib/glorot.js, which
 * loads this file through tsx; types in build/types). A short API for training a network with its
 * probes and reading run records from TypeScript; docs/API.md shows it in use. Everything here is
 * re-exported from the layer that owns it: this file adds no behaviour but {@link openRecord}.
 */
import { openRunStore, type RunStore } from '../store/index.ts';

/** Training: one run with probes and checkpoints, its options and result (src/run/train.ts). */
export { train, ResumableRunError, type TrainOptions, type TrainProgress, type TrainResult } from '../run/train.ts';
/** The training configuration: schema, defaults, validation (src/config/training.ts). */
export { parseTrainConfig, TRAIN_DEFAULTS, TrainConfigSchema, type TrainConfig } from '../config/training.ts';
/** Compute backends (src/kernels): `createBackend({ name: 'auto', threads: 1 })`; dispose it after use. */
export { createBackend, describeBackend, type BackendOptions } from '../kernels/index.ts';
export type { Backend } from '../kernels/backend.ts';
/** The run record (src/store, docs/STORE.md). */
export {
  DEFAULT_OUT_DIR,
  exportCsv,
  exportTensorboard,
  openRunStore,
  RunStore,
  RunStoreError,
  type EvaluationPoint,
  type ExportResult,
  type OpenRunStoreOptions,
  type RunInfo,
  type RunStatus,
  type ScalarPoint,
  type StoredHistogram,
} from '../store/index.ts';
/** The metric vocabulary: every statistic's and histogram's name, definition and unit (src/core/metrics.ts). */
export {
  HISTOGRAM_METRICS,
  NETWORK_LAYER,
  SCALAR_METRICS,
  SPLITS,
  type EvaluationRecord,
  type HistogramTensor,
  type ScalarName,
  type Split,
} from '../core/metrics.ts';
/** Bad input: the error every layer throws for an invalid value, naming its field (src/core/errors.ts). */
export { InvalidInputError, type InputIssue } from '../core/errors.ts';
/** glorot's version (package.json). */
export { glorotVersion } from '../core/version.ts';

/**
 * Opens the run record of an output directory for reading (never writes; safe while a run trains:
 * readers see each probe point whole or not at all). Close it with `record.close()`.
 * @param outDir the output directory a `train` or `reproduce` wrote (holding glorot.sqlite).
 * @throws RunStoreError `NO_DATABASE` when the directory holds no record, `NOT_A_RUN_RECORD`,
 *   `SCHEMA_TOO_NEW` or `CORRUPT` (see openRunStore).
 */
export function openRecord(outDir: string): RunStore {
  return openRunStore(outDir, { readonly: true });
}
