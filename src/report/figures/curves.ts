/**
 * Test-error curves vs examples seen: Fig. 11 (Shapeset-3×2, every configuration present) and
 * Fig. 12 (the other datasets, one panel each). One curve per configuration: its curve run (the
 * lowest seed at the selected learning rate), test error at every probe point after update 0, on a
 * log x axis (examples seen = updates × minibatch).
 */
import { CONFIG_LABELS, type ConfigLabel } from '../input.ts';
import { datasetTitle } from '../paper.ts';
import type { Selection } from '../select.ts';
import { composeFigure, type FigureBuild, type FigureContext, type Json, placeholderPanel } from './common.ts';

/** Splits a message into lines of at most about `width` characters (for placeholder panels). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Colours of the configurations (fixed, so a configuration has the same colour in every panel). */
const CONFIG_COLORS: Readonly<Record<ConfigLabel, string>> = {
  Sigmoid: '#7f7f7f',
  'Sigmoid d4': '#bcbd22',
  Tanh: '#d62728',
  Softsign: '#1f77b4',
  'Softsign N': '#17becf',
  'Tanh N': '#ff7f0e',
};

/** Dash patterns of the configurations (solid: normalized init; dashed: standard; dotted: sigmoid depth 4). */
const CONFIG_DASHES: Readonly<Record<ConfigLabel, number[]>> = {
  Sigmoid: [6, 3],
  'Sigmoid d4': [2, 2],
  Tanh: [6, 3],
  Softsign: [6, 3],
  'Softsign N': [1, 0],
  'Tanh N': [1, 0],
};

/** Stroke width of the wide, faint band drawn under each curve of a coinciding pair (the curve drawn first), so a curve on top of it stays visible. */
const UNDERLAY_WIDTH = 7;

/** Two curves "coincide" when at {@link COINCIDE_SHARE} of their common probe points their test errors differ by at most this many points. */
const COINCIDE_PP = 1;
/** Share of the common probe points at which coinciding curves must be within {@link COINCIDE_PP}. */
const COINCIDE_SHARE = 0.8;

/**
 * Pairs of curves that coincide: within {@link COINCIDE_PP} points at ≥ {@link COINCIDE_SHARE} of
 * their common probe points (at least 3).
 * @param curves name → [update, error %] points.
 * @returns pairs of names, in the order given.
 */
export function coincidingCurves(curves: ReadonlyArray<{ name: string; points: ReadonlyArray<readonly [number, number]> }>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < curves.length; i++) {
    for (let j = i + 1; j < curves.length; j++) {
      const b = new Map(curves[j]!.points.map(([u, e]) => [u, e] as const));
      let common = 0;
      let close = 0;
      for (const [u, e] of curves[i]!.points) {
        const f = b.get(u);
        if (f === undefined) continue;
        common++;
        if (Math.abs(e - f) <= COINCIDE_PP) close++;
      }
      if (common >= 3 && close >= COINCIDE_SHARE * common) out.push([curves[i]!.name, curves[j]!.name]);
    }
  }
  return out;
}

/** The paper's end of training in examples (2.5 × 10^7, Fig. 11). */
const PAPER_EXAMPLES = 2.5e7;

/** Legend text of a curve: "Tanh N (lr 0.01, seed 1)", marked when diverged or unfinished. */
function curveName(s: Selection & { curveRun: NonNullable<Selection['curveRun']> }): string {
  const o = s.curveRun;
  const mark = o.status === 'diverged' ? ', diverged' : o.status === 'failed' ? ', failed' : o.unfinished ? `, ${o.status}` : '';
  return `${s.label} (lr ${o.learningRate}, seed ${o.seed}, ${o.shape.hidden.length} hidden${mark})`;
}

