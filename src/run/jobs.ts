/**
 * Runs many training runs, `jobs` at a time, each in its own worker process (src/run/worker.ts)
 * with its own kernel threads. Re-running the same plan skips finished (and diverged) runs and
 * resumes interrupted ones from their checkpoints; Ctrl-C checkpoints every running run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '../kernels/backend.ts';
import { InvalidInputError } from '../core/errors.ts';
import { openRunStore } from '../store/runStore.ts';
import type { PlannedRun } from '../config/experiment.ts';
import type { TrainProgress } from './train.ts';
import type { WorkerMessage, WorkerRequest } from './worker.ts';

/** What happened to one planned run. */
export interface RunOutcome {
  readonly runId: string;
  /** finished | diverged | interrupted | failed (store statuses), or `error` when the worker failed to start the run. */
  readonly status: string;
  readonly detail: string | null;
  /** True when the run was already finished (or diverged) before this job and was not run again. */
  readonly skipped: boolean;
}

/** Events for the job's progress display. */
export type JobEvent =
  | { readonly type: 'start'; readonly runId: string; readonly resumed: boolean }
  | { readonly type: 'progress'; readonly runId: string; readonly progress: TrainProgress }
  | { readonly type: 'notice'; readonly runId: string; readonly message: string }
  | { readonly type: 'end'; readonly outcome: RunOutcome };

/** Options of {@link runJobs}. */
export interface JobOptions {
  readonly outDir: string;
  /** Runs in parallel (default 1). */
  readonly jobs?: number;
  readonly backend?: BackendName | 'auto';
  /** Kernel threads per run (default 1). */
  readonly threads?: number;
  /** Stop every run at this update with a checkpoint (see TrainOptions.until). */
  readonly until?: number;
  /** Write each run's TensorBoard log live into `<tensorboardDir>/<run>` (see TrainOptions.tensorboardDir). */
  readonly tensorboardDir?: string;
  readonly onEvent?: (e: JobEvent) => void;
  /** Aborting stops starting new runs and interrupts the running ones (they checkpoint). */
  readonly signal?: AbortSignal;
}

/** Deterministic JSON (sorted keys) for comparing stored and planned configurations. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** tsx resolved from this package, not from the current directory (glorot may run from anywhere). */
const TSX = import.meta.resolve('tsx');

/** Every live worker of this process, so none outlives it (see {@link killWorkers}). */
const liveWorkers = new Set<ChildProcess>();

/**
 * Kills every worker at once (SIGKILL): for a second Ctrl-C, which must quit immediately. Their runs
 * resume later from their last checkpoints.
 */
export function killWorkers(): void {
  for (const c of liveWorkers) c.kill('SIGKILL');
  liveWorkers.clear();
}

/**
 * Asks every worker to stop (SIGTERM): each writes a checkpoint of its run and ends it as
 * `interrupted`, losing nothing. Called when this process exits for any reason — an error, or a
 * closed stdout pipe (EPIPE, src/cli/main.ts) — so the detached workers neither train on unobserved
 * nor lose their progress since the last checkpoint.
 */
function stopWorkers(): void {
  for (const c of liveWorkers) c.kill('SIGTERM');
  liveWorkers.clear();
}
process.on('exit', stopWorkers);

/**
 * Sorts the planned runs against the record in `outDir`: those to start, those to resume, and those
 * already finished or diverged (skipped, with their stored outcome).
 * @throws Error when a stored run with the same id has a different configuration.
 */
function sortPlanned(planned: readonly PlannedRun[], outDir: string): { todo: Array<{ run: PlannedRun; resume: boolean }>; skipped: RunOutcome[] } {
  const todo: Array<{ run: PlannedRun; resume: boolean }> = [];
  const skipped: RunOutcome[] = [];
  const store = openRunStore(outDir);
  try {
    for (const p of planned) {
      if (!store.hasRun(p.runId)) {
        todo.push({ run: p, resume: false });
        continue;
      }
      const info = store.getRun(p.runId);
      if (stableJson(info.config) !== stableJson(p.config)) {
        throw new InvalidInputError(
          {
            field: 'outDir',
            expected: `an output directory whose run ${p.runId} has this job's configuration (another scale or setting needs its own)`,
            found: `${outDir}, where that run has ${configDifference(info.config, p.config)}`,
          },
          { hint: 'give another output directory, or remove this one to start again' },
        );
      }
      if (info.status === 'finished' || info.status === 'diverged') {
        skipped.push({ runId: p.runId, status: info.status, detail: info.statusDetail, skipped: true });
      } else {
        todo.push({ run: p, resume: true });
      }
    }
  } finally {
    store.close();
  }
  return { todo, skipped };
}

