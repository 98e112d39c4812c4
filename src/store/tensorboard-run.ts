/**
 * One run's TensorBoard log, written from its record: by `glorot export --tensorboard` all at once,
 * and by the trainer point by point while the run trains (`--tensorboard` on `train`/`reproduce`),
 * so a running TensorBoard shows the run grow. Both go through {@link RunEventLog}: the files are
 * the same whichever wrote them (docs/DECISIONS.md "TensorBoard").
 *
 * Layout of a run's log directory `<logDir>` (a TensorBoard "run"):
 * - one event file at TensorBoard's `step` = updates: every scalar (`layer1/activation/mean`,
 *   `network/probe/loss`), evaluations (`eval/<split>/error_rate`, `eval/<split>/nll`), histograms
 *   (`layer1/activation`), the hparams plugin's experiment and session (the run's configuration,
 *   flattened: `activation`, `hidden`, `probe.interval`, … and `depth`, `run`), and the
 *   custom-scalars layout (one chart per statistic, a line per layer);
 * - `<logDir>/by_probe/`: the scalars again at `step` = the probe point's index (0, 1, 2, …), with
 *   `updates` (the update count of that point) beside them — TensorBoard's step axis is linear, so
 *   log-spaced probe points (1, 2, 5, 10, 20, …, then every interval) crowd into its first pixels;
 *   by index they are evenly spaced. TensorBoard lists it as the run `<run>/by_probe`.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NETWORK_LAYER, SCALAR_METRICS, SPLITS } from '../core/metrics.ts';
import { ensureDir } from './paths.ts';
import type { RunStore } from './runStore.ts';
import { configDepth } from './runId.ts';
import { EventFileWriter, histogramValue, type SummaryValue } from './tensorboard.ts';
import {
  experimentValue,
  flattenHParams,
  layoutValue,
  sessionEndValue,
  sessionStartValue,
  SESSION_STATUS,
  type HParamsMetric,
  type HParamValue,
  type LayoutChart,
} from './tensorboard-plugins.ts';
import type { RunStatus } from './types.ts';

/** The sub-run whose step is the probe point's index. */
export const BY_PROBE_DIR = 'by_probe';

/** glorot's own event files (the ones a new log replaces). */
const OWN_EVENT_FILE = /^events\.out\.tfevents\..*\.glorot$/;

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

/** A regular expression matching exactly `s`. */
function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The statistics a layer chart is drawn for: every per-layer statistic the probe writes at each point. */
const LAYER_STATS = Object.keys(SCALAR_METRICS).filter((n) => !/^(theory|meanfield|jacobian|probe)\.|\.nonfinite$/.test(n));

const GROUP_TITLES: Record<string, string> = {
  activation: 'activations z per layer (Figs. 2–4, 6)',
  backprop_grad: 'back-propagated gradients ∂C/∂s per layer (Fig. 7)',
  weight_grad: 'weight gradients ∂C/∂W per layer (Fig. 8)',
  weight: 'weights per layer',
};

/**
 * The custom-scalars layout: a category per tensor with one chart per statistic, every hidden
 * layer's curve on it (the paper's view: Figs. 6–8 compare layers), then the evaluations.
 */
export function paperLayout(): SummaryValue {
  const groups = new Map<string, LayoutChart[]>();
  for (const name of LAYER_STATS) {
    const group = name.slice(0, name.indexOf('.'));
    const charts = groups.get(group) ?? [];
    charts.push({ title: name, tags: [`^layer\\d+/${literal(name.replaceAll('.', '/'))}$`] });
    groups.set(group, charts);
  }
  const evaluation: LayoutChart[] = [
    { title: 'error rate (%)', tags: ['^eval/[a-z]+/error_rate$'] },
    { title: 'NLL (nats)', tags: ['^eval/[a-z]+/nll$'] },
  ];
  return layoutValue([
    ...[...groups].map(([g, charts]) => ({ title: GROUP_TITLES[g] ?? g, charts })),
    { title: 'evaluation (Table 1)', charts: evaluation },
  ]);
}

/** The hparams table's metrics: the evaluations' error rates and NLLs. */
const METRICS: readonly HParamsMetric[] = SPLITS.flatMap((split) => {
  const datasetType = split === 'train' ? 1 : split === 'validation' ? 2 : 0;
  return [
    { tag: `eval/${split}/error_rate`, description: `classification error on the ${split} split, in percent`, datasetType },
    { tag: `eval/${split}/nll`, description: `mean negative log-likelihood on the ${split} split, in nats`, datasetType },
  ] as const;
});

