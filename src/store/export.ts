/**
 * Exports of one run's record: CSV files (long format, for pandas, R or a spreadsheet) and a
 * TensorBoard event file (scalars and histograms, for `tensorboard --logdir`).
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from './paths.ts';
import type { RunStore } from './runStore.ts';
import { RunEventLog } from './tensorboard-run.ts';

export { layerTag, scalarTag } from './tensorboard-run.ts';

/** What an export wrote. */
export interface ExportResult {
  /** Paths of the files written. */
  readonly files: readonly string[];
  /** Probe points exported. */
  readonly points: number;
  /** Scalar values exported (evaluation figures included for TensorBoard). */
  readonly scalars: number;
  /** Histograms exported. */
  readonly histograms: number;
}

/** A number as CSV text: shortest round-trip decimal; `NaN`, `Infinity`, `-Infinity` spelled out. */
function num(v: number): string {
  return String(v);
}

/** Buffers lines and appends them to a file in large writes. */
class LineWriter {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;
  constructor(readonly path: string, header: string) {
    this.fd = openSync(path, 'w');
    this.line(header);
  }
  /** Appends one line (without its newline), flushing every megabyte. */
  line(s: string): void {
    this.buf.push(s);
    this.size += s.length + 1;
    if (this.size > 1 << 20) this.flush();
  }
  private flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, `${this.buf.join('\n')}\n`);
    this.buf = [];
    this.size = 0;
  }
  /** Writes what is buffered and closes the file. */
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * The columns of each CSV file. Each name is a column a pandas user can select as `df.<name>`: none
 * is an attribute of a pandas DataFrame or Series (`df.count == 3` compares a method and selects
 * nothing; `row.name` of a row is its index label), which test/unit/store/csv-columns.test.ts checks.
 * `run` comes first so that the exports of several runs concatenate into one table.
 */
export const CSV_COLUMNS = {
  scalars: ['run', 'updates', 'layer', 'statistic', 'value'],
  evaluations: ['run', 'updates', 'split', 'error_rate', 'nll', 'examples'],
  histograms: ['run', 'updates', 'layer', 'tensor', 'lower', 'upper', 'bin_count'],
} as const;

const header = (file: keyof typeof CSV_COLUMNS): string => CSV_COLUMNS[file].join(',');

const CSV_README = (run: string): string => `glorot run record export: run ${run}

run.json          the run: id, config, seed, backend, threads, versions, status, timestamps.
scalars.csv       ${header('scalars')}
                  run = the run's id (the same in every row: exports of several runs concatenate);
                  updates = SGD updates made before the measurement (0 = right after initialisation);
                  layer = 1 ... L-1 the hidden layers (1 = nearest the input), L = the softmax output
                  layer (gradients and weights only), -1 = the whole network;
                  statistic = its name (e.g. activation.mean; definitions in glorot's docs/STORE.md);
                  value = float64, NaN/Infinity spelled out.
evaluations.csv   ${header('evaluations')}
                  split = train (running estimate) | validation | test; error_rate in percent (0-100);
                  nll = mean negative log-likelihood per example, in nats; examples = how many were used.
histograms.csv    ${header('histograms')}
                  bin_count values of the tensor (activation, backprop_grad, weight_grad, ...) fell in
                  [lower, upper) (the last bin of a histogram is closed). Non-finite values are counted
                  in rows with lower = upper = NaN, Infinity or -Infinity (written only when non-zero).
`;

/**
 * Writes a run's record as CSV into directory `dir` (created if needed): `run.json`, `scalars.csv`,
 * `evaluations.csv`, `histograms.csv` and a `README.txt` describing the columns. Existing files of
 * those names are replaced.
 * @throws RunStoreError `UNKNOWN_RUN`; `UNWRITABLE` when the directory cannot be created; other
 *   file-system errors from node:fs.
 */
export function exportCsv(store: RunStore, run: string, dir: string): ExportResult {
  const info = store.getRun(run);
  const points = store.probePoints(run);
  ensureDir(dir, 'the CSV export directory');
  const runJson = join(dir, 'run.json');
  writeFileSync(runJson, `${JSON.stringify(info, null, 2)}\n`);
  const readme = join(dir, 'README.txt');
  writeFileSync(readme, CSV_README(run));
  const scalars = new LineWriter(join(dir, 'scalars.csv'), header('scalars'));
  const evaluations = new LineWriter(join(dir, 'evaluations.csv'), header('evaluations'));
  const histograms = new LineWriter(join(dir, 'histograms.csv'), header('histograms'));
  let nScalars = 0;
  let nHistograms = 0;
  try {
    for (const { updates } of points) {
      const p = store.readProbePoint(run, updates);
      if (p === null) continue; // deleted by a concurrent resume
      // run ids are [a-z0-9._-] (the run-id rule) and names are the vocabulary's: nothing to quote
      const at = `${run},${updates}`;
      for (const s of p.scalars) scalars.line(`${at},${s.layer},${s.name},${num(s.value)}`);
      for (const e of p.evaluations) evaluations.line(`${at},${e.split},${num(e.errorRate)},${num(e.nll)},${e.examples}`);
      for (const h of p.histograms) {
        const head = `${at},${h.layer},${h.tensor}`;
        for (let i = 0; i < h.counts.length; i++) histograms.line(`${head},${num(h.edges[i]!)},${num(h.edges[i + 1]!)},${num(h.counts[i]!)}`);
        if (h.nan > 0) histograms.line(`${head},NaN,NaN,${h.nan}`);
        if (h.posInf > 0) histograms.line(`${head},Infinity,Infinity,${h.posInf}`);
        if (h.negInf > 0) histograms.line(`${head},-Infinity,-Infinity,${h.negInf}`);
      }
      nScalars += p.scalars.length;
      nHistograms += p.histograms.length;
    }
  } finally {
    scalars.close();
    evaluations.close();
    histograms.close();
  }
  return { files: [runJson, scalars.path, evaluations.path, histograms.path, readme], points: points.length, scalars: nScalars, histograms: nHistograms };
}

/**
 * Writes a run's record as a TensorBoard log in `logDir` (created if needed): see
 * src/store/tensorboard-run.ts for what it holds (scalars, evaluations and histograms at `step` =
 * updates; the hparams plugin's session; the custom-scalars layout; a `by_probe` sub-run at
 * `step` = probe index). Event files a previous export or live log of glorot wrote in `logDir` are
 * deleted first, so re-exporting never shows duplicate curves. View with
 * `tensorboard --logdir <parent of logDir>`.
 * @throws RunStoreError `UNKNOWN_RUN`; `UNWRITABLE` when the directory cannot be created; other
 *   file-system errors from node:fs.
 */
export function exportTensorboard(store: RunStore, run: string, logDir: string): ExportResult {
  const log = new RunEventLog(store, run, logDir);
  log.close(store.getRun(run).status);
  const c = log.counts();
  return { files: log.files(), points: c.points, scalars: c.scalars, histograms: c.histograms };
}
