/**
 * Exports of one run's record: CSV files (long format, for pandas, R or a spreadsheet) and a
 * TensorBoard event file (scalars and histograms, for `tensorboard --logdir`).
 */
import { closeSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from './paths.ts';
import type { RunStore } from './runStore.ts';
import { EventFileWriter, histogramValue, type SummaryValue } from './tensorboard.ts';
import { NETWORK_LAYER } from '../core/metrics.ts';

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

/** TensorBoard tag prefix of a layer: `layer3`, or `network` for {@link NETWORK_LAYER}. */
export function layerTag(layer: number): string {
  return layer === NETWORK_LAYER ? 'network' : `layer${layer}`;
}

/**
 * TensorBoard tag of a scalar: `<layerTag>/<name>` with the name's dots turned into slashes, so
 * `activation.mean` of layer 1 is `layer1/activation/mean` (TensorBoard groups tags by `/`).
 */
export function scalarTag(layer: number, name: string): string {
  return `${layerTag(layer)}/${name.replaceAll('.', '/')}`;
}

/** glorot's own event files (the ones {@link exportTensorboard} replaces). */
const OWN_EVENT_FILE = /^events\.out\.tfevents\..*\.glorot$/;

/**
 * Writes a run's record as one TensorBoard event file in `logDir` (created if needed), one event
 * per probe point at TensorBoard's `step` = updates, with the point's wall time. Tags: scalars as
 * {@link scalarTag} (e.g. `layer1/activation/mean`; network-level `network/<name>`), evaluations
 * `eval/<split>/error_rate` (%) and `eval/<split>/nll`, histograms `layer<L>/<tensor>` (e.g.
 * `layer1/activation`; non-finite counts are left out, TensorBoard has no place for them).
 * Event files a previous export of glorot wrote in `logDir` are deleted first, so re-exporting
 * never shows duplicate curves. View with `tensorboard --logdir <parent of logDir>`.
 * @throws RunStoreError `UNKNOWN_RUN`; `UNWRITABLE` when the directory cannot be created; other
 *   file-system errors from node:fs.
 */
export function exportTensorboard(store: RunStore, run: string, logDir: string): ExportResult {
  store.getRun(run);
  const points = store.probePoints(run);
  ensureDir(logDir, 'the TensorBoard log directory');
  for (const f of readdirSync(logDir)) if (OWN_EVENT_FILE.test(f)) rmSync(join(logDir, f));
  const writer = new EventFileWriter(logDir, { wallTime: points[0]?.wallTime ?? Date.now() / 1000 });
  let nScalars = 0;
  let nHistograms = 0;
  try {
    for (const { updates } of points) {
      const p = store.readProbePoint(run, updates);
      if (p === null) continue;
      const values: SummaryValue[] = [];
      for (const s of p.scalars) values.push({ tag: scalarTag(s.layer, s.name), simple_value: s.value });
      for (const e of p.evaluations) {
        values.push({ tag: `eval/${e.split}/error_rate`, simple_value: e.errorRate }, { tag: `eval/${e.split}/nll`, simple_value: e.nll });
      }
      nScalars += values.length;
      for (const h of p.histograms) values.push({ tag: `${layerTag(h.layer)}/${h.tensor}`, histo: histogramValue(h.edges, h.counts) });
      nHistograms += p.histograms.length;
      writer.addSummary(values, updates, p.wallTime); // TensorBoard's own field is called step
    }
  } finally {
    writer.close();
  }
  return { files: [writer.path], points: points.length, scalars: nScalars, histograms: nHistograms };
}
