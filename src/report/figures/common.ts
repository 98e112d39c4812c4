/**
 * What every figure builder shares: the result type, the figure context (run record + selections),
 * the paper's axes (epochs of 20,000 updates on a symlog scale; examples seen on a log scale), the
 * legend by layer, and the "not run at this scale" panel.
 */
import { UPDATES_PER_EPOCH } from '../../config/training.ts';
import type { RunStore } from '../../store/runStore.ts';
import type { ConfigLabel, ReportScale } from '../input.ts';
import type { VegaLiteSpec } from '../render.ts';
import type { RunOutcome, Selection } from '../select.ts';

/** A JSON object: one panel or encoding of a Vega-Lite spec, before the whole is typed as a spec. */
export type Json = Record<string, unknown>;

/** Whether a figure shows all it should, part of it, or none (its data was not run at this scale). */
export type FigureStatus = 'ok' | 'partial' | 'not-run';

/** A figure ready to render. */
export interface FigureBuild {
  /** The paper's figure number (1–12). */
  readonly number: number;
  /** File base name: `fig2`, `fig5`, … */
  readonly id: string;
  readonly title: string;
  /** What is plotted, from which runs and how (shown under the figure in the report). */
  readonly caption: string;
  readonly status: FigureStatus;
  /** Notes: what is missing, which fallback was used. */
  readonly notes: readonly string[];
  /** Run ids drawn. */
  readonly runs: readonly string[];
  readonly spec: VegaLiteSpec;
}

/** What figure builders read. */
export interface FigureContext {
  readonly store: RunStore;
  readonly selections: readonly Selection[];
  /** The dataset Figs. 2–10 are drawn from (Shapeset when it ran, as in the paper), or null. */
  readonly mainDataset: string | null;
  readonly scale: ReportScale;
}

/**
 * The selection of `label` on `dataset` (default: the main dataset) that has a run to draw, or
 * undefined.
 */
export function pick(ctx: FigureContext, label: ConfigLabel, dataset: string | null = ctx.mainDataset): (Selection & { curveRun: RunOutcome }) | undefined {
  const s = ctx.selections.find((x) => x.dataset === dataset && x.label === label);
  return s && s.curveRun ? (s as Selection & { curveRun: RunOutcome }) : undefined;
}

/** The legend label of hidden layer k (1 = closest to the input), as in the paper's figures. */
export function layerLabel(k: number): string {
  return `Layer ${k}`;
}

/** Distinct colours for layers 1, 2, … (Tableau 10, then repeated darker). */
const LAYER_COLORS: readonly string[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];

/** A colour encoding by layer with a fixed domain `Layer 1 … Layer n` (so every panel uses the same colours). */
export function layerColor(layers: number): Json {
  const domain = Array.from({ length: Math.max(1, layers) }, (_, i) => layerLabel(i + 1));
  return {
    field: 'layer',
    type: 'nominal',
    title: 'layer (1 = input side)',
    scale: { domain, range: domain.map((_, i) => LAYER_COLORS[i % LAYER_COLORS.length]!) },
    sort: domain,
  };
}

/** Epochs (the paper's unit, 20,000 updates) of an update count. */
export function toEpochs(update: number): number {
  return update / UPDATES_PER_EPOCH;
}

/** Powers of ten within (lo, hi], plus 0: tick values for a symlog axis. */
function symlogTicks(lo: number, hi: number): number[] {
  const out = [0];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    const v = 10 ** e;
    if (v >= lo * 0.999 && v <= hi * 1.001) out.push(Number(v.toPrecision(1)));
  }
  return out;
}

/**
 * The x encoding "epochs" of Figs. 2, 3, 9, 10: a symlog scale whose linear part ends at the first
 * probe point after 0, so update 0 and the first updates (where sigmoid's top layer collapses) are
 * visible next to the end of training.
 * @param epochs every epoch value plotted.
 * @param minibatch examples per update, for the axis title.
 */
export function epochAxis(epochs: readonly number[], minibatch: number): Json {
  const positive = epochs.filter((e) => e > 0);
  const lo = positive.length > 0 ? Math.min(...positive) : 1 / UPDATES_PER_EPOCH;
  const hi = positive.length > 0 ? Math.max(...positive) : 1;
  return {
    field: 'epoch',
    type: 'quantitative',
    title: `epochs (1 epoch = ${UPDATES_PER_EPOCH.toLocaleString('en-US')} updates of ${minibatch} examples; symlog scale)`,
    scale: { type: 'symlog', constant: lo, domain: [0, hi] },
    axis: { values: symlogTicks(lo, hi), format: '~g', labelOverlap: true },
  };
}

