/**
 * `glorot runs`, `glorot show <run>` and `glorot export <run>`: reading the run record of an output
 * directory (src/store). All three open the database readonly, so they are safe while a run trains.
 */
import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  configDepth,
  DEFAULT_OUT_DIR,
  defaultCsvDir,
  defaultTensorboardDir,
  exportCsv,
  exportTensorboard,
  layerTag,
  openRunStore,
  readLock,
  runLockPath,
  type EvaluationPoint,
  type RunInfo,
  type RunStore,
  validateRunId,
} from '../store/index.ts';
import { SPLITS } from '../core/metrics.ts';
import { initTheoryRows } from '../report/initTheory.ts';
import type { VarianceRow } from '../report/checks/types.ts';
import { UsageError } from './exit.ts';
import { pathArg, runIdArg } from './flags.ts';
import { print, printError } from './terminal.ts';
import { exportPytorchAction } from './interop.ts';

/** A number for people: 4 significant digits, exponent form outside [1e-3, 1e6). */
function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(4)));
  return v.toExponential(3);
}

/** Left-aligned text columns separated by two spaces. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A config entry as text, or `-` when absent. */
function configText(v: unknown): string {
  if (v === undefined || v === null) return '-';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function withStore<T>(outDir: string, f: (store: RunStore) => T): T {
  const store = openRunStore(outDir, { readonly: true });
  if (store.integrity.status === 'unchecked') {
    printError(
      `note: ${store.file} (${(store.integrity.bytes / 1e6).toFixed(0)} MB) is too large to check at every open, so its integrity was not ` +
        `checked; check it once with: sqlite3 ${store.file} 'PRAGMA quick_check'`,
    );
  }
  try {
    return f(store);
  } finally {
    store.close();
  }
}

function statusText(run: RunInfo): string {
  return run.statusDetail === null ? run.status : `${run.status} (${run.statusDetail})`;
}

/** For a run the record says is running (or being created): whether its trainer still runs, from its lock. */
interface TrainerState {
  readonly alive: boolean;
  readonly pid: number | null;
  readonly host: string | null;
  /** Why, in words: `process 1234 on host lab2 is running`, `… is gone (no such process)`, `no lock file …`. */
  readonly reason: string;
}

/** The trainer of `run` when its status says one is at work (`running`, `created`); null otherwise. */
function trainerState(outDir: string, run: RunInfo): TrainerState | null {
  if (run.status !== 'running' && run.status !== 'created') return null;
  let path: string;
  try {
    path = runLockPath(outDir, run.id);
  } catch (e) {
    return { alive: false, pid: null, host: null, reason: `its lock cannot be looked up (${e instanceof Error ? e.message : String(e)})` };
  }
  const lock = readLock(path);
  if (lock === null) return { alive: false, pid: null, host: null, reason: `no process holds its lock (no ${path})` };
  const pid = Number.isFinite(lock.owner.pid) ? lock.owner.pid : null;
  return { alive: lock.alive, pid, host: lock.owner.host, reason: lock.reason };
}

/** What to do about a run whose process is gone: the command that resumes it. */
function resumeHint(outDir: string, id: string): string {
  return `resume it with: glorot train --resume ${id} --out ${outDir} (or re-run the reproduce/run command that started it)`;
}

function listRuns(store: RunStore, outDir: string, json: boolean): string {
  const rows = store.listRuns().map((run) => ({ run, test: store.latestEvaluation(run.id, 'test'), trainer: trainerState(outDir, run) }));
  if (json) {
    return JSON.stringify(
      rows.map(({ run, test, trainer }) => ({ ...run, lastTestError: test?.errorRate ?? null, ...(trainer ? { trainer } : {}) })),
      null,
      2,
    );
  }
  if (rows.length === 0) return `no runs in ${store.file}`;
  const gone = rows.filter((r) => r.trainer !== null && !r.trainer.alive);
  const notes = gone.map(({ run, trainer }) => `* ${run.id}: the record says ${run.status}, but ${trainer!.reason}; ${resumeHint(outDir, run.id)}`);
  return [table(
    ['id', 'status', 'activation', 'init', 'depth', 'last update', 'test error %', 'created'],
    rows.map(({ run, test, trainer }) => [
      run.id,
      trainer !== null && !trainer.alive ? `${run.status}, process gone*` : run.status,
      configText(run.config['activation']),
      configText(run.config['init']),
      configText(configDepth(run.config)),
      run.lastUpdate === null ? '-' : String(run.lastUpdate),
      test === null ? '-' : fmt(test.errorRate),
      run.createdAt.replace('T', ' ').slice(0, 19),
    ]),
  ), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

function showRun(store: RunStore, outDir: string, id: string, json: boolean): string {
  const run = store.getRun(id);
  const latest = store.latestScalars(id);
  const evaluations = SPLITS.map((s) => store.latestEvaluation(id, s)).filter((e): e is EvaluationPoint => e !== null);
  const predictions = initTheoryRows(store, id);
  const trainer = trainerState(outDir, run);
  if (json) {
    return JSON.stringify({ run, ...(trainer ? { trainer } : {}), latestScalars: latest, latestEvaluations: evaluations, initTheory: predictions }, null, 2);
  }

  const out: string[] = [];
  out.push(
    table(
      ['run', run.id],
      [
        ['status', statusText(run)],
        ...(trainer === null ? [] : [['trainer', trainer.alive ? trainer.reason : `${trainer.reason}: ${resumeHint(outDir, run.id)}`]]),
        ['seed', String(run.seed)],
        ['backend', `${run.backend}, ${run.threads} thread${run.threads === 1 ? '' : 's'}`],
        ['created', run.createdAt],
        ['updated', run.updatedAt],
        ['last update', run.lastUpdate === null ? '-' : String(run.lastUpdate)],
        ['versions', Object.entries(run.versions).map(([k, v]) => `${k} ${v}`).join(', ')],
      ],
    ),
  );
  const config = Object.entries(run.config);
  out.push('', 'config', config.length === 0 ? '  (empty)' : table(['  key', 'value'], config.map(([k, v]) => [`  ${k}`, configText(v)])));
  if (evaluations.length > 0) {
    out.push(
      '',
      'latest evaluations',
      table(
        ['  split', 'updates', 'error %', 'nll', 'examples'],
        evaluations.map((e) => [`  ${e.split}`, String(e.updates), fmt(e.errorRate), fmt(e.nll), String(e.examples)]),
      ),
    );
  }
  if (latest.length === 0) {
    out.push('', 'no statistics recorded yet');
    return out.join('\n');
  }
  // One row per statistic, one column per layer (network-level last).
  const layers = [...new Set(latest.map((s) => s.layer))].sort((a, b) => (a === -1 ? 1 : b === -1 ? -1 : a - b));
  const names = [...new Set(latest.map((s) => s.name))].sort();
  const at = new Map(latest.map((s) => [`${s.name}\u0000${s.layer}`, s]));
  let older = false;
  const rows = names.map((name) => [
    `  ${name}`,
    ...layers.map((layer) => {
      const s = at.get(`${name}\u0000${layer}`);
      if (s === undefined) return '';
      if (s.updates !== run.lastUpdate) older = true;
      return s.updates === run.lastUpdate ? fmt(s.value) : `${fmt(s.value)}*`;
    }),
  ]);
  out.push('', `latest statistics per layer (update ${String(run.lastUpdate)})`, table(['  name', ...layers.map(layerTag)], rows));
  if (older) out.push('  * last recorded at an earlier update');
  if (predictions.length > 0) out.push('', ...initTheoryText(predictions));
  return out.join('\n');
}

const QUANTITY_TEXT: Record<VarianceRow['quantity'], string> = { activation: 'Var[z]', backprop_grad: 'Var[∂C/∂s]', weight_grad: 'Var[∂C/∂W]' };

/** A prediction and its error against the measurement, `1.234e-3 (+1.1%)`; `-` without one. */
function withError(p: number | null, measured: number): string {
  if (p === null || !Number.isFinite(p)) return '-';
  const e = 100 * (p / measured - 1);
  return `${fmt(p)} (${e >= 0 ? '+' : ''}${e.toFixed(1)}%)`;
}

/** The predictions stored at init beside the measurements, one row per quantity and layer (src/report/initTheory.ts pairs them). */
function initTheoryText(rows: readonly VarianceRow[]): string[] {
  return [
    'predicted vs measured at initialization (update 0; the mean-field prediction is conditioned on the drawn network, ' +
      'the population one is its expectation over initialisations)',
    table(
      ['  quantity', 'layer', 'measured', 'mean-field (error)', 'population (error)', 'linear, eqs. (5)–(7) (error)'],
      rows.map((r) => [
        `  ${QUANTITY_TEXT[r.quantity]}`,
        String(r.layer),
        fmt(r.measured),
        withError(r.meanField, r.measured),
        withError(r.population, r.measured),
        withError(r.theory, r.measured),
      ]),
    ),
  ];
}

/**
 * Checks an export directory option before anything is written: the path, or the nearest of its
 * ancestors that exists, must be a directory (the rest is created).
 * @throws Error naming the option, the path and what is in the way.
 */
function checkExportDir(path: string, flag: string): void {
  for (let p = resolve(path); ; p = dirname(p)) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(p) !== p) continue;
      throw new Error(`${flag} ${path}: cannot look up ${p} (${code ?? String(e)})`);
    }
    if (st.isDirectory()) return;
    throw new Error(
      p === resolve(path)
        ? `${flag} ${path}: expected a directory to write into, found an existing file; give another directory`
        : `${flag} ${path}: expected a directory to write into, but ${p} is a file; give another directory`,
    );
  }
}