/** One panel of test-error curves for one dataset, or a placeholder; with the runs drawn. */
function curvesPanel(ctx: FigureContext, dataset: string, width = 560): { panel: Json; runs: string[]; coinciding: Array<[string, string]> } {
  type WithCurve = Selection & { curveRun: NonNullable<Selection['curveRun']> };
  const sels = ctx.selections.filter((s) => s.dataset === dataset && s.curveRun !== null) as WithCurve[];
  const rows: Json[] = [];
  const finals: Array<{ name: string; label: ConfigLabel; final: number }> = [];
  const curves: Array<{ name: string; points: Array<[number, number]> }> = [];
  let maxExamples = 0;
  for (const s of sels) {
    const o = s.curveRun;
    const name = curveName(s);
    let final = NaN;
    const points: Array<[number, number]> = [];
    for (const p of ctx.store.evaluationSeries(o.runId, 'test')) {
      if (p.updates <= 0 || !Number.isFinite(p.errorRate)) continue;
      const examples = p.updates * o.shape.minibatch;
      maxExamples = Math.max(maxExamples, examples);
      rows.push({ examples, error: p.errorRate, config: name });
      points.push([examples, p.errorRate]);
      final = p.errorRate;
    }
    curves.push({ name, points });
    finals.push({ name, label: s.label, final: o.countedAsFailure ? 100 : final });
  }
  const title = `${datasetTitle(dataset)}: test error vs examples seen`;
  if (rows.length === 0) {
    return { panel: placeholderPanel(title, [`no test-error curve recorded on ${datasetTitle(dataset)}`], width, 320), runs: [], coinciding: [] };
  }
  // legend ordered like the paper's: decreasing final error, top to bottom
  finals.sort((a, b) => (Number.isNaN(b.final) ? -1 : b.final) - (Number.isNaN(a.final) ? -1 : a.final));
  const domain = finals.map((f) => f.name);
  const coinciding = coincidingCurves(curves);
  const under = [...new Set(coinciding.map(([a, b]) => (domain.indexOf(a) <= domain.indexOf(b) ? a : b)))];
  const range = finals.map((f) => CONFIG_COLORS[f.label]);
  return {
    panel: {
      title: maxExamples < PAPER_EXAMPLES ? { text: title, subtitle: `curves end at ${maxExamples.toExponential(1)} examples (the paper: 2.5e+7)` } : title,
      width,
      height: 320,
      data: { values: rows },
      encoding: {
        x: {
          field: 'examples',
          type: 'quantitative',
          scale: { type: 'log', nice: false },
          title: 'examples seen (updates × minibatch; log scale)',
          axis: { format: '~s' },
        },
        y: { field: 'error', type: 'quantitative', title: 'test error (%)', scale: { zero: true } },
        color: {
          field: 'config',
          type: 'nominal',
          title: 'configuration (worst first)',
          scale: { domain, range },
          sort: domain,
          legend: { labelLimit: 400, symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolSize: 300, symbolOpacity: 1 },
        },
      },
      // dashes tell apart curves that lie on top of each other (e.g. both sigmoids at chance); the
      // first curve of each coinciding pair also gets a wide faint band underneath, so it stays visible
      layer: [
        {
          transform: [{ filter: { field: 'config', oneOf: under.length > 0 ? under : ['\u0000'] } }],
          mark: { type: 'line', strokeWidth: UNDERLAY_WIDTH, opacity: 0.45, strokeCap: 'round' },
        },
        {
          mark: { type: 'line', strokeWidth: 2, point: { size: 16 } },
          encoding: { strokeDash: { field: 'config', type: 'nominal', scale: { domain, range: finals.map((f) => CONFIG_DASHES[f.label]) }, sort: domain } },
        },
      ],
    },
    runs: sels.map((s) => s.curveRun.runId),
    coinciding,
  };
}

/** Caption sentence naming the curves that lie on top of each other, or ''. */
export function coincideNote(pairs: ReadonlyArray<readonly [string, string]>): string {
  if (pairs.length === 0) return '';
  return ` Curves that coincide (within ${COINCIDE_PP} point at ≥ ${100 * COINCIDE_SHARE} % of the probe points) are drawn on top of each other, told apart ` +
    `by dash pattern, the one drawn first over a wide faint band: ${pairs.map(([a, b]) => `${a} and ${b}`).join('; ')}.`;
}