/** A figure's panels, one or more per configuration, with the runs they draw and notes. */
export interface Panels {
  readonly panels: Json[];
  readonly runs: string[];
  readonly notes: string[];
  /** `ok` when every configuration had a run to draw, `partial` when some did, `not-run` when none. */
  readonly status: FigureStatus;
}

/**
 * The panels of a figure that compares configurations, in the order of `labels`: a configuration
 * without a run on the main dataset gets a "not run at this scale" panel of `width` × `height` (as
 * {@link placeholderPanel}) and a note; otherwise its curve run joins `runs` and `draw` adds its
 * panel (and any notes) to `out`.
 */
export function panelsFor<L extends ConfigLabel>(
  ctx: FigureContext,
  labels: readonly L[],
  draw: (label: L, o: RunOutcome, out: { panels: Json[]; notes: string[] }) => void,
  width?: number,
  height?: number,
): Panels {
  const panels: Json[] = [];
  const runs: string[] = [];
  const notes: string[] = [];
  for (const label of labels) {
    const s = pick(ctx, label);
    if (!s) {
      panels.push(placeholderPanel(`${label}: not run at this scale`, [`no ${label} run on ${ctx.mainDataset ?? 'any dataset'}`], width, height));
      notes.push(`${label} not run`);
      continue;
    }
    runs.push(s.curveRun.runId);
    draw(label, s.curveRun, { panels, notes });
  }
  const status = runs.length === 0 ? 'not-run' : runs.length < labels.length ? 'partial' : 'ok';
  return { panels, runs, notes, status };
}

/** A panel that says why it is empty ("not run at this scale"), the size of a normal panel. */
export function placeholderPanel(title: string, lines: readonly string[], width = 420, height = 260): Json {
  return {
    title,
    width,
    height,
    data: { values: lines.map((text, i) => ({ text, i })) },
    mark: { type: 'text', fontSize: 13, align: 'center', baseline: 'middle', color: '#a33' },
    encoding: {
      y: { field: 'i', type: 'ordinal', axis: null },
      text: { field: 'text', type: 'nominal' },
    },
    view: { stroke: '#a33', strokeDash: [4, 4] },
  };
}

/** Wraps panels into a top-level spec: side by side (`h`), stacked (`v`) or a grid of `columns`. */
export function composeFigure(title: string, subtitle: string | undefined, panels: readonly Json[], layout: 'h' | 'v' | { columns: number }): VegaLiteSpec {
  const head: Json = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: subtitle ? { text: title, subtitle } : title,
    padding: 12,
  };
  if (panels.length === 1) {
    // one panel: its own title becomes the figure's subtitle
    const p = panels[0]!;
    const pt = p['title'];
    const lines = [subtitle, ...(typeof pt === 'string' ? [pt] : pt && typeof pt === 'object' ? [(pt as Json)['text'], (pt as Json)['subtitle']] : [])].filter(
      (x): x is string => typeof x === 'string' && x !== '',
    );
    return { ...head, ...p, title: lines.length > 0 ? { text: title, subtitle: lines } : title } as unknown as VegaLiteSpec;
  }
  if (layout === 'h') return { ...head, hconcat: panels } as unknown as VegaLiteSpec;
  if (layout === 'v') return { ...head, vconcat: panels } as unknown as VegaLiteSpec;
  return { ...head, concat: panels, columns: layout.columns } as unknown as VegaLiteSpec;
}

/**
 * A figure that is entirely "not run at this scale" (or, with `panelTitle`, absent for another
 * reason, e.g. `not in this run record`): one placeholder panel saying `reason`.
 */
export function notRunFigure(number: number, title: string, reason: string, caption: string, panelTitle = 'not run at this scale'): FigureBuild {
  return {
    number,
    id: `fig${number}`,
    title,
    caption,
    status: 'not-run',
    notes: [reason],
    runs: [],
    spec: composeFigure(`Fig. ${number}: ${title}`, undefined, [placeholderPanel(panelTitle, [reason])], 'h'),
  };
}

/** "Tanh N, lr 0.01, seed 1 (run tanh-…)": how a panel names the run it draws. */
export function runTag(label: ConfigLabel, o: RunOutcome): string {
  const status = o.status === 'diverged' ? ', DIVERGED' : o.status === 'failed' ? ', FAILED' : o.unfinished ? `, ${o.status}` : '';
  return `${label} · lr ${o.learningRate} · seed ${o.seed}${status}`;
}

/** Depth description of a run: "5 × 1000 hidden" or "3 hidden (16, 16, 32)". */
export function depthTag(o: RunOutcome): string {
  const h = o.shape.hidden;
  if (h.length === 0) return 'no hidden layer';
  return h.every((w) => w === h[0]) ? `${h.length} × ${h[0]} hidden` : `${h.length} hidden (${h.join(', ')})`;
}