/**
 * Runs an export, its errors led by the option and the directory (the store names the directory's
 * role, e.g. `the CSV export directory`, never the flag).
 */
function exporting<T>(flag: string, dir: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new Error(`${flag} ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

interface OutOptions {
  out: string;
}

interface ExportOptions extends OutOptions {
  all?: boolean;
  csv?: string | true;
  tensorboard?: string | true;
  pytorch?: string | true;
}

/** Exports one run into the directories given (null: not that kind), printing what was written. */
function exportOne(store: RunStore, id: string, csvDir: string | null, tbDir: string | null): void {
  if (csvDir !== null) {
    const r = exporting('--csv', csvDir, () => exportCsv(store, id, csvDir));
    print(`${id}: CSV: ${r.points} probe points, ${r.scalars} scalars, ${r.histograms} histograms → ${csvDir}`);
  }
  if (tbDir !== null) {
    const r = exporting('--tensorboard', tbDir, () => exportTensorboard(store, id, tbDir));
    print(`${id}: TensorBoard: ${r.points} probe points, ${r.scalars} scalars, ${r.histograms} histograms → ${r.files[0]}`);
  }
}

/** Registers `glorot runs`, `glorot show` and `glorot export`. */
export function registerStoreCommands(program: Command): void {
  program
    .command('runs')
    .description('list the runs recorded in an output directory')
    .option('--out <dir>', 'output directory holding glorot.sqlite', pathArg('--out', 'a directory'), DEFAULT_OUT_DIR)
    .option('--json', 'print the runs as JSON')
    .action((opts: OutOptions & { json?: boolean }) => {
      print(withStore(opts.out, (store) => listRuns(store, opts.out, opts.json === true)));
    });

  program
    .command('show')
    .argument('<run>', 'run id (see glorot runs)', runIdArg)
    .description("print a run's config, status and latest statistics per layer")
    .option('--out <dir>', 'output directory holding glorot.sqlite', pathArg('--out', 'a directory'), DEFAULT_OUT_DIR)
    .option('--json', 'print JSON')
    .action((run: string, opts: OutOptions & { json?: boolean }) => {
      print(withStore(opts.out, (store) => showRun(store, opts.out, run, opts.json === true)));
    });

  program
    .command('export')
    .argument('[run]', 'run id (see glorot runs); or --all', runIdArg)
    .description("export a run's record (or every run's, with --all) as CSV files and/or a TensorBoard log")
    .option('--out <dir>', 'output directory holding glorot.sqlite', pathArg('--out', 'a directory'), DEFAULT_OUT_DIR)
    .option('--all', 'export every run of the output directory, each into <dir>/<run>')
    .option('--csv [dir]', `write CSV files into dir (default: <out>/csv/<run>; with --all, dir/<run>, default <out>/csv)`, pathArg('--csv', 'a directory'))
    .option(
      '--tensorboard [dir]',
      `write a TensorBoard log into dir (default: <out>/tensorboard/<run>; with --all, dir/<run>, default <out>/tensorboard)`,
      pathArg('--tensorboard', 'a directory'),
    )
    .option(
      '--pytorch [file]',
      'write the model as a PyTorch state_dict safetensors (default: <out>/models/<run>.pytorch.safetensors)',
      pathArg('--pytorch', 'a file name'),
    )
    .action(async (run: string | undefined, opts: ExportOptions) => {
      if (opts.csv === undefined && opts.tensorboard === undefined && opts.pytorch === undefined) {
        throw new UsageError('export: choose what to write: --csv [dir], --tensorboard [dir] and/or --pytorch [file]');
      }
      if (opts.pytorch !== undefined && opts.all === true) throw new UsageError('export: --pytorch takes one run, not --all');
      if ((run === undefined) === (opts.all !== true)) {
        throw new UsageError(
          run === undefined ? 'export: name a run (see glorot runs) or give --all' : `export: give either a run (${run}) or --all, not both`,
        );
      }
      // with --all the options name roots, one directory per run inside; ids read from the record
      // pass the run-id rule before they become paths (validateRunId)
      const dirFor = (given: string | true | undefined, kind: 'csv' | 'tensorboard', id: string): string | null => {
        if (given === undefined) return null;
        const byDefault = kind === 'csv' ? defaultCsvDir(opts.out, id) : defaultTensorboardDir(opts.out, id);
        if (opts.all !== true) return given === true ? byDefault : given;
        return given === true ? byDefault : join(given, validateRunId(id));
      };
      withStore(opts.out, (store) => {
        const ids = run === undefined ? store.listRuns().map((r) => r.id) : [store.getRun(run).id];
        if (ids.length === 0) print(`no runs in ${store.file}`);
        const targets = ids.map((id) => ({ id, csv: dirFor(opts.csv, 'csv', id), tb: dirFor(opts.tensorboard, 'tensorboard', id) }));
        // every path is checked before any export writes anything
        for (const t of targets) {
          if (t.csv !== null) checkExportDir(t.csv, '--csv');
          if (t.tb !== null) checkExportDir(t.tb, '--tensorboard');
        }
        for (const t of targets) exportOne(store, t.id, t.csv, t.tb);
        const tb = targets[0]?.tb;
        if (tb) print(`view with: tensorboard --logdir ${dirname(tb)}`);
      });
      if (opts.pytorch !== undefined && run !== undefined) await exportPytorchAction(opts.out, run, opts.pytorch);
    });
}
