/**
 * Argument checks for the run record. Every check throws a {@link RunStoreError} `INVALID` whose
 * message names the offending field and the accepted values, so callers (the trainer, the CLI) can
 * pass it straight to the user.
 */
import {
  type EvaluationRecord,
  type HistogramRecord,
  type HistogramTensor,
  isHistogramTensor,
  isScalarName,
  type ScalarName,
  type ScalarRecord,
  SPLITS,
  type Split,
} from '../core/metrics.ts';
import { RunStoreError } from './errors.ts';
import { RUN_STATUSES, type RunStatus } from './types.ts';

function invalid(message: string): never {
  throw new RunStoreError('INVALID', message);
}

/** @throws RunStoreError `INVALID` unless `status` is one of {@link RUN_STATUSES}. */
export function parseRunStatus(status: string): RunStatus {
  if ((RUN_STATUSES as readonly string[]).includes(status)) return status as RunStatus;
  return invalid(`invalid run status "${status}": expected one of ${RUN_STATUSES.join(', ')}`);
}

/** @throws RunStoreError `INVALID` unless `split` is one of {@link SPLITS}. */
export function parseSplit(split: string): Split {
  if ((SPLITS as readonly string[]).includes(split)) return split as Split;
  return invalid(`invalid split "${split}": expected one of ${SPLITS.join(', ')}`);
}

/** @throws RunStoreError `INVALID` unless `n` is a safe integer ≥ `min`. */
export function checkInteger(n: unknown, what: string, min: number): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    invalid(`${what} must be an integer ≥ ${min}, found ${String(n)}`);
  }
  return n;
}

/** @throws RunStoreError `INVALID` unless `name` is a scalar name of the metric vocabulary (src/core/metrics.ts). */
export function checkScalarName(name: unknown, what: string): ScalarName {
  if (!isScalarName(name)) invalid(`${what} "${String(name)}" is not in the metric vocabulary (SCALAR_METRICS in src/core/metrics.ts), e.g. activation.mean`);
  return name;
}

/** @throws RunStoreError `INVALID` unless `tensor` is a histogram tensor of the metric vocabulary. */
export function checkHistogramTensor(tensor: unknown, what: string): HistogramTensor {
  if (!isHistogramTensor(tensor)) invalid(`${what} "${String(tensor)}" is not in the metric vocabulary ` +
    `(HISTOGRAM_TENSORS in src/core/metrics.ts), e.g. activation`);
  return tensor;
}

/** @throws RunStoreError `INVALID` for a bad layer, name or non-number value. */
export function checkScalar(s: ScalarRecord, where: string): void {
  checkInteger(s.layer, `${where}: scalar layer`, -1);
  checkScalarName(s.name, `${where}: scalar name`);
  if (typeof s.value !== 'number') invalid(`${where}: scalar ${s.name} (layer ${s.layer}) has a non-number value ${String(s.value)}`);
}

/**
 * @throws RunStoreError `INVALID` when the edges are not finite and strictly increasing, the counts
 *   are not `edges.length − 1` finite non-negative numbers, or a non-finite tally is not a count.
 */
export function checkHistogram(h: HistogramRecord, where: string): void {
  checkInteger(h.layer, `${where}: histogram layer`, -1);
  checkHistogramTensor(h.tensor, `${where}: histogram tensor`);
  const label = `${where}: histogram ${h.tensor} of layer ${h.layer}`;
  const { edges, counts } = h;
  if (edges.length < 2) invalid(`${label} needs at least 2 edges, found ${edges.length}`);
  if (counts.length !== edges.length - 1) {
    invalid(`${label} has ${edges.length} edges and ${counts.length} counts; it needs exactly one count per bin (edges − 1 = ${edges.length - 1})`);
  }
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    if (!Number.isFinite(e)) invalid(`${label}: edge ${i} is ${e}; edges must be finite`);
    if (i > 0 && !(e > edges[i - 1]!)) invalid(`${label}: edges must increase strictly, but edge ${i} = ${e} follows ${edges[i - 1]}`);
  }
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (!Number.isFinite(c) || c < 0) invalid(`${label}: count ${i} is ${c}; counts must be finite and ≥ 0`);
  }
  for (const key of ['nan', 'posInf', 'negInf'] as const) checkInteger(h[key], `${label}: ${key}`, 0);
}

/** @throws RunStoreError `INVALID` for a bad split, an error rate outside [0, 100] or a bad count. */
export function checkEvaluation(e: EvaluationRecord, where: string): void {
  parseSplit(e.split);
  const label = `${where}: ${e.split} evaluation`;
  if (typeof e.errorRate !== 'number' || !(e.errorRate >= 0 && e.errorRate <= 100)) {
    invalid(`${label}: error rate must be a percentage from 0 to 100, found ${String(e.errorRate)}`);
  }
  if (typeof e.nll !== 'number') invalid(`${label}: nll must be a number, found ${String(e.nll)}`);
  checkInteger(e.examples, `${label}: examples`, 0);
}
