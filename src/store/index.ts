/**
 * The run record (src/store): the SQLite database of runs, probe statistics and artifacts,
 * checkpoints, CSV / TensorBoard exports, and all durable file writing. See docs/STORE.md for the
 * schema and how to query it; the records' names and types are src/core/metrics.ts's.
 */
export { outDirFileProblem, type OutDirFileProblem } from './confine.ts';
export { DEFAULT_OUT_DIR, DATABASE_FILE, databasePath, defaultCsvDir, defaultTensorboardDir, ensureDir } from './paths.ts';
export { openRunStore, RunStore, type OpenRunStoreOptions, type CreateRunOptions, type ReadMode } from './runStore.ts';
export { SEGMENTS_KEY, runSegments, formatSegments, type RunSegment } from './segments.ts';
export { RunStoreError, type RunStoreErrorCode } from './errors.ts';
export { SCHEMA_VERSION } from './schema.ts';
export { configDepth, validateRunId } from './runId.ts';
export { writeFileAtomic, writeFileAtomicChunks, removeStaleTemporaries } from './durable.ts';
export { acquireJobLock, acquireRunLock, describeLockOwner, jobLockPath, readLock, runLockPath, type LockOwner, type LockState } from './locks.ts';
export * from './types.ts';
export {
  writeCheckpoint,
  readCheckpoint,
  checkpointDir,
  CheckpointError,
  type Checkpoint,
  type CheckpointStep,
  type WriteCheckpointOptions,
} from './checkpoint.ts';
export { exportCsv, exportTensorboard, layerTag, scalarTag, type ExportResult } from './export.ts';
export { BY_PROBE_DIR, RunEventLog, type EventLogCounts } from './tensorboard-run.ts';
export { snapshotOutDir, type SnapshotCheckpoints, type SnapshotOptions, type SnapshotRun, type SnapshotSummary } from './snapshot.ts';