/** How a run's status ends its hparams session; null while it can still go on (running, interrupted). */
function sessionStatus(status: RunStatus): number | null {
  if (status === 'finished') return SESSION_STATUS.success;
  if (status === 'diverged' || status === 'failed') return SESSION_STATUS.failure;
  return null;
}

/** Removes glorot's event files in `dir` (if it exists). */
function removeOwnEventFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) if (OWN_EVENT_FILE.test(f)) rmSync(join(dir, f));
}

/** What a log holds so far. */
export interface EventLogCounts {
  readonly points: number;
  readonly scalars: number;
  readonly histograms: number;
}

/** One run's TensorBoard log (see the file's comment). Synchronous; {@link close} when done. */
export class RunEventLog {
  private readonly main: EventFileWriter;
  private readonly byProbe: EventFileWriter;
  private points = 0;
  private scalars = 0;
  private histograms = 0;
  private closed = false;

  /**
   * Replaces glorot's event files in `logDir` (so curves never show twice) with a new log of the
   * record of `run` so far: the hparams experiment and session, the layout, then every probe point.
   * @throws RunStoreError `UNKNOWN_RUN`; `UNWRITABLE` when the directory cannot be created; other
   *   file-system errors from node:fs.
   */
  constructor(
    private readonly store: RunStore,
    private readonly run: string,
    readonly logDir: string,
  ) {
    const info = store.getRun(run);
    const existing = store.probePoints(run);
    ensureDir(logDir, 'the TensorBoard log directory');
    removeOwnEventFiles(logDir);
    removeOwnEventFiles(join(logDir, BY_PROBE_DIR));
    const start = Date.parse(info.createdAt) / 1000;
    this.main = new EventFileWriter(logDir, { wallTime: existing[0]?.wallTime ?? start });
    this.byProbe = new EventFileWriter(join(logDir, BY_PROBE_DIR), { wallTime: existing[0]?.wallTime ?? start });
    const extra: Record<string, HParamValue> = { run };
    const depth = configDepth(info.config);
    if (depth !== undefined) extra['depth'] = depth;
    const hparams = flattenHParams(info.config, extra);
    this.main.addSummary(
      [experimentValue(hparams, METRICS, start), sessionStartValue(hparams, start, `models/${run}.safetensors`, ''), paperLayout()],
      0,
      start,
    );
    for (const { updates } of existing) this.append(updates);
  }

  /**
   * Appends the probe point at `updates` from the record (one event in each file); a point the
   * record no longer has (deleted by a resume meanwhile) is skipped. Visible to readers at once.
   */
  append(updates: number): void {
    const p = this.store.readProbePoint(this.run, updates);
    if (p === null) return;
    const values: SummaryValue[] = [];
    for (const s of p.scalars) values.push({ tag: scalarTag(s.layer, s.name), simple_value: s.value });
    for (const e of p.evaluations) {
      values.push({ tag: `eval/${e.split}/error_rate`, simple_value: e.errorRate }, { tag: `eval/${e.split}/nll`, simple_value: e.nll });
    }
    this.byProbe.addSummary([{ tag: 'updates', simple_value: updates }, ...values], this.points, p.wallTime);
    this.scalars += values.length;
    for (const h of p.histograms) values.push({ tag: `${layerTag(h.layer)}/${h.tensor}`, histo: histogramValue(h.edges, h.counts) });
    this.histograms += p.histograms.length;
    this.main.addSummary(values, updates, p.wallTime); // TensorBoard's own field is called step
    this.points++;
  }

  /** Probe points, scalars and histograms written so far. */
  counts(): EventLogCounts {
    return { points: this.points, scalars: this.scalars, histograms: this.histograms };
  }

  /** The event files' paths: the main one, then the by-probe-index one. */
  files(): readonly string[] {
    return [this.main.path, this.byProbe.path];
  }

  /**
   * Ends the hparams session when the run has ended for good (finished: success; diverged or
   * failed: failure; TensorBoard keeps the first end it reads), then flushes and closes both files.
   * Idempotent.
   */
  close(status: RunStatus, endTime: number = Date.now() / 1000): void {
    if (this.closed) return;
    this.closed = true;
    const end = sessionStatus(status);
    if (end !== null) this.main.addSummary([sessionEndValue(end, endTime)], this.store.getRun(this.run).lastUpdate ?? 0, endTime);
    this.main.close();
    this.byProbe.close();
  }
}