/**
 * Runs the planned runs.
 * @throws Error when a stored run with the same id has a different configuration (the message
 *   names the run and says to use another output directory or delete it).
 */
export async function runJobs(planned: readonly PlannedRun[], options: JobOptions): Promise<RunOutcome[]> {
  const { todo, skipped } = sortPlanned(planned, options.outDir);
  const outcomes = new Map<string, RunOutcome>(skipped.map((o) => [o.runId, o]));
  for (const o of skipped) options.onEvent?.({ type: 'end', outcome: o });

  const jobs = Math.max(1, options.jobs ?? 1);
  const children = new Set<ChildProcess>();
  const onAbort = (): void => {
    for (const c of children) c.kill('SIGINT');
  };
  options.signal?.addEventListener('abort', onAbort);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length && !options.signal?.aborted) {
      const { run, resume } = todo[next++]!;
      options.onEvent?.({ type: 'start', runId: run.runId, resumed: resume });
      const outcome = await runOne(run, resume, options, children);
      outcomes.set(run.runId, outcome);
      options.onEvent?.({ type: 'end', outcome });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, todo.length) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return planned.filter((p) => outcomes.has(p.runId)).map((p) => outcomes.get(p.runId)!);
}

function runOne(run: PlannedRun, resume: boolean, options: JobOptions, children: Set<ChildProcess>): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const child = fork(WORKER, [], {
      execArgv: ['--import', TSX],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // own process group: a terminal Ctrl-C reaches only this process, which forwards one SIGINT
      // (checkpoint and stop) and, on a second Ctrl-C, kills the workers; a worker whose parent dies
      // sees its IPC channel close and stops with a checkpoint (worker.ts)
      detached: true,
    });
    children.add(child);
    liveWorkers.add(child);
    let settled = false;
    const finish = (o: RunOutcome): void => {
      if (settled) return;
      settled = true;
      children.delete(child);
      liveWorkers.delete(child);
      resolve(o);
    };
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') options.onEvent?.({ type: 'progress', runId: run.runId, progress: m.progress });
      else if (m.type === 'notice') options.onEvent?.({ type: 'notice', runId: run.runId, message: m.message });
      else if (m.type === 'done') finish({ runId: run.runId, status: m.status, detail: m.detail, skipped: false });
      else if (m.type === 'error') finish({ runId: run.runId, status: 'error', detail: m.message, skipped: false });
    });
    child.on('exit', (code, signal) => {
      finish(earlyExitOutcome(run.runId, code, signal, options.signal?.aborted === true));
    });
    const req: WorkerRequest = {
      type: 'run',
      outDir: options.outDir,
      runId: run.runId,
      config: run.config,
      resume,
      backend: options.backend ?? 'auto',
      threads: options.threads ?? 1,
      ...(options.until !== undefined ? { until: options.until } : {}),
      ...(options.tensorboardDir !== undefined ? { tensorboardDir: options.tensorboardDir } : {}),
    };
    child.send(req);
  });
}

/**
 * The outcome of a worker that exited without reporting `done` or `error`. When the job itself was
 * interrupted and the worker died of the SIGINT/SIGTERM we forwarded (it was still starting up, before
 * its own handlers were installed, so it had trained nothing and lost nothing), the run counts as
 * `interrupted`: the next job starts or resumes it. Otherwise the worker died on its own: `error`.
 */
export function earlyExitOutcome(runId: string, code: number | null, signal: NodeJS.Signals | null, aborted: boolean): RunOutcome {
  if (aborted && (signal === 'SIGINT' || signal === 'SIGTERM')) {
    return { runId, status: 'interrupted', detail: `interrupted while its worker was starting (${signal}), before any update of this job`, skipped: false };
  }
  return { runId, status: 'error', detail: `worker exited (${signal ?? `code ${String(code)}`}) before reporting`, skipped: false };
}

/**
 * The top-level configuration fields where a stored run differs from a planned one, as
 * `hidden [32,32,…] (this job: [250,250,…]), updates 400 (this job: 60000)`; at most 4 fields.
 */
function configDifference(stored: Readonly<Record<string, unknown>>, planned: object): string {
  const want = planned as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(stored), ...Object.keys(want)])].sort();
  const text = (v: unknown): string => (v === undefined ? 'nothing' : stableJson(v));
  const diffs = keys.filter((k) => text(stored[k]) !== text(want[k])).map((k) => `${k} ${text(stored[k])} (this job: ${text(want[k])})`);
  return diffs.length === 0 ? 'another configuration' : diffs.slice(0, 4).join(', ') + (diffs.length > 4 ? ', …' : '');
}