/** Fig. 11: test error vs examples seen on Shapeset-3×2. */
export function buildFig11(ctx: FigureContext): FigureBuild {
  const title = 'Test error during online training on Shapeset-3×2';
  const ran = ctx.selections.some((s) => s.dataset === 'shapeset' && s.curveRun !== null);
  const { panel, runs, coinciding } = ran
    ? curvesPanel(ctx, 'shapeset')
    : { panel: placeholderPanel('Shapeset-3×2: not run at this scale', ['no Shapeset-3×2 run'], 560, 320), runs: [] as string[], coinciding: [] };
  const present = CONFIG_LABELS.filter((l) => ctx.selections.some((s) => s.dataset === 'shapeset' && s.label === l && s.curveRun));
  const absent = CONFIG_LABELS.filter((l) => !present.includes(l));
  return {
    number: 11,
    id: 'fig11',
    title,
    caption:
      'Test error (%) of each configuration at every probe point (the curve run: the ' +
        'lowest seed at the learning rate selected on validation), against examples seen. ' +
      'Paper (2.5×10^7 examples): Tanh N and Softsign N end lowest, Tanh and Softsign above, Sigmoid depth 4 higher and Sigmoid depth 5 stuck at chance (≈ ' +
        '83 %). Pre-training curves are out of scope.' +
      coincideNote(coinciding),
    status: runs.length === 0 ? 'not-run' : absent.length > 0 ? 'partial' : 'ok',
    notes: absent.length > 0 ? [`configurations not run: ${absent.join(', ')}`] : [],
    runs,
    spec: composeFigure(`Fig. 11: ${title}`, undefined, [panel], 'h'),
  };
}

/** Fig. 12: test-error curves on the datasets other than Shapeset-3×2, one panel per dataset. */
export function buildFig12(ctx: FigureContext, datasets: readonly string[], missing: ReadonlyArray<{ dataset: string; message: string }> = []): FigureBuild {
  const title = 'Test error during training on the other datasets';
  const others = datasets.filter((d) => d !== 'shapeset');
  const panels: Json[] = [];
  const runs: string[] = [];
  const coinciding: Array<[string, string]> = [];
  for (const d of others) {
    const r = curvesPanel(ctx, d, 460);
    panels.push(r.panel);
    runs.push(...r.runs);
    coinciding.push(...r.coinciding.map(([a, b]) => [`${a} on ${datasetTitle(d)}`, b] as [string, string]));
  }
  for (const m of missing.filter((x) => x.dataset !== 'shapeset')) {
    panels.push(placeholderPanel(`${datasetTitle(m.dataset)}: dataset missing`, wrap(m.message, 60), 460, 320));
  }
  if (panels.length === 0) {
    panels.push(placeholderPanel('not run at this scale', ['no dataset other than Shapeset-3×2 was run (the paper: MNIST, CIFAR-10)'], 560, 320));
  }
  return {
    number: 12,
    id: 'fig12',
    title,
    caption:
      'As Fig. 11, one panel per dataset other than Shapeset-3×2 that was run. Paper: MNIST and CIFAR-10, where normalized initialization and softsign/tanh ' +
        'also help, with smaller gaps than on Shapeset. ' +
      'Fashion-MNIST is a different dataset from MNIST (same format, harder), never a stand-in for the paper\'s MNIST numbers.' +
      coincideNote(coinciding),
    status: runs.length === 0 ? 'not-run' : 'ok',
    notes: [...(others.length === 0 ? ['only Shapeset-3×2 ran'] : []), ...missing.map((m) => `${datasetTitle(m.dataset)} missing: ${m.message}`)],
    runs,
    spec: composeFigure(`Fig. 12: ${title}`, undefined, panels, { columns: 2 }),
  };
}
