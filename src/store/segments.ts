/**
 * Training segments: the stretches of a run trained on one backend and thread count. A run resumed
 * on another backend or thread count is allowed, but its records are then not bit-identical to an
 * uninterrupted run's, so the run record says which backend produced which updates: the `runs`
 * columns `backend` and `threads` name the latest segment's, and the `versions` key
 * {@link SEGMENTS_KEY} lists every segment while there is more than one (docs/STORE.md).
 */
import { RunStoreError } from './errors.ts';
import type { RunInfo } from './types.ts';

/** The `versions` key that lists a run's segments: `from update 0: native, 1 thread; from update 157: wasm, 2 threads`. */
export const SEGMENTS_KEY = 'segments';

/** One stretch of training: updates from `from` on, until the next segment's `from`. */
export interface RunSegment {
  /** The update the segment started from (0, or the checkpoint it resumed). */
  readonly from: number;
  readonly backend: string;
  readonly threads: number;
}

const ENTRY = /^from update (\d+): (\S+), (\d+) threads?$/;

/** The text of {@link SEGMENTS_KEY}: `from update <u>: <backend>, <n> thread(s)`, joined by `; `. */
export function formatSegments(segments: readonly RunSegment[]): string {
  return segments.map((s) => `from update ${s.from}: ${s.backend}, ${s.threads} thread${s.threads === 1 ? '' : 's'}`).join('; ');
}

/**
 * The segments of a run, oldest first: those listed under {@link SEGMENTS_KEY}, or one segment from
 * update 0 on the run's `backend` and `threads` when the key is absent (never resumed elsewhere).
 * @throws RunStoreError `INVALID` naming the run when the key is present but not in the format
 *   {@link formatSegments} writes.
 */
export function runSegments(run: Pick<RunInfo, 'id' | 'backend' | 'threads' | 'versions'>): RunSegment[] {
  const text = run.versions[SEGMENTS_KEY];
  if (text === undefined) return [{ from: 0, backend: run.backend, threads: run.threads }];
  const segments = String(text)
    .split('; ')
    .map((entry) => {
      const m = ENTRY.exec(entry);
      if (!m) {
        throw new RunStoreError(
          'INVALID',
          `run ${run.id}: versions.${SEGMENTS_KEY} entry "${entry}" is not of the form "from update <n>: <backend>, <k> threads"`,
        );
      }
      return { from: Number(m[1]), backend: m[2]!, threads: Number(m[3]) };
    });
  return segments;
}

/**
 * The segments after a resume from update `from` on `backend` × `threads`: the old segments that
 * started before `from` (records after `from` are dropped on resume, so are the segments that made
 * them), then a new one unless the last kept segment ran on the same backend and threads.
 */
export function continueSegments(old: readonly RunSegment[], from: number, backend: string, threads: number): RunSegment[] {
  const kept = from === 0 ? [] : old.filter((s) => s.from < from);
  const last = kept.at(-1);
  if (!last || last.backend !== backend || last.threads !== threads) kept.push({ from, backend, threads });
  return kept;
}
